"""The alert narrative and the payloads built from it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.policy

import pytest

from runink.model.component import Component
from runink.model.finding import Finding
from runink.notify import AlertFacts, narrate
from runink.notify.email import build_email
from runink.notify.message import (
    batch_key,
    email_content,
    order_alerts,
    slack_payload,
    ticket_payload,
    webhook_payload,
)
from tests.notify.conftest import NOW, smtp_settings


def minimal(**changes: object) -> AlertFacts:
    values: dict[str, object] = {
        "vulnerability_id": "CVE-2025-0001",
        "package_name": "pkg",
        "package_version": "1.0",
        "ecosystem": "PyPI",
    }
    values.update(changes)
    return AlertFacts(**values)  # type: ignore[arg-type]


def test_the_narrative_answers_what_where_why_who_how_and_why_blocked(
    openssl_prod_alert: AlertFacts,
) -> None:
    narrative = narrate(openssl_prod_alert)
    assert narrative.headline == (
        "CRITICAL CVE-2024-5535 in openssl 3.0.11-1~deb12u2 — payments-api (prod) — deploy blocked"
    )
    assert [s.title for s in narrative.sections] == [
        "What was found",
        "Where",
        "Why it matters",
        "Who owns it",
        "How to fix it",
        "Why the deploy was blocked",
    ]
    blocked = narrative.sections[-1].lines
    assert blocked == (
        "The deploy of payments-api is blocked by trigger 'critical-openssl-prod': "
        "require patched version.",
        "It stays blocked until the finding is fixed or covered by an approved exception.",
    )


def test_a_finding_with_few_facts_says_what_is_unknown() -> None:
    narrative = narrate(minimal())
    assert narrative.headline == "UNRATED CVE-2025-0001 in pkg 1.0"
    text = narrative.text()
    assert "No CVSS score or severity has been published yet." in text
    assert "No artifact or source file was recorded for this finding." in text
    assert "No owner is recorded" in text
    assert "No fixed version is available yet." in text
    assert "Known Exploited" not in text  # KEV not consulted: say nothing
    assert "EPSS" not in text
    assert "Why the deploy was blocked" not in text


def test_kev_checked_and_not_listed_is_said() -> None:
    assert "Not listed in CISA's Known Exploited" in narrate(minimal(kev=False)).text()


def test_severity_comes_from_the_word_or_else_the_score() -> None:
    assert minimal(score=7.5).severity_label == "HIGH"
    assert minimal(severity="MODERATE").severity_label == "MEDIUM"
    assert minimal(severity="moderate", score=9.9).severity_label == "MEDIUM"
    assert minimal(severity="untriaged", score=3.1).severity_label == "LOW"
    assert "Severity: high (no CVSS score published)" in narrate(minimal(severity="high")).text()


@pytest.mark.parametrize(
    ("epss", "percentile", "expected"),
    [
        (
            0.00043,
            0.12,
            "EPSS: 0.04% probability of exploitation in the next 30 days (12th percentile)",
        ),
        (
            0.0312,
            0.01,
            "EPSS: 3.1% probability of exploitation in the next 30 days (1st percentile)",
        ),
        (0.5, 0.222, "EPSS: 50% probability of exploitation in the next 30 days (22nd percentile)"),
        (
            0.97,
            0.9999,
            "EPSS: 97% probability of exploitation in the next 30 days (99th percentile)",
        ),
        (1.0, 1.0, "EPSS: 100% probability of exploitation in the next 30 days (100th percentile)"),
        (0.2, 0.113, "EPSS: 20% probability of exploitation in the next 30 days (11th percentile)"),
        (0.2, 0.033, "EPSS: 20% probability of exploitation in the next 30 days (3rd percentile)"),
    ],
)
def test_epss_reads_as_a_probability_and_a_percentile(
    epss: float, percentile: float, expected: str
) -> None:
    why = narrate(minimal(epss_score=epss, epss_percentile=percentile)).sections[2]
    assert expected in why.lines


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"vulnerability_id": " "}, "vulnerability_id must not be empty"),
        ({"package_version": ""}, "package_version must not be empty"),
        ({"score": 10.5}, "score must be within 0-10"),
        ({"score": float("nan")}, "score must be within 0-10"),
        ({"epss_score": 1.5}, "epss_score must be a fraction"),
        ({"epss_percentile": -0.1}, "epss_percentile must be a fraction"),
        ({"source_line": 0}, "source_line is 1-based"),
    ],
)
def test_alert_facts_are_validated(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        minimal(**changes)


def test_alert_facts_normalize_aliases_and_owners() -> None:
    facts = minimal(
        aliases=("GHSA-b", "CVE-2025-0001", "GHSA-a", "GHSA-b"),
        owners=("x@org.com", "y@org.com", "x@org.com"),
    )
    assert facts.aliases == ("GHSA-a", "GHSA-b")
    assert facts.owners == ("x@org.com", "y@org.com")
    with pytest.raises(dataclasses.FrozenInstanceError):
        facts.score = 1.0  # type: ignore[misc]


def test_alert_facts_from_a_matcher_finding() -> None:
    component = Component(
        ecosystem="PyPI", name="django", version="4.2.0", source="requirements.txt", line=3
    )
    finding = Finding(
        component=component,
        id="CVE-2024-27351",
        aliases=("CVE-2024-27351", "GHSA-vm8q-m57g-pff3", "PYSEC-2024-47"),
        advisories=("GHSA-vm8q-m57g-pff3",),
        summary="Regular expression denial-of-service in django.utils.text.Truncator.words()",
        score=7.5,
        severity="high",
        vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
        fixed="4.2.11",
        reasons=(),
    )
    facts = AlertFacts.from_finding(
        finding,
        artifact_name="shop",
        artifact_kind="repo",
        environment="staging",
        owners=["web@org.com"],
        trigger="high-in-staging",
        epss_score=0.001,
    )
    assert facts.purl == "pkg:pypi/django@4.2.0"
    assert facts.location == "requirements.txt:3"
    assert facts.aliases == ("GHSA-vm8q-m57g-pff3", "PYSEC-2024-47")
    assert facts.fixed_version == "4.2.11"
    text = narrate(facts).text()
    assert "Upgrade django from 4.2.0 to 4.2.11 or later." in text
    assert "Declared in: requirements.txt:3" in text


def test_hostile_text_cannot_inject_headers_or_markup() -> None:
    facts = minimal(
        summary="pwned\r\nBcc: victim@evil.test\r\n\r\n<img src=x onerror=alert(1)>",
        package_name="evil*_pkg",
    )
    message = build_email(smtp_settings(25), ["sec@org.com"], [facts], now=NOW)
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert parsed["Bcc"] is None
    assert "\n" not in str(parsed["Subject"])
    html = email_content([facts]).html
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    markdown = ticket_payload([facts])["body"]
    assert r"evil\*\_pkg" in markdown
    assert r"\<img" in markdown
    slack = slack_payload([facts])["blocks"][1]["text"]["text"]
    assert "&lt;img" in slack


def test_alerts_are_ordered_by_urgency() -> None:
    low = minimal(vulnerability_id="CVE-1", score=2.0)
    critical = minimal(vulnerability_id="CVE-2", score=9.8)
    kev_medium = minimal(vulnerability_id="CVE-3", score=5.0, kev=True)
    blocked_low = minimal(vulnerability_id="CVE-4", score=3.0, blocked_reason="policy")
    high_a = minimal(vulnerability_id="CVE-5", score=7.0)
    high_b = minimal(vulnerability_id="CVE-6", score=8.0)
    ordered = order_alerts([low, critical, kev_medium, blocked_low, high_a, high_b])
    assert [a.vulnerability_id for a in ordered] == [
        "CVE-4",
        "CVE-3",
        "CVE-2",
        "CVE-6",
        "CVE-5",
        "CVE-1",
    ]


def test_batch_key_is_stable_order_independent_and_per_channel(
    openssl_prod_alert: AlertFacts, unfixed_dev_alert: AlertFacts
) -> None:
    one = batch_key([openssl_prod_alert, unfixed_dev_alert], channel="ops")
    assert one == batch_key([unfixed_dev_alert, openssl_prod_alert], channel="ops")
    assert one != batch_key([openssl_prod_alert, unfixed_dev_alert], channel="other")
    assert one != batch_key([openssl_prod_alert], channel="ops")
    other_trigger = dataclasses.replace(openssl_prod_alert, trigger="another")
    assert batch_key([openssl_prod_alert]) != batch_key([other_trigger])


def test_payloads_are_deterministic_for_a_fixed_time(
    openssl_prod_alert: AlertFacts, unfixed_dev_alert: AlertFacts
) -> None:
    alerts = [openssl_prod_alert, unfixed_dev_alert]
    assert webhook_payload(alerts, channel="c", now=NOW) == webhook_payload(
        list(reversed(alerts)), channel="c", now=NOW
    )
    assert ticket_payload(alerts, now=NOW) == ticket_payload(alerts, now=NOW)
    with pytest.raises(ValueError, match="timezone-aware"):
        webhook_payload(alerts, channel="c", now=dt.datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="at least one"):
        webhook_payload([], channel="c")


def test_a_batched_ticket_has_a_summary_then_each_finding(
    openssl_prod_alert: AlertFacts, unfixed_dev_alert: AlertFacts
) -> None:
    payload = ticket_payload([unfixed_dev_alert, openssl_prod_alert], extra_labels=["x"])
    body = payload["body"]
    assert payload["title"] == (
        "2 vulnerabilities in 2 artifacts: 1 critical, 1 medium — deploy blocked"
    )
    assert (
        body.index("### Summary")
        < body.index("## 1. CVE-2024-5535")
        < body.index("## 2. GHSA-9wx4-h78v-vm56")
    )
    assert payload["assignee"] == "payments-oncall@org.com"
    assert "env:dev" in payload["labels"] and "env:prod" in payload["labels"]
    assert payload["highest_severity"] == "critical"
