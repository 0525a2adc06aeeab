"""The built-in ``--fail-on`` conditions, built without the grammar, equal the parsed text."""

from __future__ import annotations

import datetime as dt

import pytest

from runink.policy.compiler import CompiledExpression
from runink.policy.context import (
    ArtifactFacts,
    EvaluationContext,
    PackageFacts,
    VulnerabilityFacts,
    parse_severity,
)
from runink.policy.defaults import fail_on_trigger
from runink.policy.document import compile_expression
from runink.policy.source import ScalarMap, raise_problems

SEVERITIES = [None, "none", "low", "medium", "high", "critical"]


def context(severity: str | None) -> EvaluationContext:
    return EvaluationContext(
        VulnerabilityFacts("CVE-2024-0001", severity=parse_severity(severity)),
        PackageFacts("p", "1.0.0", "npm"),
        ArtifactFacts(name="a"),
        dt.date(2026, 1, 1),
    )


def parsed_builtin_expression(when: str) -> CompiledExpression:
    """The same condition text through the parser, checker and compiler."""
    compiled, problems = compile_expression(when, ScalarMap.single_line(1, 1, len(when)), "<t>")
    raise_problems(problems)
    assert compiled is not None
    return compiled


@pytest.mark.parametrize("level", ["critical", "high", "medium", "low", "any"])
def test_fast_builtin_equals_parsed_expression(level: str) -> None:
    trigger = fail_on_trigger(level)
    assert trigger is not None
    parsed = parsed_builtin_expression(trigger.when)
    assert parsed.source == trigger.when
    for severity in SEVERITIES:
        ctx = context(severity)
        assert trigger.expression.predicate(ctx) == parsed.predicate(ctx), (level, severity)
        assert trigger.expression.values(ctx) == parsed.values(ctx)
    fired = [s for s in SEVERITIES if trigger.fires(context(s))]
    expected = {
        "critical": ["critical"],
        "high": ["high", "critical"],
        "medium": ["medium", "high", "critical"],
        "low": ["low", "medium", "high", "critical"],
        "any": SEVERITIES,
    }[level]
    assert fired == expected
