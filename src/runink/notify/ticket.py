"""Ticket channels (``type: ticket``): one issue-tracker ticket per delivery.

The body is the versioned ``runink.ticket/v1`` document (``message.ticket_payload``): a title,
a Markdown body, labels (the channel's ``labels`` plus severity, ecosystem, team, environment,
``kev`` and ``deploy-blocked`` as they apply), and the assignee from owner routing. A small
adapter in front of the tracker (an automation rule or a serverless function) maps it onto
the tracker's API; the ``Idempotency-Key`` header lets it drop a duplicate.
"""

from __future__ import annotations

from collections.abc import Sequence

from runink.notify._http import post_json
from runink.notify.base import DeliveryResult, SendOptions
from runink.notify.message import AlertFacts, ticket_payload
from runink.notify.settings import ChannelSettings

__all__ = ["send_ticket"]


def send_ticket(
    channel: ChannelSettings,
    alerts: Sequence[AlertFacts],
    *,
    options: SendOptions,
    title: str | None = None,
    labels: Sequence[str] = (),
) -> DeliveryResult:
    """POST one ticket covering ``alerts``. ``title`` and ``labels`` come from the policy's
    ``ticket`` action: the title replaces the generated one, the labels add to the channel's."""
    payload = ticket_payload(
        alerts,
        channel=channel.name,
        extra_labels=(*channel.labels, *(label for label in labels if label not in channel.labels)),
        now=options.now,
    )
    if title:
        payload["title"] = title
    return post_json(channel, payload, idempotency_key=payload["id"], options=options)
