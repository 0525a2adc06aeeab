"""E-mail delivery against real aiosmtpd servers on 127.0.0.1."""

from __future__ import annotations

import logging
import time
from urllib.parse import quote

import pytest

from runink.notify import AlertFacts, RetryPolicy, SendOptions
from runink.notify.email import send_email
from runink.notify.settings import SmtpSecurity, parse_notify_settings
from tests.notify.conftest import smtp_settings
from tests.notify.servers import MailHandler, Pki, SmtpServer, closed_port, silent_server

SECRET = "p@ss:w/rd% &?#"


def test_alert_email_arrives_with_headers_and_the_whole_narrative(
    openssl_prod_alert: AlertFacts, fast: SendOptions
) -> None:
    with SmtpServer() as server:
        result = send_email(
            smtp_settings(server.port), ["security@org.com"], [openssl_prod_alert], options=fast
        )
    assert result.ok, result.error
    assert (result.channel, result.kind, result.recipient) == ("email", "email", "security@org.com")
    assert (result.attempts, result.status, result.error) == (1, 250, None)

    [mail] = server.received
    assert mail.mail_from == "runink@org.com"
    assert mail.rcpt_tos == ["security@org.com"]
    assert mail.message["From"] == "Runink <runink@org.com>"
    assert mail.message["To"] == "security@org.com"
    assert mail.message["Subject"] == (
        "[Runink] CRITICAL CVE-2024-5535 in openssl 3.0.11-1~deb12u2 - payments-api (prod)"
        " - deploy blocked"
    )
    assert mail.message["Auto-Submitted"] == "auto-generated"
    assert mail.message["Date"]
    assert mail.message["Message-ID"].endswith("@org.com>")

    text = mail.text()
    for part in (
        # what
        "CVE-2024-5535: SSL_select_next_proto buffer overread",
        "Also known as: DSA-5740-1, GHSA-4fv8-8m7r-2h6v",
        "Package: openssl 3.0.11-1~deb12u2 (Debian:12)",
        # where
        "Artifact: payments-api (image)",
        "Environment: prod",
        "Declared in: sbom/payments-api.cdx.json:42",
        # why it matters
        "CVSS base score 9.1 (critical), vector CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H",
        "Known Exploited Vulnerabilities catalog since 2024-07-01",
        "EPSS: 3.1% probability of exploitation in the next 30 days (87th percentile)",
        # who
        "Owners: payments-oncall@org.com, alice@org.com",
        "Team: payments",
        # fix
        "Upgrade openssl from 3.0.11-1~deb12u2 to 3.0.14-1~deb12u1 or later.",
        # block
        "blocked by trigger 'critical-openssl-prod': require patched version.",
    ):
        assert part in text, part
    html = mail.html()
    assert "<h3" in html and "Why it matters" in html
    assert '<a href="https://osv.dev/vulnerability/CVE-2024-5535">' in html


def test_the_same_findings_resent_keep_their_message_id(
    openssl_prod_alert: AlertFacts, fast: SendOptions
) -> None:
    with SmtpServer() as server:
        for _ in range(2):
            assert send_email(
                smtp_settings(server.port), ["a@org.com"], [openssl_prod_alert], options=fast
            ).ok
    first, second = server.received
    assert first.message["Message-ID"] == second.message["Message-ID"]


def test_several_findings_for_one_recipient_make_one_email_most_urgent_first(
    openssl_prod_alert: AlertFacts, unfixed_dev_alert: AlertFacts, fast: SendOptions
) -> None:
    with SmtpServer() as server:
        result = send_email(
            smtp_settings(server.port),
            ["security@org.com", "lead@org.com"],
            [unfixed_dev_alert, openssl_prod_alert],
            options=fast,
        )
    assert result.ok, result.error
    [mail] = server.received
    assert sorted(mail.rcpt_tos) == ["lead@org.com", "security@org.com"]
    assert mail.message["To"] == "security@org.com, lead@org.com"
    assert mail.message["Subject"] == (
        "[Runink] 2 vulnerabilities in 2 artifacts: 1 critical, 1 medium - deploy blocked"
    )
    assert mail.message["X-Runink-Findings"] == "2"
    text = mail.text()
    assert text.index("CVE-2024-5535") < text.index("GHSA-9wx4-h78v-vm56")
    assert "1 of them is known to be exploited" in text
    assert "——— 2 of 2 ———" in text
    assert "No fixed version is available yet." in text
    assert "No owner is recorded" in text


def test_auth_over_starttls_with_a_url_encoded_password(
    pki: Pki, openssl_prod_alert: AlertFacts, fast: SendOptions
) -> None:
    handler = MailHandler()
    with SmtpServer(
        handler, users={"runink@org.com": SECRET}, starttls=pki.server_context
    ) as server:
        url = (
            f"smtp://{quote('runink@org.com', safe='')}:{quote(SECRET, safe='')}"
            f"@127.0.0.1:{server.port}?starttls=true&ca_file={pki.ca_file}&timeout=5"
        )
        settings = parse_notify_settings(
            {"smtp": {"from": "runink@org.com", "backoff": 0.01}},
            source="config.yaml",
            environ={"RUNINK_SMTP_URL": url},
        )
        assert settings.smtp is not None
        assert settings.smtp.security is SmtpSecurity.STARTTLS
        result = send_email(settings.smtp, ["security@org.com"], [openssl_prod_alert], options=fast)
    assert result.ok, result.error
    assert server.authenticator is not None
    assert server.authenticator.attempts == [("runink@org.com", SECRET)]
    [mail] = server.received
    assert mail.login == "runink@org.com"
    assert mail.tls


def test_auth_over_implicit_tls(
    pki: Pki, openssl_prod_alert: AlertFacts, fast: SendOptions
) -> None:
    with SmtpServer(users={"bot": "s3cret"}, implicit_tls=pki.server_context) as server:
        smtp = smtp_settings(
            server.port,
            security=SmtpSecurity.TLS,
            username="bot",
            password="s3cret",
            ca_file=pki.ca_file,
        )
        result = send_email(smtp, ["security@org.com"], [openssl_prod_alert], options=fast)
    assert result.ok, result.error
    [mail] = server.received
    assert mail.login == "bot"


def test_wrong_password_is_a_failed_result_that_does_not_leak_the_password(
    pki: Pki,
    openssl_prod_alert: AlertFacts,
    fast: SendOptions,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    with SmtpServer(users={"bot": "right"}, starttls=pki.server_context) as server:
        smtp = smtp_settings(
            server.port,
            security=SmtpSecurity.STARTTLS,
            username="bot",
            password="Wr0ngPassw0rd",
            ca_file=pki.ca_file,
        )
        result = send_email(smtp, ["security@org.com"], [openssl_prod_alert], options=fast)
    assert not result.ok
    assert result.attempts == 1  # permanent: not retried
    assert result.status == 535
    assert result.error is not None and "authentication failed for 'bot'" in result.error
    assert "Wr0ngPassw0rd" not in result.error
    assert "Wr0ngPassw0rd" not in caplog.text
    assert "Wr0ngPassw0rd" not in repr(smtp)
    assert server.received == []


def test_an_untrusted_certificate_fails_and_is_not_retried(
    pki: Pki, openssl_prod_alert: AlertFacts, fast: SendOptions
) -> None:
    with SmtpServer(starttls=pki.server_context) as server:
        smtp = smtp_settings(server.port, security=SmtpSecurity.STARTTLS)  # no ca_file
        result = send_email(smtp, ["security@org.com"], [openssl_prod_alert], options=fast)
    assert not result.ok
    assert result.attempts == 1
    assert result.error is not None and "TLS certificate not trusted" in result.error
    assert server.received == []


def test_starttls_required_but_not_offered(
    openssl_prod_alert: AlertFacts, fast: SendOptions
) -> None:
    with SmtpServer() as server:
        smtp = smtp_settings(server.port, security=SmtpSecurity.STARTTLS)
        result = send_email(smtp, ["security@org.com"], [openssl_prod_alert], options=fast)
    assert not result.ok
    assert result.error is not None and "does not offer STARTTLS" in result.error
    assert server.received == []


def test_closed_port_is_retried_then_reported(
    openssl_prod_alert: AlertFacts, fast: SendOptions
) -> None:
    port = closed_port()
    result = send_email(
        smtp_settings(port), ["security@org.com"], [openssl_prod_alert], options=fast
    )
    assert not result.ok
    assert result.attempts == 3  # 1 + FAST_RETRY.retries
    assert result.error is not None
    assert result.error.startswith(f"smtp://127.0.0.1:{port}: cannot connect:")
    assert "refused" in result.error.lower()


def test_server_answering_5xx_fails_without_retry(
    openssl_prod_alert: AlertFacts, fast: SendOptions
) -> None:
    handler = MailHandler(data_replies=["554 5.7.1 Message rejected as spam"])
    with SmtpServer(handler) as server:
        result = send_email(
            smtp_settings(server.port), ["security@org.com"], [openssl_prod_alert], options=fast
        )
    assert not result.ok
    assert (result.attempts, result.status) == (1, 554)
    assert result.error is not None and "554 5.7.1 Message rejected as spam" in result.error
    assert handler.data_commands == 1
    assert server.received == []


def test_server_answering_4xx_is_retried_and_the_mail_arrives(
    openssl_prod_alert: AlertFacts, fast: SendOptions
) -> None:
    handler = MailHandler(data_replies=["451 4.3.0 Try again later"])
    with SmtpServer(handler) as server:
        result = send_email(
            smtp_settings(server.port), ["security@org.com"], [openssl_prod_alert], options=fast
        )
    assert result.ok, result.error
    assert result.attempts == 2
    assert len(server.received) == 1


def test_every_recipient_refused(openssl_prod_alert: AlertFacts, fast: SendOptions) -> None:
    handler = MailHandler(refuse={"nobody@org.com"})
    with SmtpServer(handler) as server:
        result = send_email(
            smtp_settings(server.port), ["nobody@org.com"], [openssl_prod_alert], options=fast
        )
    assert not result.ok
    assert (result.attempts, result.status) == (1, 550)
    assert result.error is not None and "nobody@org.com: 550 5.1.1" in result.error


def test_some_recipients_refused_is_a_failure_that_says_who_got_it(
    openssl_prod_alert: AlertFacts, fast: SendOptions
) -> None:
    handler = MailHandler(refuse={"nobody@org.com"})
    with SmtpServer(handler) as server:
        result = send_email(
            smtp_settings(server.port),
            ["security@org.com", "nobody@org.com"],
            [openssl_prod_alert],
            options=fast,
        )
    assert not result.ok
    assert result.attempts == 1  # a retry would send security@ a second copy
    assert result.error is not None
    assert "some recipients were refused: nobody@org.com: 550" in result.error
    assert "(delivered to security@org.com)" in result.error
    [mail] = server.received
    assert mail.rcpt_tos == ["security@org.com"]


def test_a_server_that_never_answers_times_out(
    openssl_prod_alert: AlertFacts, fast: SendOptions
) -> None:
    with silent_server() as port:
        smtp = smtp_settings(port, timeout=0.3, retry=RetryPolicy(retries=0))
        started = time.monotonic()
        result = send_email(smtp, ["security@org.com"], [openssl_prod_alert], options=fast)
        elapsed = time.monotonic() - started
    assert not result.ok
    assert result.attempts == 1
    assert result.error == f"smtp://127.0.0.1:{port}: timed out after 0.3s"
    assert elapsed < 3


def test_nothing_is_sent_without_smtp_or_to_a_bad_address(
    openssl_prod_alert: AlertFacts, fast: SendOptions
) -> None:
    no_smtp = send_email(None, ["security@org.com"], [openssl_prod_alert], options=fast)
    assert not no_smtp.ok and no_smtp.attempts == 0
    assert no_smtp.error is not None and "RUNINK_SMTP_URL" in no_smtp.error

    with SmtpServer() as server:
        bad = send_email(
            smtp_settings(server.port), ["not an address"], [openssl_prod_alert], options=fast
        )
    assert not bad.ok and bad.attempts == 0
    assert bad.error == "not an e-mail address: 'not an address'"
    assert server.received == []
