"""Webhook channels: the generic JSON payload (``type: webhook``) and Slack (``type: slack``).

The generic body is the versioned ``runink.alert/v1`` document (``message.webhook_payload``).
The Slack body is what Slack incoming webhooks accept (``text`` plus Block Kit ``blocks``);
Mattermost and Rocket.Chat incoming webhooks accept it too. Both go through ``_http.post_json``
(timeouts, retries with backoff, ``Idempotency-Key``).
"""

from __future__ import annotations

from collections.abc import Sequence

from runink.notify._http import post_json
from runink.notify.base import DeliveryResult, SendOptions
from runink.notify.message import AlertFacts, batch_key, slack_payload, webhook_payload
from runink.notify.settings import ChannelSettings

__all__ = ["send_slack", "send_webhook"]


def send_webhook(
    channel: ChannelSettings, alerts: Sequence[AlertFacts], *, options: SendOptions
) -> DeliveryResult:
    """POST the generic JSON alert document."""
    payload = webhook_payload(alerts, channel=channel.name, now=options.now)
    return post_json(channel, payload, idempotency_key=payload["id"], options=options)


def send_slack(
    channel: ChannelSettings, alerts: Sequence[AlertFacts], *, options: SendOptions
) -> DeliveryResult:
    """POST a Slack-compatible message."""
    payload = slack_payload(alerts)
    key = batch_key(alerts, channel=channel.name)
    return post_json(channel, payload, idempotency_key=key, options=options)
