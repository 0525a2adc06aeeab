"""Webhook, Slack and ticket channels against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from referencing import Registry, Resource

from runink.notify import (
    AlertFacts,
    ChannelSettings,
    ChannelType,
    Dispatcher,
    RetryPolicy,
    SendOptions,
    parse_notify_settings,
)
from runink.notify.schemas import load_schema
from runink.notify.ticket import send_ticket
from runink.notify.webhook import send_slack, send_webhook
from tests.notify.conftest import NOW
from tests.notify.servers import HttpServer, Pki, Reply, closed_port

ALERT_SCHEMA = load_schema("runink.alert/v1")
TICKET_SCHEMA = load_schema("runink.ticket/v1")
REGISTRY: Registry[Any] = Registry().with_resources(
    [(s["$id"], Resource.from_contents(s)) for s in (ALERT_SCHEMA, TICKET_SCHEMA)]
)


def validate(document: Any, schema: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(
        schema, registry=REGISTRY, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(document)


def channel(
    url: str,
    kind: ChannelType = ChannelType.WEBHOOK,
    *,
    retries: int = 2,
    timeout: float = 5.0,
    **changes: Any,
) -> ChannelSettings:
    return ChannelSettings(
        name="ops",
        type=kind,
        url=url,
        timeout=timeout,
        retry=RetryPolicy(retries=retries, backoff=0.01, backoff_max=0.05),
        **changes,
    )


class Sleeps:
    """Records the waits between retries (and really waits)."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        time.sleep(seconds)


def test_generic_webhook_posts_the_versioned_document_with_secret_headers(
    openssl_prod_alert: AlertFacts, unfixed_dev_alert: AlertFacts
) -> None:
    with HttpServer() as server:
        settings = parse_notify_settings(
            {
                "channels": {
                    "ops": {
                        "type": "webhook",
                        "url": f"{server.url}/hooks/runink?key=${{HOOK_KEY}}",
                        "headers": {"Authorization": "Bearer ${OPS_TOKEN}", "X-Team": "sec"},
                        "retries": 0,
                    }
                }
            },
            source="config.yaml",
            environ={"OPS_TOKEN": "t0ken", "HOOK_KEY": "k3y"},
        )
        result = Dispatcher(settings, options=SendOptions(now=NOW)).deliver(
            "ops", [unfixed_dev_alert, openssl_prod_alert]
        )
    assert result.ok, result.error
    assert (result.channel, result.kind, result.attempts, result.status) == (
        "ops",
        "webhook",
        1,
        200,
    )
    assert result.recipient == server.url  # the origin only: the query holds a secret

    [request] = server.requests
    assert request.path == "/hooks/runink?key=k3y"
    assert request.headers["authorization"] == "Bearer t0ken"
    assert request.headers["x-team"] == "sec"
    assert request.headers["content-type"] == "application/json; charset=utf-8"
    assert request.headers["x-runink-schema"] == "runink.alert/v1"
    body = request.json()
    validate(body, ALERT_SCHEMA)
    assert request.headers["idempotency-key"] == body["id"]
    assert body["schema"] == "runink.alert/v1"
    assert body["generated_at"] == "2025-03-01T12:00:00Z"
    assert (body["channel"], body["count"], body["deploy_blocked"]) == ("ops", 2, True)
    assert body["highest_severity"] == "critical"
    first, second = body["alerts"]
    assert first["vulnerability"] == {
        "id": "CVE-2024-5535",
        "aliases": ["DSA-5740-1", "GHSA-4fv8-8m7r-2h6v"],
        "summary": "SSL_select_next_proto buffer overread",
        "score": 9.1,
        "severity": "critical",
        "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H",
        "kev": True,
        "kev_date_added": "2024-07-01",
        "epss": 0.0312,
        "epss_percentile": 0.874,
        "url": "https://osv.dev/vulnerability/CVE-2024-5535",
    }
    assert first["package"]["fixed_version"] == "3.0.14-1~deb12u1"
    assert first["artifact"] == {"name": "payments-api", "kind": "image", "environment": "prod"}
    assert first["source"] == {"file": "sbom/payments-api.cdx.json", "line": 42}
    assert first["owners"] == ["payments-oncall@org.com", "alice@org.com"]
    assert first["blocked_reason"] == "require patched version"
    assert "Why the deploy was blocked" in first["text"]
    assert second["vulnerability"]["id"] == "GHSA-9wx4-h78v-vm56"
    assert second["package"]["fixed_version"] is None
    assert second["deploy_blocked"] is False
    assert "Summary" in body["text"] and "GHSA-9wx4-h78v-vm56" in body["text"]


def test_slack_payload_has_fallback_text_and_escaped_blocks(
    openssl_prod_alert: AlertFacts, fast: SendOptions
) -> None:
    alert = AlertFacts(
        vulnerability_id="GHSA-1234-5678-9abc",
        summary="Parser treats <script> & friends as text",
        severity="high",
        package_name="left-pad",
        package_version="1.0.0",
        ecosystem="npm",
    )
    with HttpServer() as server:
        result = send_slack(
            channel(f"{server.url}/services/T0/B0/XYZ", ChannelType.SLACK),
            [alert, openssl_prod_alert],
            options=fast,
        )
    assert result.ok, result.error
    body = server.requests[0].json()
    assert set(body) == {"text", "blocks"}
    assert body["text"].startswith("2 vulnerabilities in 2 artifacts: 1 critical, 1 high")
    types = [block["type"] for block in body["blocks"]]
    assert types == ["header", "section", "divider", "section", "section", "context"]
    assert body["blocks"][0]["text"]["type"] == "plain_text"
    critical = body["blocks"][3]["text"]
    assert critical["type"] == "mrkdwn"
    assert critical["text"].startswith("*CRITICAL CVE-2024-5535 in openssl")
    assert "*How to fix it*\n• Upgrade openssl" in critical["text"]
    high = body["blocks"][4]["text"]["text"]
    assert "Parser treats &lt;script&gt; &amp; friends as text" in high
    assert "<script>" not in high


def test_slack_shows_at_most_twenty_findings_and_counts_the_rest(fast: SendOptions) -> None:
    alerts = [
        AlertFacts(
            vulnerability_id=f"CVE-2025-{1000 + i}",
            score=5.0,
            package_name="pkg",
            package_version="1.0",
            ecosystem="PyPI",
        )
        for i in range(25)
    ]
    with HttpServer() as server:
        assert send_slack(channel(server.url, ChannelType.SLACK), alerts, options=fast).ok
    blocks = server.requests[0].json()["blocks"]
    assert len(blocks) <= 50
    assert sum(1 for b in blocks if b["type"] == "section") == 1 + 20 + 1
    assert blocks[-2]["text"]["text"] == "…and 5 more finding(s) not shown here."


def test_ticket_payload_carries_title_markdown_labels_and_assignee(
    openssl_prod_alert: AlertFacts, fast: SendOptions
) -> None:
    with HttpServer([Reply(201, '{"id": 77}')]) as server:
        result = send_ticket(
            channel(f"{server.url}/api/tickets", ChannelType.TICKET, labels=("appsec", "runink")),
            [openssl_prod_alert],
            options=fast,
        )
    assert result.ok, result.error
    assert (result.kind, result.status) == ("ticket", 201)
    request = server.requests[0]
    body = request.json()
    validate(body, TICKET_SCHEMA)
    assert request.headers["idempotency-key"] == body["id"]
    assert body["title"] == (
        "CRITICAL CVE-2024-5535 in openssl 3.0.11-1~deb12u2 — payments-api (prod) — deploy blocked"
    )
    assert body["assignee"] == "payments-oncall@org.com"
    assert body["assignees"] == ["payments-oncall@org.com", "alice@org.com"]
    assert body["labels"] == [
        "appsec",
        "deploy-blocked",
        "ecosystem:Debian:12",
        "env:prod",
        "kev",
        "runink",
        "security",
        "severity:critical",
        "team:payments",
        "vulnerability",
    ]
    markdown = body["body"]
    assert "### How to fix it" in markdown
    assert "- Upgrade openssl from 3.0.11-1~deb12u2 to 3.0.14-1~deb12u1 or later." in markdown
    assert "- Advisory: <https://osv.dev/vulnerability/CVE-2024-5535>" in markdown
    assert "### Why the deploy was blocked" in markdown


def test_server_errors_are_retried_with_exponential_backoff_then_succeed(
    openssl_prod_alert: AlertFacts,
) -> None:
    sleeps = Sleeps()
    options = SendOptions(now=NOW, sleep=sleeps, jitter=lambda: 0.0)
    with HttpServer([Reply(500, "boom"), Reply(502, "bad gateway")]) as server:
        result = send_webhook(channel(server.url, retries=3), [openssl_prod_alert], options=options)
    assert result.ok, result.error
    assert result.attempts == 3
    assert sleeps.delays == [0.005, 0.01]  # backoff 0.01 * 2**n, halved by zero jitter
    first, second, third = server.requests
    assert first.body == second.body == third.body
    assert len({r.headers["idempotency-key"] for r in server.requests}) == 1


def test_persistent_5xx_gives_up_after_the_configured_retries(
    openssl_prod_alert: AlertFacts, fast: SendOptions
) -> None:
    with HttpServer([Reply(503, "down")] * 5) as server:
        result = send_webhook(channel(server.url, retries=2), [openssl_prod_alert], options=fast)
    assert not result.ok
    assert (result.attempts, result.status) == (3, 503)
    assert len(server.requests) == 3
    assert result.error == f"ops ({server.url}): HTTP 503 Service Unavailable: down"


def test_client_error_is_not_retried_and_reports_the_response(
    openssl_prod_alert: AlertFacts, fast: SendOptions
) -> None:
    with HttpServer([Reply(400, '{"error": "missing field title"}')]) as server:
        result = send_webhook(
            channel(f"{server.url}/secret-path"), [openssl_prod_alert], options=fast
        )
    assert not result.ok
    assert (result.attempts, result.status) == (1, 400)
    assert len(server.requests) == 1
    assert result.error == (
        f'ops ({server.url}): HTTP 400 Bad Request: {{"error": "missing field title"}}'
    )
    assert "secret-path" not in result.error


def test_too_many_requests_waits_for_retry_after(
    openssl_prod_alert: AlertFacts,
) -> None:
    sleeps = Sleeps()
    options = SendOptions(now=NOW, sleep=sleeps)
    with HttpServer([Reply(429, "slow down", headers=(("Retry-After", "1"),))]) as server:
        started = time.monotonic()
        result = send_slack(
            channel(server.url, ChannelType.SLACK), [openssl_prod_alert], options=options
        )
        elapsed = time.monotonic() - started
    assert result.ok, result.error
    assert result.attempts == 2
    assert sleeps.delays == [1.0]
    assert elapsed >= 1.0


def test_retry_after_longer_than_a_run_waits_fails_now(
    openssl_prod_alert: AlertFacts, fast: SendOptions
) -> None:
    with HttpServer([Reply(429, "", headers=(("Retry-After", "3600"),))]) as server:
        result = send_webhook(channel(server.url), [openssl_prod_alert], options=fast)
    assert not result.ok
    assert (result.attempts, result.status) == (1, 429)
    assert result.error is not None
    assert "asks to retry after 3600s, more than the 120s this run waits" in result.error


def test_a_slow_endpoint_times_out_and_is_retried(
    openssl_prod_alert: AlertFacts, fast: SendOptions
) -> None:
    with HttpServer([Reply(200, delay=5), Reply(200, delay=5)]) as server:
        started = time.monotonic()
        result = send_webhook(
            channel(server.url, retries=1, timeout=0.2), [openssl_prod_alert], options=fast
        )
        elapsed = time.monotonic() - started
    assert not result.ok
    assert result.attempts == 2
    assert result.status is None
    assert result.error == f"ops ({server.url}): timed out after 0.2s"
    assert elapsed < 3
    assert len(server.requests) == 2


def test_connection_refused_is_retried_then_reported(
    openssl_prod_alert: AlertFacts, fast: SendOptions
) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    result = send_ticket(channel(url, ChannelType.TICKET), [openssl_prod_alert], options=fast)
    assert not result.ok
    assert result.attempts == 3
    assert result.error is not None and result.error.startswith(f"ops ({url}): connection failed:")


def test_redirects_are_not_followed(openssl_prod_alert: AlertFacts, fast: SendOptions) -> None:
    with HttpServer(
        [Reply(301, "", headers=(("Location", "http://127.0.0.1:9/elsewhere"),))]
    ) as server:
        result = send_webhook(channel(server.url), [openssl_prod_alert], options=fast)
    assert not result.ok
    assert (result.attempts, result.status) == (1, 301)
    assert result.error is not None and "redirects are not followed" in result.error


def test_a_shared_http_client_is_used_when_given(
    openssl_prod_alert: AlertFacts,
) -> None:
    seen: list[str] = []

    def record(request: httpx.Request) -> None:
        seen.append(str(request.url))

    with HttpServer() as server, httpx.Client(event_hooks={"request": [record]}) as client:
        options = SendOptions(now=NOW, client=client)
        assert send_webhook(channel(f"{server.url}/a"), [openssl_prod_alert], options=options).ok
        assert send_ticket(
            channel(f"{server.url}/b", ChannelType.TICKET), [openssl_prod_alert], options=options
        ).ok
    assert seen == [f"{server.url}/a", f"{server.url}/b"]


def test_https_endpoint_with_a_private_ca(
    pki: Pki, openssl_prod_alert: AlertFacts, fast: SendOptions, tmp_path: Path
) -> None:
    with HttpServer(tls=pki.server_context) as server:
        assert server.url.startswith("https://")
        trusted = send_webhook(
            channel(server.url, ca_file=pki.ca_file), [openssl_prod_alert], options=fast
        )
        untrusted = send_webhook(channel(server.url, retries=2), [openssl_prod_alert], options=fast)
    assert trusted.ok, trusted.error
    assert not untrusted.ok
    assert untrusted.attempts == 1  # a certificate problem is not transient
    assert untrusted.error is not None
    assert untrusted.error.startswith(f"ops ({server.url}): TLS failed: certificate not trusted")
    assert len(server.requests) == 1


@pytest.mark.parametrize("kind", list(ChannelType))
def test_every_channel_type_delivers_through_the_dispatcher(
    kind: ChannelType, openssl_prod_alert: AlertFacts, fast: SendOptions
) -> None:
    with HttpServer() as server:
        settings = parse_notify_settings(
            {"channels": {"target": {"type": kind.value, "url": server.url}}},
            source="config.yaml",
            environ={},
        )
        result = Dispatcher(settings, options=fast).deliver("target", openssl_prod_alert)
    assert result.ok, result.error
    assert result.kind == kind.value
    assert len(server.requests) == 1
