"""Paging webhooks: a signed JSON POST, and a PagerDuty Events API v2 variant.

Generic webhook: the body is the message's JSON (README "Channels" documents the shape),
signed with the target's own secret: header `X-CARTwatch-Signature: t=<unix seconds>,
v1=<hex HMAC-SHA256 of "<t>.<body>">`; a receiver recomputes it and refuses an old `t`
(replay). PagerDuty: POST CHANNELS_PAGERDUTY_URL with routing_key, event_action
(trigger / acknowledge / resolve) and dedup_key. 2xx is delivered; 429, 5xx and timeouts
are retried by the outbox with backoff; a 3xx is never followed.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time

from flask import current_app

from ..results import SendResult
from . import http, targets

SIGNATURE_HEADER = "X-CARTwatch-Signature"


def sign(secret: str, body: bytes, at: int) -> str:
    """The signature header value for `body` sent at unix time `at`."""
    mac = hmac.new(secret.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"


def target_problem(url: str) -> str | None:
    """targets.problem with this app's allowances."""
    cfg = current_app.config
    return targets.problem(url, allow_loopback=bool(cfg.get("NOTIFICATIONS_ALLOW_HTTP_LOOPBACK")),
                           allow_private=bool(cfg.get("CHANNELS_WEBHOOK_ALLOW_PRIVATE")))


def _encode(document: dict) -> bytes:
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode()


def send_webhook(target: dict, message: dict) -> SendResult:
    """target {address, secret}; message {body: the JSON document}."""
    url = target["address"]
    if refused := target_problem(url):
        return SendResult("refused", None, error=refused[:200])
    body = _encode(message["body"])
    headers = {"Content-Type": "application/json",
               SIGNATURE_HEADER: sign(target.get("secret") or "", body, int(time.time()))}
    response, failed = http.post(url, data=body, headers=headers)
    return failed or http.answer(response, url)


def send_pagerduty(target: dict, message: dict) -> SendResult:
    """target {secret: the routing key}; message {event: the Events v2 document}."""
    url = current_app.config.get("CHANNELS_PAGERDUTY_URL",
                                 "https://events.pagerduty.com/v2/enqueue")
    if refused := target_problem(url):
        return SendResult("refused", None, error=refused[:200])
    event = {**message["event"], "routing_key": target.get("secret") or ""}
    response, failed = http.post(url, data=_encode(event),
                                 headers={"Content-Type": "application/json"})
    return failed or http.answer(response, url)
