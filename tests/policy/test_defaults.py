"""--fail-on as a built-in trigger, and the default policy when there is no runink.yaml."""

from __future__ import annotations

import pytest

from runink.errors import ExitCode, UsageError
from runink.policy import (
    FAIL_ON_LEVELS,
    Policy,
    default_policy,
    effective_policy,
    evaluate,
    fail_on_trigger,
    parse_policy_text,
)
from runink.scoring.severity import Severity
from tests.policy.conftest import make_ctx

SEVERITIES: list[Severity | None] = [None, *Severity]


@pytest.mark.parametrize(
    ("level", "blocked"),
    [
        ("critical", [False, False, False, False, False, True]),
        ("high", [False, False, False, False, True, True]),
        ("medium", [False, False, False, True, True, True]),
        ("low", [False, False, True, True, True, True]),
        ("any", [True, True, True, True, True, True]),
    ],
)
def test_fail_on_levels(level: str, blocked: list[bool]) -> None:
    trigger = fail_on_trigger(level)
    assert trigger is not None and trigger.name == f"--fail-on {level}"
    (block,) = trigger.blocks
    assert f"--fail-on {level}" in block.policy
    assert [trigger.fires(make_ctx(severity=s)) for s in SEVERITIES] == blocked


def test_fail_on_never_has_no_trigger_and_bad_levels_are_usage_errors() -> None:
    assert fail_on_trigger("never") is None
    assert fail_on_trigger("HIGH") is not None
    with pytest.raises(UsageError, match="--fail-on: 'severe' is not one of") as info:
        fail_on_trigger("severe")
    assert info.value.exit_code is ExitCode.USAGE
    assert set(FAIL_ON_LEVELS) == {"critical", "high", "medium", "low", "any", "never"}


def test_default_policy_blocks_high_and_critical() -> None:
    policy = default_policy()
    (trigger,) = policy.triggers
    assert trigger.name == "default" and trigger.when == 'cve.severity >= "high"'
    result = evaluate(policy, [make_ctx(severity=s) for s in SEVERITIES])
    assert [bool(o.blocks) for o in result.outcomes] == [False, False, False, False, True, True]
    assert result.block_reasons == (
        "a vulnerability of severity high or above blocks (default policy)",
    )


REPO_POLICY = parse_policy_text(
    "triggers: [{name: kev, when: cve.kev, then: [{action: log, entry: kev}]}]\n", "runink.yaml"
)
REPO = Policy(REPO_POLICY.artifact, REPO_POLICY.triggers, REPO_POLICY.exceptions)


def test_effective_policy_rules() -> None:
    assert [t.name for t in effective_policy(None, None).triggers] == ["default"]
    assert [t.name for t in effective_policy(REPO, None).triggers] == ["kev"]
    assert [t.name for t in effective_policy(REPO, "critical").triggers] == [
        "kev",
        "--fail-on critical",
    ]
    assert [t.name for t in effective_policy(None, "low").triggers] == ["--fail-on low"]
    assert effective_policy(REPO, "never").triggers == REPO.triggers
    assert effective_policy(None, "never").triggers == ()
