"""The explicit map from a channel type to the function that delivers to it.

No import-time self-registration: adding a channel type means adding a ``ChannelType`` member,
a module, and a line here. A test checks that every ``ChannelType`` has a sender.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Final, Protocol

from runink.notify.base import ChannelType, DeliveryResult, SendOptions
from runink.notify.message import AlertFacts
from runink.notify.settings import ChannelSettings
from runink.notify.ticket import send_ticket
from runink.notify.webhook import send_slack, send_webhook

__all__ = ["SENDERS", "ChannelSender", "sender_for"]


class ChannelSender(Protocol):
    """Deliver one message about ``alerts`` to a named channel; never raise for a failure."""

    def __call__(
        self, channel: ChannelSettings, alerts: Sequence[AlertFacts], *, options: SendOptions
    ) -> DeliveryResult: ...


SENDERS: Final[Mapping[ChannelType, ChannelSender]] = MappingProxyType(
    {
        ChannelType.WEBHOOK: send_webhook,
        ChannelType.SLACK: send_slack,
        ChannelType.TICKET: send_ticket,
    }
)


def sender_for(kind: ChannelType) -> ChannelSender:
    return SENDERS[kind]
