"""Delivery channels: one small adapter per kind, one result shape (`SendResult`).

`send(kind, target, message)` hands one message to one channel and never raises: like
Web Push, every outcome (an answer, a timeout, a refused address, a missing setting) is a
`SendResult` from `results.classify()` or built beside it, so the dispatcher treats every
channel alike (retry with backoff, fall back to the next channel, flag the escalation).

- `push`: today's Web Push sender (`notifications.push`).
- `sms`, `voice`: a Twilio-compatible REST API (Messages and Calls resources).
- `webhook`: a signed JSON POST; `pagerduty`: PagerDuty Events API v2.
`target` is the channel's address (and secret); `message` what the dispatcher built for it.
"""
from __future__ import annotations

from ..results import SendResult
from . import push, twilio, webhook

ADAPTERS = {
    "push": push.send,
    "sms": twilio.send_sms,
    "voice": twilio.send_call,
    "webhook": webhook.send_webhook,
    "pagerduty": webhook.send_pagerduty,
}


def send(kind: str, target: dict, message: dict) -> SendResult:
    """Send `message` to `target` through the channel `kind`; never raises."""
    adapter = ADAPTERS.get(kind)
    if adapter is None:
        return SendResult("bug", None, error=f"unknown channel {kind!r}")
    try:
        return adapter(target, message)
    except Exception as exc:  # broad on purpose: isolated: one channel never fails a batch
        text = " ".join(str(exc).split())[:150]
        return SendResult("error", None, error=f"{type(exc).__name__}: {text}"[:200])


__all__ = ["ADAPTERS", "send"]
