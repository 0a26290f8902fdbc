"""The Flask extension: VAPID key, one requests session, and `send()` for one subscription."""
from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import requests
from flask import Flask, current_app
from pywebpush import WebPushException, webpush
from requests.adapters import HTTPAdapter

from . import vapid
from .results import SendResult, classify

log = logging.getLogger("notifications")

MAX_PAYLOAD_BYTES = 3072  # push services accept 4096 octets including encryption overhead
TOPIC_MAX = 32  # RFC 8030 §5.4: at most 32 characters of the base64url alphabet
EXTENSION_KEY = "notifications"


def clean_topic(value: str | None) -> str | None:
    """A Topic header value: url-safe base64 characters only, at most 32 of them."""
    if not value:
        return None
    cleaned = re.sub(r"[^A-Za-z0-9_-]", "-", value)[:TOPIC_MAX]
    return cleaned or None


class Notifications:
    """Web Push sender; `push.send(subscription, payload, urgency=…, topic=…)`."""

    def __init__(self, app: Flask | None = None):
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Read NOTIFICATIONS_* settings, load (or create) the VAPID key, open a session."""
        cfg = app.config
        sub = cfg.get("NOTIFICATIONS_VAPID_SUB") or ""
        if not (sub.startswith("mailto:") and "@" in sub) and not sub.startswith("https://"):
            raise ValueError("NOTIFICATIONS_VAPID_SUB must be a mailto: or https: address "
                             "(Apple refuses other subjects)")
        key = vapid.load_private_key(cfg.get("NOTIFICATIONS_VAPID_PRIVATE_KEY"),
                                     Path(app.instance_path))
        session = requests.Session()
        adapter = HTTPAdapter(pool_connections=16, pool_maxsize=32, max_retries=0)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        app.extensions[EXTENSION_KEY] = _State(
            sub=sub, signer=vapid.signer(key), public_key=vapid.public_key_b64(key),
            ttl=int(cfg.get("NOTIFICATIONS_TTL_SECONDS", 3600)),
            timeout=float(cfg.get("NOTIFICATIONS_TIMEOUT_SECONDS", 10)), session=session)

    @staticmethod
    def _state() -> _State:
        return current_app.extensions[EXTENSION_KEY]

    def public_key(self) -> str:
        """The VAPID public key (base64url uncompressed point) for pushManager.subscribe."""
        return self._state().public_key

    def encode(self, payload: dict) -> bytes:
        """Compact JSON bytes of a payload."""
        return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()

    def send(self, subscription: dict, payload: dict, *, urgency: str = "normal",
             topic: str | None = None, ttl: int | None = None) -> SendResult:
        """Encrypt and POST one message to one subscription; never raises for push errors."""
        state = self._state()
        body = self.encode(payload)
        if len(body) > MAX_PAYLOAD_BYTES:
            log.error("push payload of %d bytes exceeds %d: not sent (a bug on our side)",
                      len(body), MAX_PAYLOAD_BYTES)
            return SendResult("bug", None, error=f"payload {len(body)} bytes")
        headers = {"Urgency": "high" if urgency == "high" else "normal"}
        if topic := clean_topic(topic):
            headers["Topic"] = topic
        endpoint = subscription.get("endpoint", "")
        try:
            response = webpush(
                subscription_info=subscription, data=body,
                vapid_private_key=state.signer,
                vapid_claims={"sub": state.sub},  # fresh dict: pywebpush writes aud/exp into it
                ttl=state.ttl if ttl is None else ttl,  # never the default 0
                timeout=state.timeout,  # the default waits forever
                headers=headers, requests_session=state.session)
        except WebPushException as exc:
            response = exc.response
            if response is None:
                return SendResult("bug", None, error=str(exc.message)[:200])
        except requests.Timeout:
            return SendResult("retry", None, error="timeout")
        except requests.RequestException as exc:
            return SendResult("retry", None, error=type(exc).__name__)
        return classify(response.status_code, response.headers.get("Retry-After"),
                        response.text or "", endpoint)


class _State:
    """Per-app settings and resources."""

    def __init__(self, *, sub, signer, public_key, ttl, timeout, session):
        self.sub = sub
        self.signer = signer
        self.public_key = public_key
        self.ttl = ttl
        self.timeout = timeout
        self.session = session
