"""Helpers for policy tests: contexts with sensible defaults, expressions compiled from text,
policy files written to a temporary repository."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from runink.errors import PolicyError
from runink.policy.compiler import CompiledExpression
from runink.policy.context import (
    ArtifactFacts,
    EvaluationContext,
    PackageFacts,
    VulnerabilityFacts,
)
from runink.policy.document import compile_expression
from runink.policy.source import ScalarMap, raise_problems
from runink.scoring.severity import Severity
from tests.cli.conftest import Run, Runner, runink  # noqa: F401  (the subprocess fixture)

TODAY = dt.date(2026, 6, 1)

SEED = """\
trigger:
  when: cve.score >= 8 AND cve.package = "openssl" AND image.environment = "prod"
  then:
    - action: notify
      who: "security@org.com"
    - action: block_deploy
      policy: "require patched version"
    - action: log
      entry: "blocked deploy due to CVE"
"""


def make_ctx(
    *,
    today: dt.date = TODAY,
    artifact: ArtifactFacts | None = None,
    package: PackageFacts | None = None,
    **vulnerability: object,
) -> EvaluationContext:
    """A finding: openssl 3.0.7 on Debian 12 in the prod image payments-api, CVE-2023-0286
    with score 7.4 (high) unless overridden."""
    facts: dict[str, object] = {
        "id": "CVE-2023-0286",
        "aliases": ("CVE-2023-0286", "DEBIAN-CVE-2023-0286"),
        "score": 7.4,
        "severity": Severity.HIGH,
    }
    facts.update(vulnerability)
    return EvaluationContext(
        VulnerabilityFacts(**facts),  # type: ignore[arg-type]
        package
        or PackageFacts(
            name="openssl",
            version="3.0.7-1",
            ecosystem="Debian:12",
            purl="pkg:deb/debian/openssl@3.0.7-1?distro=debian-12",
            fixed_version="3.0.8-1",
        ),
        artifact
        or ArtifactFacts(
            name="payments-api",
            kind="image",
            environment="prod",
            team="payments",
            labels={"tier": "1"},
            team_label="team/payments",
        ),
        today,
    )


def with_package(ctx: EvaluationContext, **changes: object) -> EvaluationContext:
    return dataclasses.replace(ctx, package=dataclasses.replace(ctx.package, **changes))  # type: ignore[arg-type]


def with_artifact(ctx: EvaluationContext, **changes: object) -> EvaluationContext:
    return dataclasses.replace(ctx, artifact=dataclasses.replace(ctx.artifact, **changes))  # type: ignore[arg-type]


def compile_when(text: str) -> CompiledExpression:
    """Compile one expression as if it sat on line 1, column 1 of ``expr``."""
    compiled, problems = compile_expression(text, ScalarMap.single_line(1, 1, len(text)), "expr")
    raise_problems(problems)
    assert compiled is not None
    return compiled


def expression_errors(text: str) -> list[str]:
    """``expr:1:COLUMN: message`` for every problem of an expression."""
    try:
        compile_when(text)
    except PolicyError as exc:
        return [p.describe() for p in exc.problems]
    return []


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    return root


PolicyWriter = Callable[[str], Path]


@pytest.fixture
def write_policy(repo: Path) -> PolicyWriter:
    def write(text: str, name: str = "runink.yaml") -> Path:
        path = repo / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
