"""Building evaluation contexts from the matcher's findings."""

from __future__ import annotations

import datetime as dt

from runink.model.component import Component
from runink.model.finding import Finding
from runink.policy import ArtifactFacts, context_from_finding, parse_policy_text
from runink.scoring.severity import Severity
from tests.policy.conftest import SEED


def finding(score: float | None, severity: str | None, fixed: str | None = "3.0.8-1") -> Finding:
    component = Component(
        ecosystem="Debian:12",
        name="openssl",
        version="3.0.7-1",
        source="var/lib/dpkg/status",
        line=120,
    )
    return Finding(
        component=component,
        id="CVE-2023-0286",
        aliases=("CVE-2023-0286", "DEBIAN-CVE-2023-0286"),
        advisories=("DEBIAN-CVE-2023-0286",),
        summary="X.400 address type confusion in X.509 GeneralName",
        score=score,
        severity=severity,
        vector=None,
        fixed=fixed,
        reasons=(),
        published="2023-02-08T20:15:00Z",
    )


PROD = ArtifactFacts(name="payments-api", kind="image", environment="prod")


def test_context_from_finding_carries_every_fact() -> None:
    ctx = context_from_finding(
        finding(7.4, "HIGH"),
        PROD,
        today=dt.date(2023, 3, 10),
        epss=0.9,
        epss_percentile=0.99,
        kev=False,
        cwe=("CWE-843",),
    )
    v, p = ctx.vulnerability, ctx.package
    assert (v.id, v.score, v.severity, v.published) == (
        "CVE-2023-0286",
        7.4,
        Severity.HIGH,
        dt.date(2023, 2, 8),
    )
    assert (v.epss, v.epss_percentile, v.kev, v.cwe, v.fix_available) == (
        0.9,
        0.99,
        False,
        ("CWE-843",),
        True,
    )
    assert (p.name, p.version, p.fixed_version, p.source, p.line) == (
        "openssl",
        "3.0.7-1",
        "3.0.8-1",
        "var/lib/dpkg/status",
        120,
    )
    assert p.purl == "pkg:deb/debian/openssl@3.0.7-1?distro=debian-12"
    assert ctx.age_days == 30
    assert ctx.key == ("CVE-2023-0286", p.purl, "payments-api")


def test_unknown_severity_words_and_missing_facts_are_missing() -> None:
    ctx = context_from_finding(
        finding(None, "UNTRIAGED", fixed=None), PROD, today=dt.date(2024, 1, 1)
    )
    assert ctx.vulnerability.severity is None and ctx.vulnerability.score is None
    assert ctx.vulnerability.fix_available is False and ctx.vulnerability.kev is None


def test_the_seed_fires_on_a_matched_finding() -> None:
    document = parse_policy_text(SEED, "runink.yaml")
    (trigger,) = document.triggers
    today = dt.date(2024, 1, 1)
    assert trigger.fires(context_from_finding(finding(9.8, "CRITICAL"), PROD, today=today))
    assert not trigger.fires(context_from_finding(finding(7.4, "HIGH"), PROD, today=today))
