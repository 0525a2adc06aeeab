"""Notification settings: SMTP URL forms, the config file's sections, env overrides, errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from runink.errors import ExitCode, UsageError
from runink.notify import ChannelType, SmtpSecurity, load_notify_settings, parse_notify_settings
from runink.notify.settings import NotifySettings

FROM = {"RUNINK_SMTP_FROM": "runink@org.com"}


def parse(config: dict[str, Any] | None = None, **environ: str) -> NotifySettings:
    return parse_notify_settings(config or {}, source="config.yaml", environ=environ)


def test_nothing_configured_means_no_smtp_and_no_channels() -> None:
    settings = parse()
    assert settings.smtp is None
    assert settings.channels == ()


@pytest.mark.parametrize(
    ("url", "host", "port", "security", "username", "password"),
    [
        ("smtp://mail.org.com", "mail.org.com", 25, SmtpSecurity.NONE, None, None),
        (
            "smtp://mail.org.com?starttls=true",
            "mail.org.com",
            587,
            SmtpSecurity.STARTTLS,
            None,
            None,
        ),
        (
            "smtp://mail.org.com:2525?starttls=false",
            "mail.org.com",
            2525,
            SmtpSecurity.NONE,
            None,
            None,
        ),
        ("smtps://bot:s3cret@mail.org.com", "mail.org.com", 465, SmtpSecurity.TLS, "bot", "s3cret"),
        (
            "smtp://alerts%40org.com:p%2Fw%3A%40%25@mail.org.com:587?starttls=yes",
            "mail.org.com",
            587,
            SmtpSecurity.STARTTLS,
            "alerts@org.com",
            "p/w:@%",
        ),
        ("SMTPS://mail.org.com:10465", "mail.org.com", 10465, SmtpSecurity.TLS, None, None),
        ("smtp://[::1]:2525", "::1", 2525, SmtpSecurity.NONE, None, None),
        # A password over plain SMTP is allowed only to a relay on this host.
        ("smtp://bot:pw@localhost:1025", "localhost", 1025, SmtpSecurity.NONE, "bot", "pw"),
        ("smtp://bot:pw@127.0.0.1:1025", "127.0.0.1", 1025, SmtpSecurity.NONE, "bot", "pw"),
    ],
)
def test_smtp_url_forms(
    url: str,
    host: str,
    port: int,
    security: SmtpSecurity,
    username: str | None,
    password: str | None,
) -> None:
    smtp = parse(RUNINK_SMTP_URL=url, **FROM).smtp
    assert smtp is not None
    assert (smtp.host, smtp.port, smtp.security) == (host, port, security)
    assert (smtp.username, smtp.password) == (username, password)
    assert smtp.sender == "runink@org.com"
    assert smtp.timeout == 30.0
    assert smtp.retry.retries == 2


def test_url_options_set_timeout_and_ca_file(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    smtp = parse(RUNINK_SMTP_URL=f"smtps://mail.org.com?timeout=7.5&ca_file={ca}", **FROM).smtp
    assert smtp is not None
    assert (smtp.timeout, smtp.ca_file) == (7.5, ca)


def test_environment_overrides_the_config_file() -> None:
    config = {
        "smtp": {
            "url": "smtp://relay.internal:25",
            "from": "config@org.com",
            "timeout": 12,
            "retries": 4,
            "backoff": 0.5,
        }
    }
    from_config = parse(config).smtp
    assert from_config is not None
    assert (from_config.host, from_config.sender) == ("relay.internal", "config@org.com")

    overridden = parse(
        config,
        RUNINK_SMTP_URL="smtps://bot:pw@mail.org.com",
        RUNINK_SMTP_FROM="Security Bot <env@org.com>",
    ).smtp
    assert overridden is not None
    assert (overridden.host, overridden.port, overridden.security) == (
        "mail.org.com",
        465,
        SmtpSecurity.TLS,
    )
    assert overridden.sender == "Security Bot <env@org.com>"
    assert overridden.envelope_sender == "env@org.com"
    # What the URL does not say still comes from the config file.
    assert overridden.timeout == 12
    assert (overridden.retry.retries, overridden.retry.backoff) == (4, 0.5)


def test_the_environment_url_replaces_the_files_credentials_too() -> None:
    smtp = parse(
        {
            "smtp": {
                "host": "mail.org.com",
                "security": "tls",
                "username": "file-user",
                "password": "file-password",
                "from": "runink@org.com",
            }
        },
        RUNINK_SMTP_URL="smtp://relay.other.net",
    ).smtp
    assert smtp is not None
    assert (smtp.host, smtp.username, smtp.password) == ("relay.other.net", None, None)


def test_config_fields_with_a_password_from_the_environment() -> None:
    smtp = parse(
        {
            "smtp": {
                "host": "mail.org.com",
                "security": "STARTTLS",
                "username": "bot",
                "password": "${SMTP_PASSWORD}",
                "from": "runink@org.com",
            }
        },
        SMTP_PASSWORD="from-env",
    ).smtp
    assert smtp is not None
    assert (smtp.port, smtp.security, smtp.password) == (587, SmtpSecurity.STARTTLS, "from-env")


def test_secrets_stay_out_of_repr_and_describe() -> None:
    settings = parse(
        {
            "channels": {
                "ops": {
                    "type": "slack",
                    "url": "https://hooks.slack.com/services/T0/B0/${SLACK_SECRET}",
                    "headers": {"Authorization": "Bearer ${TOKEN}"},
                }
            }
        },
        RUNINK_SMTP_URL="smtps://bot:hunter2@mail.org.com",
        SLACK_SECRET="sl4ck",
        TOKEN="t0k",
        **FROM,
    )
    assert settings.smtp is not None
    assert settings.smtp.describe() == "smtps://bot@mail.org.com:465"
    text = repr(settings)
    for secret in ("hunter2", "sl4ck", "t0k"):
        assert secret not in text
    [ops] = settings.channels
    assert ops.url.endswith("/sl4ck")
    assert ops.origin == "https://hooks.slack.com"
    assert ops.headers == (("Authorization", "Bearer t0k"),)


def test_channels_parse_with_defaults_and_overrides() -> None:
    settings = parse(
        {
            "channels": {
                "tracker": {
                    "type": "ticket",
                    "url": "https://tracker.org.com/api/runink",
                    "labels": ["appsec"],
                    "timeout": 20,
                    "retries": 5,
                    "backoff": 2,
                },
                "alerts": {"type": "webhook", "url": "http://10.0.0.5:8080/hook?price=$$5"},
            }
        }
    )
    alerts, tracker = settings.channels  # sorted by name
    assert (alerts.name, alerts.type, alerts.timeout, alerts.retry.retries) == (
        "alerts",
        ChannelType.WEBHOOK,
        10.0,
        3,
    )
    assert alerts.url == "http://10.0.0.5:8080/hook?price=$5"
    assert alerts.origin == "http://10.0.0.5:8080"
    assert tracker.type is ChannelType.TICKET
    assert (tracker.timeout, tracker.retry.retries, tracker.retry.backoff) == (20, 5, 2)
    assert tracker.labels == ("appsec",)
    assert settings.channel("tracker") is tracker
    assert settings.channel("nope") is None


@pytest.mark.parametrize(
    ("config", "environ", "message"),
    [
        # The SMTP URL from the environment
        (
            {},
            {"RUNINK_SMTP_URL": "http://mail.org.com"},
            "RUNINK_SMTP_URL: expected an smtp:// or smtps:// URL, got http://",
        ),
        (
            {},
            {"RUNINK_SMTP_URL": "mail.org.com"},
            "RUNINK_SMTP_URL: expected an smtp:// or smtps:// URL, got no scheme",
        ),
        ({}, {"RUNINK_SMTP_URL": "smtp://mail.org.com:99999"}, "RUNINK_SMTP_URL: not a valid URL"),
        (
            {},
            {"RUNINK_SMTP_URL": "smtp://mail.org.com?startls=true"},
            "RUNINK_SMTP_URL: unknown option 'startls'; did you mean 'starttls'?",
        ),
        (
            {},
            {"RUNINK_SMTP_URL": "smtp://mail.org.com?starttls=maybe"},
            "RUNINK_SMTP_URL: starttls: expected true or false, got 'maybe'",
        ),
        (
            {},
            {"RUNINK_SMTP_URL": "smtps://mail.org.com?starttls=true"},
            "RUNINK_SMTP_URL: starttls: smtps:// already uses TLS",
        ),
        (
            {},
            {"RUNINK_SMTP_URL": "smtp://mail.org.com?timeout=-1"},
            "RUNINK_SMTP_URL: timeout: expected more than 0",
        ),
        (
            {},
            {"RUNINK_SMTP_URL": "smtp://mail.org.com?ca_file=/nonexistent/ca.pem"},
            "RUNINK_SMTP_URL: ca_file: no such file: /nonexistent/ca.pem",
        ),
        (
            {},
            {"RUNINK_SMTP_URL": "smtp://bot:pw@mail.org.com"},
            "RUNINK_SMTP_URL: refusing to send the SMTP password unencrypted to mail.org.com",
        ),
        (
            {},
            {"RUNINK_SMTP_URL": "smtps://b%C3%B6t:pw@mail.org.com"},
            "RUNINK_SMTP_URL: the SMTP username must be ASCII",
        ),
        (
            {},
            {"RUNINK_SMTP_URL": "smtp://mail.org.com"},
            "RUNINK_SMTP_FROM: a sender address is required when SMTP is configured",
        ),
        (
            {},
            {"RUNINK_SMTP_URL": "smtp://mail.org.com", "RUNINK_SMTP_FROM": "runink"},
            "RUNINK_SMTP_FROM: not an e-mail address: 'runink'",
        ),
        # The smtp: section
        (
            {"smtp": "smtp://mail.org.com"},
            {},
            "config.yaml: smtp: expected a mapping, got a string",
        ),
        (
            {"smtp": {"from": "a@org.com"}},
            {},
            "config.yaml: smtp: needs url or host (or set RUNINK_SMTP_URL)",
        ),
        (
            {"smtp": {"url": "smtp://a", "host": "b", "from": "a@org.com"}},
            {},
            "config.yaml: smtp.url: give either smtp.url or smtp.host/port/security, not both",
        ),
        (
            {
                "smtp": {
                    "url": "smtp://bot:pw@mail.org.com?starttls=true",
                    "username": "x",
                    "from": "a@org.com",
                }
            },
            {},
            "config.yaml: smtp.username: the credentials are already in the SMTP URL",
        ),
        (
            {"smtp": {"url": "ftp://mail.org.com", "from": "a@org.com"}},
            {},
            "config.yaml: smtp.url: expected an smtp:// or smtps:// URL",
        ),
        (
            {"smtp": {"host": "mail.org.com", "port": "25", "from": "a@org.com"}},
            {},
            "config.yaml: smtp.port: expected a port number 1-65535, got a string",
        ),
        (
            {"smtp": {"host": "mail.org.com", "port": 0, "from": "a@org.com"}},
            {},
            "config.yaml: smtp.port: expected a port number 1-65535, got the number 0",
        ),
        (
            {"smtp": {"host": "mail.org.com", "security": "ssl", "from": "a@org.com"}},
            {},
            "config.yaml: smtp.security: expected one of none, starttls, tls, got 'ssl'",
        ),
        (
            {"smtp": {"host": "mail.org.com", "timout": 3, "from": "a@org.com"}},
            {},
            "config.yaml: smtp.timout: unknown key; did you mean 'timeout'?",
        ),
        (
            {"smtp": {"host": "mail.org.com", "timeout": True, "from": "a@org.com"}},
            {},
            "config.yaml: smtp.timeout: expected a number of seconds, got a boolean",
        ),
        (
            {"smtp": {"host": "mail.org.com", "retries": 11, "from": "a@org.com"}},
            {},
            "config.yaml: smtp.retries: expected 0 to 10, got 11",
        ),
        (
            {"smtp": {"host": "mail.org.com", "from": "not-an-address"}},
            {},
            "config.yaml: smtp.from: not an e-mail address: 'not-an-address'",
        ),
        (
            {"smtp": {"host": "mail.org.com", "password": "pw", "from": "a@org.com"}},
            {},
            "config.yaml: smtp.password: a password is given without smtp.username",
        ),
        (
            {
                "smtp": {
                    "host": "mail.org.com",
                    "security": "tls",
                    "username": "u",
                    "password": "${SMTP_PW}",
                    "from": "a@org.com",
                }
            },
            {},
            "config.yaml: smtp.password: environment variable SMTP_PW is not set",
        ),
        (
            {
                "smtp": {
                    "host": "mail.org.com",
                    "username": "u",
                    "password": "pw",
                    "from": "a@org.com",
                }
            },
            {},
            "config.yaml: smtp.host: refusing to send the SMTP password unencrypted",
        ),
        # The channels: section
        ({"channels": ["ops"]}, {}, "config.yaml: channels: expected a mapping, got a list"),
        (
            {"channels": {"ops": {"url": "https://x.org"}}},
            {},
            "config.yaml: channels.ops.type: required (webhook, slack or ticket)",
        ),
        (
            {"channels": {"ops": {"type": "webhok", "url": "https://x.org"}}},
            {},
            "config.yaml: channels.ops.type: unknown channel type 'webhok'; expected one of webhook, slack, ticket; did you mean 'webhook'?",
        ),
        ({"channels": {"ops": {"type": "webhook"}}}, {}, "config.yaml: channels.ops.url: required"),
        (
            {"channels": {"ops": {"type": "webhook", "url": 42}}},
            {},
            "config.yaml: channels.ops.url: expected a URL, got the number 42",
        ),
        (
            {"channels": {"ops": {"type": "webhook", "url": "ftp://x.org/in"}}},
            {},
            "config.yaml: channels.ops.url: expected an http:// or https:// URL",
        ),
        (
            {"channels": {"ops": {"type": "webhook", "url": "https:///path"}}},
            {},
            "config.yaml: channels.ops.url: the URL names no host",
        ),
        (
            {"channels": {"ops": {"type": "webhook", "url": "https://u:p@x.org"}}},
            {},
            "config.yaml: channels.ops.url: put credentials in headers",
        ),
        (
            {"channels": {"ops": {"type": "webhook", "url": "${HOOK_URL}"}}},
            {},
            "config.yaml: channels.ops.url: environment variable HOOK_URL is not set",
        ),
        (
            {
                "channels": {
                    "ops": {
                        "type": "webhook",
                        "url": "https://x.org",
                        "headers": {"Authorization": "Bearer ${TOKEN}"},
                    }
                }
            },
            {},
            "config.yaml: channels.ops.headers.Authorization: environment variable TOKEN is not set",
        ),
        (
            {
                "channels": {
                    "ops": {
                        "type": "webhook",
                        "url": "https://x.org",
                        "headers": {"Bad Header": "x"},
                    }
                }
            },
            {},
            "config.yaml: channels.ops.headers.Bad Header: not a valid HTTP header name",
        ),
        (
            {
                "channels": {
                    "ops": {"type": "webhook", "url": "https://x.org", "headers": {"Host": "evil"}}
                }
            },
            {},
            "config.yaml: channels.ops.headers.Host: this header is set by the HTTP client",
        ),
        (
            {
                "channels": {
                    "ops": {"type": "webhook", "url": "https://x.org", "headers": {"X-A": "a\nb"}}
                }
            },
            {},
            "config.yaml: channels.ops.headers.X-A: a header value cannot contain a line break",
        ),
        (
            {"channels": {"ops": {"type": "webhook", "url": "https://x.org", "timeout": 0}}},
            {},
            "config.yaml: channels.ops.timeout: expected more than 0 and at most 600",
        ),
        (
            {"channels": {"ops": {"type": "webhook", "url": "https://x.org", "retries": True}}},
            {},
            "config.yaml: channels.ops.retries: expected a whole number, got a boolean",
        ),
        (
            {"channels": {"ops": {"type": "webhook", "url": "https://x.org", "retry": 3}}},
            {},
            "config.yaml: channels.ops.retry: unknown key; did you mean 'retries'?",
        ),
        (
            {"channels": {"ops": {"type": "webhook", "url": "https://x.org", "labels": ["a"]}}},
            {},
            "config.yaml: channels.ops.labels: labels apply to ticket channels only",
        ),
        (
            {"channels": {"ops": {"type": "ticket", "url": "https://x.org", "labels": "a"}}},
            {},
            "config.yaml: channels.ops.labels: expected a list, got a string",
        ),
        (
            {
                "channels": {
                    "ops": {"type": "ticket", "url": "https://x.org", "ca_file": "/nonexistent.pem"}
                }
            },
            {},
            "config.yaml: channels.ops.ca_file: no such file: /nonexistent.pem",
        ),
        (
            {"channels": {"owner": {"type": "webhook", "url": "https://x.org"}}},
            {},
            "config.yaml: channels.owner: 'owner' is reserved for owner routing",
        ),
        (
            {"channels": {"sec@org.com": {"type": "webhook", "url": "https://x.org"}}},
            {},
            "config.yaml: channels.sec@org.com: a channel name uses letters, digits",
        ),
        (
            {"channels": {"ops": "https://x.org"}},
            {},
            "config.yaml: channels.ops: expected a mapping, got a string",
        ),
    ],
)
def test_bad_values_name_the_place_at_fault(
    config: dict[str, Any], environ: dict[str, str], message: str
) -> None:
    with pytest.raises(UsageError) as caught:
        parse_notify_settings(config, source="config.yaml", environ=environ)
    assert str(caught.value).startswith(message)
    assert caught.value.exit_code is ExitCode.USAGE


def test_error_messages_never_echo_a_password() -> None:
    with pytest.raises(UsageError) as caught:
        parse(RUNINK_SMTP_URL="smtp://bot:hunter2@mail.org.com?bogus=1")
    assert "hunter2" not in str(caught.value)
    with pytest.raises(UsageError) as caught:
        parse(RUNINK_SMTP_URL="smtp://bot:hunter2@mail.org.com", **FROM)
    assert "hunter2" not in str(caught.value)


def test_settings_load_from_the_config_file_in_runink_home(
    runink_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RUNINK_CONFIG", raising=False)
    config = runink_home / "config.yaml"
    config.write_text(
        "smtp:\n"
        "  url: smtps://mail.org.com\n"
        "  from: Runink <runink@org.com>\n"
        "channels:\n"
        "  sec-slack:\n"
        "    type: slack\n"
        "    url: https://hooks.slack.com/services/T0/B0/X\n",
        encoding="utf-8",
    )
    settings = load_notify_settings(environ={})
    assert settings.smtp is not None and settings.smtp.host == "mail.org.com"
    assert settings.channel_names == ("sec-slack",)
    assert settings.source == str(config)


def test_a_bad_config_file_names_its_path_and_field(
    runink_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RUNINK_CONFIG", raising=False)
    config = runink_home / "config.yaml"
    config.write_text("channels:\n  ops:\n    type: webhook\n    url: gopher://x\n")
    with pytest.raises(UsageError) as caught:
        load_notify_settings(environ={})
    assert str(caught.value) == (f"{config}: channels.ops.url: expected an http:// or https:// URL")
