"""Notification channels: e-mail (SMTP), generic JSON webhooks, Slack and issue-tracker tickets.

``AlertFacts`` carries one finding's facts; ``narrate()`` tells its story; ``Dispatcher.deliver``
sends one message about one or several findings to e-mail addresses or a named channel and
returns a ``DeliveryResult`` (failures are results, never exceptions). Settings come from
``RUNINK_SMTP_URL``/``RUNINK_SMTP_FROM`` and the config file's ``smtp:`` and ``channels:``
sections (``load_notify_settings``). See ``docs/notifications.md``.
"""

from __future__ import annotations

from runink.notify.base import ChannelType, DeliveryResult, RetryPolicy, SendOptions
from runink.notify.dispatch import (
    ChannelTarget,
    Dispatcher,
    EmailTarget,
    Target,
    deliver,
    parse_target,
)
from runink.notify.message import (
    ALERT_SCHEMA,
    TICKET_SCHEMA,
    AlertFacts,
    Narrative,
    narrate,
)
from runink.notify.settings import (
    ChannelSettings,
    NotifySettings,
    SmtpSecurity,
    SmtpSettings,
    load_notify_settings,
    parse_notify_settings,
)

__all__ = [
    "ALERT_SCHEMA",
    "TICKET_SCHEMA",
    "AlertFacts",
    "ChannelSettings",
    "ChannelTarget",
    "ChannelType",
    "DeliveryResult",
    "Dispatcher",
    "EmailTarget",
    "Narrative",
    "NotifySettings",
    "RetryPolicy",
    "SendOptions",
    "SmtpSecurity",
    "SmtpSettings",
    "Target",
    "deliver",
    "load_notify_settings",
    "narrate",
    "parse_notify_settings",
    "parse_target",
]
