"""The notify layer's port: a channel type, a sender, and what a delivery attempt returns.

A sender turns a batch of ``AlertFacts`` into one message and tries to deliver it. Delivery
failures (a refused connection, a timeout, an SMTP 5xx, an HTTP 400) are *results*, never
exceptions: the caller records them and retries on its next run. Only a programming error
(a bug) escapes a sender.
"""

from __future__ import annotations

import datetime as dt
import enum
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx


class ChannelType(enum.StrEnum):
    """The kinds of named channel the config file's ``channels:`` section can declare.

    Email is not a named channel: it is addressed by e-mail address and goes through SMTP.
    """

    WEBHOOK = "webhook"
    SLACK = "slack"
    TICKET = "ticket"


#: ``DeliveryResult.kind`` for e-mail, beside the ``ChannelType`` values.
EMAIL_KIND = "email"


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """The outcome of delivering one message.

    ``channel`` is ``"email"`` or the configured channel's name; ``kind`` is ``"email"`` or the
    channel's type. ``recipient`` is the comma-separated addresses for e-mail, or the endpoint's
    origin (``https://host:port``) for HTTP channels: never a URL path or query, which often
    carry secrets (Slack webhook URLs do). ``attempts`` counts tries, including the last.
    ``status`` is the last SMTP reply code or HTTP status seen, when there was one. ``error`` is
    None exactly when ``ok`` is true, and never contains a password.
    """

    ok: bool
    channel: str
    kind: str
    recipient: str
    attempts: int
    error: str | None = None
    status: int | None = None

    def __post_init__(self) -> None:
        if self.ok != (self.error is None):
            raise ValueError("DeliveryResult: error must be set exactly when ok is false")
        if self.attempts < 0:
            raise ValueError("DeliveryResult: attempts must be >= 0")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping, e.g. for the evidence ledger."""
        return {
            "ok": self.ok,
            "channel": self.channel,
            "kind": self.kind,
            "recipient": self.recipient,
            "attempts": self.attempts,
            "error": self.error,
            "status": self.status,
        }


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently a sender retries a transient failure.

    Try ``1 + retries`` times at most. Before retry *n* (1-based) wait
    ``min(backoff_max, backoff * 2 ** (n - 1))`` seconds scaled by a random factor in
    [0.5, 1.0] ("equal jitter", so many Runink workers do not retry in lock-step). When the
    server says when to come back (HTTP 429 ``Retry-After``), that wait is used instead, unless
    it exceeds ``retry_after_max``: then the delivery fails now and is left to the next run.
    """

    retries: int = 3
    backoff: float = 1.0
    backoff_max: float = 30.0
    retry_after_max: float = 120.0

    def __post_init__(self) -> None:
        if self.retries < 0:
            raise ValueError("RetryPolicy.retries must be >= 0")
        if self.backoff < 0 or self.backoff_max < 0 or self.retry_after_max < 0:
            raise ValueError("RetryPolicy durations must be >= 0")

    def delay(self, retry: int, jitter: float) -> float:
        """The wait before retry number ``retry`` (1-based); ``jitter`` is uniform in [0, 1)."""
        base: float = min(self.backoff_max, self.backoff * 2.0 ** (retry - 1))
        return base * (0.5 + jitter / 2)


@dataclass(frozen=True, slots=True)
class SendOptions:
    """The seams of a delivery, for callers that share resources and for tests.

    ``client`` is an ``httpx.Client`` to reuse across HTTP deliveries (a channel with its own
    ``ca_file`` always gets its own client); ``now`` fixes the payloads' ``generated_at``;
    ``sleep`` and ``jitter`` drive the backoff between retries.
    """

    client: httpx.Client | None = None
    now: dt.datetime | None = None
    sleep: Callable[[float], None] = field(default=time.sleep)
    jitter: Callable[[], float] = field(default=random.random)
