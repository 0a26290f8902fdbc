"""The Web Push channel: today's sender behind the channel interface."""
from __future__ import annotations

from ..results import SendResult


def send(target: dict, message: dict) -> SendResult:
    """`target` is the subscription (browser JSON shape), `message` {payload, urgency, topic}."""
    from .. import push

    return push.send(target, message["payload"], urgency=message.get("urgency", "normal"),
                     topic=message.get("topic"))
