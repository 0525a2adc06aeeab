"""E-mail delivery over SMTP with the standard library's ``smtplib``.

One message per call, to every recipient at once: plain text with an HTML alternative. The
connection is plain SMTP, STARTTLS (required, never opportunistic) or implicit TLS, always
with certificate and host-name verification (``ca_file`` adds a private CA). Every network
step has the configured timeout.

Failures are results, not exceptions. Transient ones (connection refused or reset, a timeout,
an SMTP 4xx reply) are retried with exponential backoff; permanent ones (an SMTP 5xx reply,
failed authentication, a TLS problem) are not. When the server accepts some recipients and
refuses others, the result is a failure naming both, and it is not retried: a retry would
send the accepted recipients a second copy.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage

from runink.notify._tls import client_context
from runink.notify.base import EMAIL_KIND, DeliveryResult, SendOptions
from runink.notify.message import AlertFacts, batch_key, email_content
from runink.notify.settings import SmtpSecurity, SmtpSettings, is_email_address

__all__ = ["build_email", "send_email"]

log = logging.getLogger(__name__)

CHANNEL = "email"


def build_email(
    smtp: SmtpSettings,
    recipients: Sequence[str],
    alerts: Sequence[AlertFacts],
    *,
    now: dt.datetime | None = None,
) -> EmailMessage:
    """The message: ``From``/``To``/``Subject``/``Date``, a stable ``Message-ID`` (the same
    findings give the same id, so a re-sent copy threads with the first), and
    ``Auto-Submitted: auto-generated`` (RFC 3834) so auto-responders stay quiet."""
    content = email_content(alerts)
    moment = now or dt.datetime.now(dt.UTC)
    domain = smtp.envelope_sender.rpartition("@")[2] or "runink.invalid"
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = ", ".join(recipients)
    message["Subject"] = content.subject
    message["Date"] = email.utils.format_datetime(moment.astimezone(dt.UTC))
    message["Message-ID"] = f"<runink.{batch_key(alerts, channel=CHANNEL)}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"
    message["X-Runink-Findings"] = str(len(alerts))
    message.set_content(content.text)
    message.add_alternative(content.html, subtype="html")
    return message


def send_email(
    smtp: SmtpSettings | None,
    recipients: Sequence[str],
    alerts: Sequence[AlertFacts],
    *,
    options: SendOptions | None = None,
) -> DeliveryResult:
    """Send one message about ``alerts`` to ``recipients``; never raises for a delivery failure."""
    options = options or SendOptions()
    shown = ", ".join(recipients)

    def result(ok: bool, attempts: int, error: str | None, status: int | None) -> DeliveryResult:
        return DeliveryResult(
            ok=ok,
            channel=CHANNEL,
            kind=EMAIL_KIND,
            recipient=shown,
            attempts=attempts,
            error=error,
            status=status,
        )

    if smtp is None:
        return result(
            False, 0, "SMTP is not configured: set RUNINK_SMTP_URL or the smtp: section", None
        )
    if not recipients:
        return result(False, 0, "no recipient address", None)
    bad = [r for r in recipients if not is_email_address(r)]
    if bad:
        return result(False, 0, f"not an e-mail address: {', '.join(map(repr, bad))}", None)

    message = build_email(smtp, recipients, alerts, now=options.now)
    attempts = 0
    while True:
        attempts += 1
        outcome = _attempt(smtp, message, recipients)
        if outcome.ok:
            log.info("email to %s delivered via %s", shown, smtp.describe())
            return result(True, attempts, None, outcome.status)
        error = f"{smtp.describe()}: {outcome.error}"
        if not outcome.transient or attempts > smtp.retry.retries:
            log.info("email to %s failed after %d attempt(s): %s", shown, attempts, error)
            return result(False, attempts, error, outcome.status)
        delay = smtp.retry.delay(attempts, options.jitter())
        log.info(
            "email to %s: attempt %d failed (%s); retrying in %.2fs", shown, attempts, error, delay
        )
        options.sleep(delay)


@dataclass(frozen=True, slots=True)
class _Outcome:
    ok: bool
    transient: bool = False
    error: str | None = None
    status: int | None = None


def _attempt(smtp: SmtpSettings, message: EmailMessage, recipients: Sequence[str]) -> _Outcome:
    client: smtplib.SMTP | None = None
    sent = False
    try:
        if smtp.security is SmtpSecurity.TLS:
            client = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=smtp.timeout, context=client_context(smtp.ca_file)
            )
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        client.ehlo()
        if smtp.security is SmtpSecurity.STARTTLS:
            if not client.has_extn("starttls"):
                return _Outcome(False, error="the server does not offer STARTTLS")
            client.starttls(context=client_context(smtp.ca_file))
            client.ehlo()
        if smtp.username is not None:
            client.login(smtp.username, smtp.password or "")
        refused = client.send_message(
            message, from_addr=smtp.envelope_sender, to_addrs=list(recipients)
        )
        sent = True
    except smtplib.SMTPAuthenticationError as exc:
        return _Outcome(
            False,
            error=f"authentication failed for {smtp.username!r}: {_reply(exc.smtp_code, exc.smtp_error)}",
            status=exc.smtp_code,
        )
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        detail = "; ".join(
            f"{rcpt}: {_reply(code, text)}" for rcpt, (code, text) in sorted(exc.recipients.items())
        )
        return _Outcome(
            False,
            transient=all(400 <= c < 500 for c in codes),
            error=f"every recipient was refused: {detail}",
            status=codes[0] if codes else None,
        )
    except smtplib.SMTPSenderRefused as exc:
        return _Outcome(
            False,
            transient=400 <= exc.smtp_code < 500,
            error=f"sender {exc.sender!r} refused: {_reply(exc.smtp_code, exc.smtp_error)}",
            status=exc.smtp_code,
        )
    except smtplib.SMTPResponseException as exc:
        return _Outcome(
            False,
            transient=400 <= exc.smtp_code < 500,
            error=_reply(exc.smtp_code, exc.smtp_error),
            status=exc.smtp_code,
        )
    except smtplib.SMTPServerDisconnected as exc:
        # smtplib turns a read timeout into "Connection unexpectedly closed: timed out".
        if isinstance(exc.__context__, TimeoutError):
            return _Outcome(False, transient=True, error=f"timed out after {smtp.timeout:g}s")
        return _Outcome(False, transient=True, error=f"the server closed the connection ({exc})")
    except smtplib.SMTPNotSupportedError as exc:
        return _Outcome(False, error=f"not supported by the server: {exc}")
    except smtplib.SMTPException as exc:
        return _Outcome(False, error=f"SMTP error: {exc}")
    except ssl.SSLCertVerificationError as exc:
        return _Outcome(False, error=f"TLS certificate not trusted: {exc.verify_message}")
    except ssl.SSLError as exc:
        return _Outcome(False, error=f"TLS failed: {exc.reason or exc}")
    except UnicodeEncodeError:
        return _Outcome(False, error="the SMTP username and password must be ASCII")
    except TimeoutError:
        return _Outcome(False, transient=True, error=f"timed out after {smtp.timeout:g}s")
    except OSError as exc:
        return _Outcome(False, transient=True, error=f"cannot connect: {exc.strerror or exc}")
    finally:
        if client is not None:
            _close(client, polite=sent)
    if refused:
        detail = "; ".join(
            f"{rcpt}: {_reply(code, text)}" for rcpt, (code, text) in sorted(refused.items())
        )
        accepted = ", ".join(r for r in recipients if r not in refused)
        return _Outcome(
            False, error=f"some recipients were refused: {detail} (delivered to {accepted})"
        )
    return _Outcome(True, status=250)


def _close(client: smtplib.SMTP, *, polite: bool) -> None:
    """After a delivery, say QUIT (its failure changes nothing: the message was accepted).

    After a failure, just drop the connection: a QUIT to a server that stopped answering
    would only wait for another timeout.
    """
    if polite:
        try:
            client.quit()
            return
        except (smtplib.SMTPException, OSError):
            pass
    client.close()


def _reply(code: int, text: bytes | str) -> str:
    message = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(message.split())}"
