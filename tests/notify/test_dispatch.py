"""The dispatcher: targets, unknown channels, the registry, and delivery from a real config file."""

from __future__ import annotations

from pathlib import Path

import pytest

from runink.notify import (
    AlertFacts,
    ChannelTarget,
    ChannelType,
    Dispatcher,
    EmailTarget,
    NotifySettings,
    SendOptions,
    deliver,
    parse_notify_settings,
    parse_target,
)
from runink.notify.registry import SENDERS
from tests.notify.servers import HttpServer, SmtpServer

DOCS = Path(__file__).resolve().parents[2] / "docs" / "notifications.md"


def test_every_channel_type_has_a_sender_and_is_documented() -> None:
    assert set(SENDERS) == set(ChannelType)
    text = DOCS.read_text(encoding="utf-8")
    for kind in ChannelType:
        assert f"`type: {kind.value}`" in text, f"docs/notifications.md lacks type: {kind.value}"


@pytest.mark.parametrize(
    ("who", "target"),
    [
        ("security@org.com", EmailTarget(("security@org.com",))),
        ("a@org.com, b@org.com", EmailTarget(("a@org.com", "b@org.com"))),
        (["a@org.com", "b@org.com", "a@org.com"], EmailTarget(("a@org.com", "b@org.com"))),
        ("ops-slack", ChannelTarget("ops-slack")),
        (ChannelTarget("x"), ChannelTarget("x")),
    ],
)
def test_targets(who: str | list[str] | ChannelTarget, target: object) -> None:
    assert parse_target(who) == target


@pytest.mark.parametrize("who", ["", ["ops", "sec@org.com"], "ops, other"])
def test_bad_targets(who: str | list[str]) -> None:
    with pytest.raises(ValueError):
        parse_target(who)


def test_problems_are_found_before_anything_is_sent() -> None:
    settings = parse_notify_settings(
        {"channels": {"ops": {"type": "webhook", "url": "https://hooks.org.com/x"}}},
        source="/etc/runink/config.yaml",
        environ={},
    )
    dispatcher = Dispatcher(settings)
    assert dispatcher.problem("ops") is None
    assert dispatcher.problem("opz") == (
        "unknown channel 'opz': channels configured in /etc/runink/config.yaml: ops"
    )
    assert dispatcher.problem("sec@org.com") == (
        "e-mail needs SMTP: set RUNINK_SMTP_URL or the config file's smtp: section"
    )
    assert dispatcher.problem("sec@org") == "not an e-mail address: 'sec@org'"


def test_unknown_channel_is_a_failed_result_not_a_crash(openssl_prod_alert: AlertFacts) -> None:
    result = Dispatcher(NotifySettings()).deliver("nowhere", openssl_prod_alert)
    assert not result.ok
    assert result.attempts == 0
    assert result.error == "unknown channel 'nowhere': channels configured: none"
    mixed = Dispatcher(NotifySettings()).deliver(["ops", "a@org.com"], openssl_prod_alert)
    assert not mixed.ok and mixed.attempts == 0


def test_deliver_reads_the_config_file_and_environment(
    runink_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    openssl_prod_alert: AlertFacts,
    unfixed_dev_alert: AlertFacts,
    fast: SendOptions,
) -> None:
    monkeypatch.delenv("RUNINK_CONFIG", raising=False)
    with SmtpServer() as smtp, HttpServer() as hooks:
        (runink_home / "config.yaml").write_text(
            "smtp:\n"
            "  from: Runink <runink@org.com>\n"
            "  timeout: 5\n"
            "channels:\n"
            "  sec-webhook:\n"
            "    type: webhook\n"
            f"    url: {hooks.url}/runink\n"
            "    headers:\n"
            "      Authorization: Bearer ${RUNINK_TEST_TOKEN}\n",
            encoding="utf-8",
        )
        monkeypatch.setenv("RUNINK_SMTP_URL", f"smtp://127.0.0.1:{smtp.port}")
        monkeypatch.setenv("RUNINK_SMTP_FROM", "Alerts <alerts@org.com>")
        monkeypatch.setenv("RUNINK_TEST_TOKEN", "t0ken")

        mailed = deliver(
            "payments-oncall@org.com", [openssl_prod_alert, unfixed_dev_alert], options=fast
        )
        posted = deliver("sec-webhook", openssl_prod_alert, options=fast)

    assert mailed.ok, mailed.error
    assert posted.ok, posted.error
    [mail] = smtp.received
    assert mail.message["From"] == "Alerts <alerts@org.com>"  # the environment wins
    assert mail.rcpt_tos == ["payments-oncall@org.com"]
    [request] = hooks.requests
    assert request.path == "/runink"
    assert request.headers["authorization"] == "Bearer t0ken"
    assert request.json()["alerts"][0]["vulnerability"]["id"] == "CVE-2024-5535"
