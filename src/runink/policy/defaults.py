"""The built-in policy: ``--fail-on SEVERITY`` as a trigger, and the default with no runink.yaml.

``--fail-on LEVEL`` is sugar for one built-in trigger named ``--fail-on LEVEL``:

- ``critical``/``high``/``medium``/``low``: ``cve.severity >= "LEVEL"`` → ``block_deploy``;
- ``any``: ``cve.severity IS MISSING OR cve.severity >= "none"`` → ``block_deploy`` (every
  finding blocks, including those of unknown severity);
- ``never``: no trigger (findings are reported, nothing blocks).

Which policy applies (``effective_policy``):

- ``--fail-on`` given: the repository's triggers (if any) plus the ``--fail-on`` trigger;
- no ``--fail-on`` and a ``runink.yaml``: exactly its triggers;
- neither: the default policy, the same as ``--fail-on high`` (trigger ``default``).

The built-in conditions are built as checked trees directly (no grammar to load on every scan)
and compiled by the same compiler as any policy file; a test proves they equal the parsed text.
"""

from __future__ import annotations

from typing import Final

from runink.errors import UsageError
from runink.policy.actions import BlockDeploy
from runink.policy.checker import AnyOf, Checked, FieldRef, IsMissing, Test, TestOp
from runink.policy.compiler import compile_checked
from runink.policy.document import Policy, Trigger
from runink.policy.fields import resolve
from runink.policy.source import Location
from runink.scoring.severity import Severity

__all__ = [
    "DEFAULT_FAIL_ON",
    "DEFAULT_TRIGGER_NAME",
    "FAIL_ON_LEVELS",
    "default_policy",
    "effective_policy",
    "fail_on_trigger",
]

FAIL_ON_LEVELS: Final = ("critical", "high", "medium", "low", "any", "never")
DEFAULT_FAIL_ON: Final = "high"
DEFAULT_TRIGGER_NAME: Final = "default"
_ANY: Final = 'cve.severity IS MISSING OR cve.severity >= "none"'


def _expression_for(level: str) -> str:
    return _ANY if level == "any" else f'cve.severity >= "{level}"'


def _reason(level: str, origin: str) -> str:
    if level == "any":
        return f"any known vulnerability blocks ({origin})"
    return f"a vulnerability of severity {level} or above blocks ({origin})"


def _checked_builtin(level: str, when: str) -> Checked:
    """The checked tree of a built-in condition, built directly: every scan uses one, and
    building it here spares loading the grammar (tests/policy prove it equals the parsed
    text)."""
    spec = resolve("cve.severity")
    assert spec is not None
    field = FieldRef(spec, 0, len("cve.severity"))
    if level == "any":
        missing = IsMissing(FieldRef(spec, 0, len("cve.severity")), negated=False)
        at_least_none = Test(TestOp.GE, field, Severity("none").rank, when)
        return AnyOf((missing, at_least_none))
    return Test(TestOp.GE, field, Severity(level).rank, when)


def _builtin(level: str, name: str, origin: str) -> Trigger:
    level = level.strip().lower()
    if level not in FAIL_ON_LEVELS or level == "never":
        raise UsageError(f"--fail-on: {level!r} is not one of {', '.join(FAIL_ON_LEVELS)}")
    when = _expression_for(level)
    where = Location(f"<{origin}>", 1, 1)
    compiled = compile_checked(_checked_builtin(level, when), when)
    return Trigger(
        name=name,
        when=when,
        expression=compiled,
        actions=(BlockDeploy(_reason(level, origin), where),),
        location=where,
        description=f"built-in: {origin}",
        named=True,
    )


def fail_on_trigger(level: str) -> Trigger | None:
    """The trigger ``--fail-on LEVEL`` stands for; None for ``never``.

    Raises ``UsageError`` (exit 2) for a level that is not in ``FAIL_ON_LEVELS``.
    """
    if level.strip().lower() == "never":
        return None
    return _builtin(
        level, f"--fail-on {level.strip().lower()}", f"--fail-on {level.strip().lower()}"
    )


def default_policy() -> Policy:
    """The policy with no ``runink.yaml`` and no ``--fail-on``: block on high or critical."""
    trigger = _builtin(DEFAULT_FAIL_ON, DEFAULT_TRIGGER_NAME, "default policy")
    return Policy(artifact=None, triggers=(trigger,), exceptions=(), sources=())


def effective_policy(policy: Policy | None, fail_on: str | None) -> Policy:
    """The policy in force given the loaded files (None: no runink.yaml) and ``--fail-on``
    (None: not given). See the module docstring."""
    if fail_on is not None:
        base = policy or Policy(artifact=None, triggers=(), exceptions=(), sources=())
        trigger = fail_on_trigger(fail_on)
        return base if trigger is None else base.with_triggers((trigger,))
    if policy is not None:
        return policy
    return default_policy()
