"""Deliver a batch of alerts to a resolved target: e-mail addresses or a named channel.

Resolving a policy's ``who: owner`` or ``who: team`` into addresses is owner routing, which
happens before this (in the services layer); the dispatcher takes the result. ``deliver`` never
raises for anything about the delivery: an unknown channel, SMTP not configured, a refused
connection or an HTTP 500 all come back as a failed ``DeliveryResult`` with the reason, for
the caller to record and retry on its next run. Use ``Dispatcher.problem()`` to check targets
up front (e.g. when validating a policy), so configuration mistakes surface as usage errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from runink.notify.base import DeliveryResult, SendOptions
from runink.notify.email import send_email
from runink.notify.message import AlertFacts
from runink.notify.registry import sender_for
from runink.notify.settings import NotifySettings, is_email_address, load_notify_settings

__all__ = ["ChannelTarget", "Dispatcher", "EmailTarget", "Target", "deliver", "parse_target"]


@dataclass(frozen=True, slots=True)
class EmailTarget:
    """One message to these addresses (all in ``To``)."""

    addresses: tuple[str, ...]

    def __str__(self) -> str:
        return ", ".join(self.addresses)


@dataclass(frozen=True, slots=True)
class ChannelTarget:
    """A channel declared under ``channels:`` in the config file."""

    name: str

    def __str__(self) -> str:
        return self.name


Target = EmailTarget | ChannelTarget


def parse_target(who: str | Sequence[str] | Target) -> Target:
    """``"a@org.com"`` or a list of addresses → ``EmailTarget``; any other name → ``ChannelTarget``.

    Comma-separated addresses in one string are split. A mix of addresses and channel names
    raises ``ValueError`` (the caller resolves each separately).
    """
    if isinstance(who, EmailTarget | ChannelTarget):
        return who
    items = [who] if isinstance(who, str) else list(who)
    parts = [p.strip() for item in items for p in item.split(",") if p.strip()]
    if not parts:
        raise ValueError("empty notification target")
    if all("@" in p for p in parts):
        return EmailTarget(tuple(dict.fromkeys(parts)))
    if len(parts) == 1:
        return ChannelTarget(parts[0])
    raise ValueError(f"a target is either e-mail addresses or one channel name: {parts!r}")


class Dispatcher:
    """Delivers alerts with one set of settings (and, optionally, one shared HTTP client)."""

    def __init__(self, settings: NotifySettings, *, options: SendOptions | None = None) -> None:
        self.settings = settings
        self.options = options or SendOptions()

    def problem(self, who: str | Sequence[str] | Target) -> str | None:
        """Why delivering to ``who`` cannot work with these settings, or None when it can."""
        try:
            target = parse_target(who)
        except ValueError as exc:
            return str(exc)
        if isinstance(target, EmailTarget):
            bad = [a for a in target.addresses if not is_email_address(a)]
            if bad:
                return f"not an e-mail address: {', '.join(map(repr, bad))}"
            if self.settings.smtp is None:
                return "e-mail needs SMTP: set RUNINK_SMTP_URL or the config file's smtp: section"
            return None
        if self.settings.channel(target.name) is None:
            return _unknown_channel(target.name, self.settings)
        return None

    def deliver(
        self, who: str | Sequence[str] | Target, alerts: AlertFacts | Sequence[AlertFacts]
    ) -> DeliveryResult:
        """One message about ``alerts`` (one finding or a batch) to ``who``."""
        batch = [alerts] if isinstance(alerts, AlertFacts) else list(alerts)
        if not batch:
            raise ValueError("deliver() needs at least one AlertFacts")
        try:
            target = parse_target(who)
        except ValueError as exc:
            return DeliveryResult(
                ok=False, channel="", kind="", recipient=str(who), attempts=0, error=str(exc)
            )
        if isinstance(target, EmailTarget):
            return send_email(self.settings.smtp, target.addresses, batch, options=self.options)
        channel = self.settings.channel(target.name)
        if channel is None:
            return DeliveryResult(
                ok=False,
                channel=target.name,
                kind="",
                recipient=target.name,
                attempts=0,
                error=_unknown_channel(target.name, self.settings),
            )
        return sender_for(channel.type)(channel, batch, options=self.options)


def deliver(
    who: str | Sequence[str] | Target,
    alerts: AlertFacts | Sequence[AlertFacts],
    *,
    settings: NotifySettings | None = None,
    options: SendOptions | None = None,
) -> DeliveryResult:
    """``Dispatcher(settings).deliver(who, alerts)``, loading settings when none are given.

    Loading settings may raise ``UsageError`` (a bad config file); delivery itself never raises.
    """
    return Dispatcher(settings or load_notify_settings(), options=options).deliver(who, alerts)


def _unknown_channel(name: str, settings: NotifySettings) -> str:
    known = ", ".join(settings.channel_names) or "none"
    where = f" in {settings.source}" if settings.source else ""
    return f"unknown channel {name!r}: channels configured{where}: {known}"
