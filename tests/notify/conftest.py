"""Fixtures for notification tests: findings as alert facts, fast retry policies, TLS material."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from runink.notify import AlertFacts, RetryPolicy, SendOptions
from runink.notify.settings import SmtpSecurity, SmtpSettings
from tests.notify.servers import Pki, make_pki

NOW = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)

#: Retries without real waiting: backoff of a few milliseconds.
FAST_RETRY = RetryPolicy(retries=2, backoff=0.01, backoff_max=0.05)


@pytest.fixture
def openssl_prod_alert() -> AlertFacts:
    """The seed scenario: a critical, known-exploited openssl finding in a prod image."""
    return AlertFacts(
        vulnerability_id="CVE-2024-5535",
        aliases=("GHSA-4fv8-8m7r-2h6v", "DSA-5740-1"),
        summary="SSL_select_next_proto buffer overread",
        score=9.1,
        severity="critical",
        vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H",
        kev=True,
        kev_date_added=dt.date(2024, 7, 1),
        epss_score=0.0312,
        epss_percentile=0.874,
        package_name="openssl",
        package_version="3.0.11-1~deb12u2",
        ecosystem="Debian:12",
        purl="pkg:deb/debian/openssl@3.0.11-1~deb12u2?distro=debian-12",
        fixed_version="3.0.14-1~deb12u1",
        artifact_name="payments-api",
        artifact_kind="image",
        environment="prod",
        source_file="sbom/payments-api.cdx.json",
        source_line=42,
        owners=("payments-oncall@org.com", "alice@org.com"),
        team="payments",
        trigger="critical-openssl-prod",
        blocked_reason="require patched version",
    )


@pytest.fixture
def unfixed_dev_alert() -> AlertFacts:
    """A medium finding with no fix, no owner, no KEV listing, in a dev service."""
    return AlertFacts(
        vulnerability_id="GHSA-9wx4-h78v-vm56",
        summary="Requests leaks Proxy-Authorization header",
        score=5.3,
        package_name="requests",
        package_version="2.30.0",
        ecosystem="PyPI",
        purl="pkg:pypi/requests@2.30.0",
        artifact_name="billing-worker",
        artifact_kind="service",
        environment="dev",
        source_file="requirements.txt",
        source_line=7,
        kev=False,
        trigger="anything-medium",
    )


@pytest.fixture
def fast() -> SendOptions:
    return SendOptions(now=NOW)


@pytest.fixture
def pki(tmp_path: Path) -> Pki:
    pytest.importorskip("trustme", reason="trustme (and cryptography) make the test CA")
    return make_pki(tmp_path)


def smtp_settings(port: int, **changes: object) -> SmtpSettings:
    """SMTP settings for a test server on 127.0.0.1, with fast retries and a short timeout."""
    values: dict[str, object] = {
        "host": "127.0.0.1",
        "port": port,
        "security": SmtpSecurity.NONE,
        "sender": "Runink <runink@org.com>",
        "timeout": 5.0,
        "retry": FAST_RETRY,
    }
    values.update(changes)
    return SmtpSettings(**values)  # type: ignore[arg-type]
