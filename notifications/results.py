"""Turn a push service's answer (or a failure to get one) into a SendResult."""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

log = logging.getLogger("notifications")

# ok, gone, retry, bug, vapid: what a push service answered. redirect: a 3xx (never
# followed). refused: the endpoint is not an accepted push service (endpoints.py); invalid:
# no message can be encrypted or signed for the subscription; error: anything unexpected
# while sending. The dispatcher deactivates refused and invalid subscriptions at once and
# quarantines one that keeps failing with error or redirect.
OUTCOMES = ("ok", "gone", "retry", "bug", "vapid", "redirect", "refused", "invalid", "error")


@dataclass(frozen=True)
class SendResult:
    """What happened to one push: `outcome`, HTTP status (None: no answer), retry hint."""

    outcome: str
    status: int | None = None
    retry_after: float | None = None  # seconds, from Retry-After (429 / 503)
    error: str | None = None
    ref: str | None = None  # channels: the provider's id for the message or call (its SID)

    @property
    def ok(self) -> bool:
        """True when the push service accepted the message."""
        return self.outcome == "ok"


def parse_retry_after(value: str | None, received: dt.datetime | None = None) -> float | None:
    """Retry-After as seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    base = received or dt.datetime.now(dt.UTC)
    return max(0.0, (when - base).total_seconds())


def classify(status: int, retry_after: str | None, text: str = "",
             endpoint: str = "") -> SendResult:
    """Map a push-service status code to an outcome (RFC 8030 §5, RFC 8292 §4)."""
    origin = endpoint.split("/", 3)[2] if endpoint.count("/") >= 2 else "?"
    if 200 <= status < 300:
        return SendResult("ok", status)
    if 300 <= status < 400:  # a push service never redirects; following one is SSRF
        return SendResult("redirect", status, error=f"redirect ({status}) not followed")
    if status in (404, 410):
        return SendResult("gone", status, error="subscription expired or unsubscribed")
    if status == 429 or status >= 500:
        return SendResult("retry", status, parse_retry_after(retry_after),
                          error=f"push service {status}")
    if status in (401, 403):
        log.critical("VAPID refused by push service %s (%s): check the VAPID key and sub; "
                     "subscriptions are kept", origin, status)
        return SendResult("vapid", status, error=f"VAPID refused ({status})")
    log.error("push service %s refused our request with %s (a bug on our side, not retried): %s",
              origin, status, text[:200])
    return SendResult("bug", status, error=f"request refused ({status})")
