"""POST a JSON body to a channel with timeouts and retries: shared by webhook, Slack and ticket.

Retry policy (see ``RetryPolicy``): a connection error, a timeout, HTTP 429 and HTTP 5xx are
retried with exponential backoff and jitter; a 429 or 503 carrying ``Retry-After`` (seconds or
an HTTP date) waits that long instead, unless it is longer than ``retry_after_max``. Any other
status outside 2xx (a 3xx, which is never followed, or a 4xx) fails at once: sending the same
request again would get the same answer.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from runink import __version__
from runink.notify._tls import client_context
from runink.notify.base import DeliveryResult, SendOptions
from runink.notify.settings import ChannelSettings

log = logging.getLogger(__name__)

_EXCERPT = 300


@dataclass(frozen=True, slots=True)
class _Outcome:
    ok: bool
    retry: bool = False
    error: str | None = None
    status: int | None = None
    wait: float | None = None  # from Retry-After


def post_json(
    channel: ChannelSettings,
    payload: dict[str, Any],
    *,
    idempotency_key: str,
    options: SendOptions,
) -> DeliveryResult:
    """POST ``payload`` to the channel; never raises for a delivery failure."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": f"runink/{__version__}",
        "Idempotency-Key": idempotency_key,
    }
    schema = payload.get("schema")
    if isinstance(schema, str):
        headers["X-Runink-Schema"] = schema
    headers.update(dict(channel.headers))
    retry = channel.retry
    attempts = 0
    with _client(channel, options) as client:
        while True:
            attempts += 1
            outcome = _attempt(client, channel, body, headers)
            if outcome.ok:
                log.info("%s: delivered (%s)", channel.name, outcome.status)
                return _result(channel, attempts, outcome)
            if not outcome.retry or attempts > retry.retries:
                log.info(
                    "%s: failed after %d attempt(s): %s", channel.name, attempts, outcome.error
                )
                return _result(channel, attempts, outcome)
            if outcome.wait is not None:
                if outcome.wait > retry.retry_after_max:
                    error = (
                        f"{outcome.error}; the server asks to retry after {outcome.wait:g}s, "
                        f"more than the {retry.retry_after_max:g}s this run waits"
                    )
                    return _result(
                        channel, attempts, _Outcome(False, error=error, status=outcome.status)
                    )
                delay = outcome.wait
            else:
                delay = retry.delay(attempts, options.jitter())
            log.info(
                "%s: attempt %d failed (%s); retrying in %.2fs",
                channel.name,
                attempts,
                outcome.error,
                delay,
            )
            options.sleep(delay)


@contextmanager
def _client(channel: ChannelSettings, options: SendOptions) -> Iterator[httpx.Client]:
    if options.client is not None and channel.ca_file is None:
        yield options.client
        return
    with httpx.Client(verify=client_context(channel.ca_file), follow_redirects=False) as client:
        yield client


def _attempt(
    client: httpx.Client, channel: ChannelSettings, body: bytes, headers: dict[str, str]
) -> _Outcome:
    try:
        response = client.post(channel.url, content=body, headers=headers, timeout=channel.timeout)
    except httpx.TimeoutException:
        return _Outcome(False, retry=True, error=f"timed out after {channel.timeout:g}s")
    except (httpx.NetworkError, httpx.RemoteProtocolError, httpx.ProxyError) as exc:
        tls = _tls_problem(exc)
        if tls is not None:  # the same certificate will fail again: do not retry
            return _Outcome(False, error=f"TLS failed: {tls}")
        return _Outcome(False, retry=True, error=f"connection failed: {_describe(exc)}")
    except httpx.HTTPError as exc:
        return _Outcome(False, error=f"request failed: {_describe(exc)}")
    status = response.status_code
    if 200 <= status < 300:
        return _Outcome(True, status=status)
    error = f"HTTP {status} {response.reason_phrase}".rstrip()
    excerpt = _excerpt(response)
    if excerpt:
        error += f": {excerpt}"
    if status == 429 or status >= 500:
        wait = _retry_after(response) if status in (429, 503) else None
        return _Outcome(False, retry=True, error=error, status=status, wait=wait)
    if 300 <= status < 400:
        error += " (redirects are not followed; update the channel's url)"
    return _Outcome(False, error=error, status=status)


def _result(channel: ChannelSettings, attempts: int, outcome: _Outcome) -> DeliveryResult:
    return DeliveryResult(
        ok=outcome.ok,
        channel=channel.name,
        kind=channel.type.value,
        recipient=channel.origin,
        attempts=attempts,
        error=None if outcome.ok else f"{channel.name} ({channel.origin}): {outcome.error}",
        status=outcome.status,
    )


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _tls_problem(exc: BaseException) -> str | None:
    """The certificate/handshake error behind an httpx error, if that is what it is."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return f"certificate not trusted: {seen.verify_message}"
        if isinstance(seen, ssl.SSLError):
            return str(seen.reason or seen)
        seen = seen.__cause__ or seen.__context__
    if "CERTIFICATE_VERIFY_FAILED" in str(exc):
        return f"certificate not trusted: {exc}"
    return None


def _excerpt(response: httpx.Response) -> str:
    text = " ".join(response.text.split())
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"


def _describe(exc: Exception) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
