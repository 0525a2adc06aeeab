"""Policies: the trigger language, ``runink.yaml`` documents, exceptions and evaluation.

The flow, one module per step::

    runink.yaml ─► yamlsource (positions) ─► document ─┬─► parser (grammar.lark) ─► nodes
                                                       ├─► checker (fields) ─► compiler
                                                       ├─► actions
                                                       └─► exceptions
    Policy + [EvaluationContext] ─► evaluate ─► Evaluation (what fires, what is suppressed)

``defaults`` adds the built-in ``--fail-on`` trigger and the default policy; ``editing`` backs
``runink exception add|list``. The language is documented in ``docs/policy-language.md``.
Nothing in this package acts: executing actions belongs to the services layer.
"""

from __future__ import annotations

from runink.policy.actions import (
    ACTIONS,
    Action,
    BlockDeploy,
    Log,
    Notify,
    Recipient,
    RecipientKind,
    Ticket,
)
from runink.policy.context import (
    ArtifactFacts,
    EvaluationContext,
    PackageFacts,
    VulnerabilityFacts,
    context_from_finding,
)
from runink.policy.defaults import (
    FAIL_ON_LEVELS,
    default_policy,
    effective_policy,
    fail_on_trigger,
)
from runink.policy.document import (
    POLICY_FILE_NAMES,
    Policy,
    PolicyDocument,
    Trigger,
    check_channels,
    check_policy_files,
    find_repo_policy,
    load_policy,
    load_policy_file,
    parse_policy_text,
)
from runink.policy.evaluate import Evaluation, Firing, Outcome, evaluate, evaluate_one
from runink.policy.exceptions import (
    Coverage,
    CoverageStatus,
    PolicyException,
    exception_covers,
    unused_exceptions,
)
from runink.policy.fields import FIELDS, FieldType

__all__ = [
    "ACTIONS",
    "FAIL_ON_LEVELS",
    "FIELDS",
    "POLICY_FILE_NAMES",
    "Action",
    "ArtifactFacts",
    "BlockDeploy",
    "Coverage",
    "CoverageStatus",
    "Evaluation",
    "EvaluationContext",
    "FieldType",
    "Firing",
    "Log",
    "Notify",
    "Outcome",
    "PackageFacts",
    "Policy",
    "PolicyDocument",
    "PolicyException",
    "Recipient",
    "RecipientKind",
    "Ticket",
    "Trigger",
    "VulnerabilityFacts",
    "check_channels",
    "check_policy_files",
    "context_from_finding",
    "default_policy",
    "effective_policy",
    "evaluate",
    "evaluate_one",
    "exception_covers",
    "fail_on_trigger",
    "find_repo_policy",
    "load_policy",
    "load_policy_file",
    "parse_policy_text",
    "unused_exceptions",
]
