"""The Flask extension: VAPID key, one requests session, and `send()` for one subscription."""
from __future__ import annotations

import json
import logging
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests
from flask import Flask, current_app
from pywebpush import WebPusher
from requests.adapters import HTTPAdapter

from . import endpoints, vapid
from .results import SendResult, classify

log = logging.getLogger("notifications")

MAX_PAYLOAD_BYTES = 3072  # push services accept 4096 octets including encryption overhead
TOPIC_MAX = 32  # RFC 8030 §5.4: at most 32 characters of the base64url alphabet
VAPID_EXP_SECONDS = 12 * 3600  # RFC 8292 §2: at most 24 h; pywebpush's own choice
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
        session = NoRedirectSession()
        adapter = HTTPAdapter(pool_connections=16, pool_maxsize=32, max_retries=0)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        app.extensions[EXTENSION_KEY] = _State(
            sub=sub, signer=vapid.signer(key), public_key=vapid.public_key_b64(key),
            ttl=int(cfg.get("NOTIFICATIONS_TTL_SECONDS", 3600)),
            timeout=float(cfg.get("NOTIFICATIONS_TIMEOUT_SECONDS", 10)), session=session,
            extra_hosts=endpoints.parse_hosts(cfg.get("NOTIFICATIONS_EXTRA_PUSH_HOSTS")))

    @staticmethod
    def _state() -> _State:
        return current_app.extensions[EXTENSION_KEY]

    def public_key(self) -> str:
        """The VAPID public key (base64url uncompressed point) for pushManager.subscribe."""
        return self._state().public_key

    def encode(self, payload: dict) -> bytes:
        """Compact JSON bytes of a payload."""
        return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()

    def endpoint_problem(self, endpoint: str) -> str | None:
        """Why CARTwatch will not POST to `endpoint`, or None (see endpoints.py)."""
        cfg = current_app.config
        return endpoints.problem(endpoint, self._state().extra_hosts,
                                 bool(cfg.get("NOTIFICATIONS_ALLOW_HTTP_LOOPBACK")))

    def send(self, subscription: dict, payload: dict, *, urgency: str = "normal",
             topic: str | None = None, ttl: int | None = None) -> SendResult:
        """Encrypt and POST one message to one subscription; never raises.

        Whatever goes wrong with one subscription (a refused endpoint, keys or an address
        nothing can be signed for, a redirect, an unexpected exception) comes back as a
        result with a reason, so it cannot stop the sends to anyone else.
        """
        state = self._state()
        body = self.encode(payload)
        if len(body) > MAX_PAYLOAD_BYTES:
            log.error("push payload of %d bytes exceeds %d: not sent (a bug on our side)",
                      len(body), MAX_PAYLOAD_BYTES)
            return SendResult("bug", None, error=f"payload {len(body)} bytes")
        endpoint = subscription.get("endpoint", "")
        if refused := self.endpoint_problem(endpoint):
            return SendResult("refused", None, error=refused[:200])
        try:
            data, headers = self._prepare(state, subscription, body, urgency, topic, ttl)
        except Exception as exc:  # broad on purpose: bad keys or address: this subscription only
            return SendResult("invalid", None, error=_reason("cannot encrypt or sign", exc))
        try:
            response = state.session.post(endpoint, data=data, headers=headers,
                                          timeout=state.timeout)  # the default waits forever
        except requests.Timeout:
            return SendResult("retry", None, error="timeout")
        except requests.exceptions.InvalidURL as exc:
            return SendResult("invalid", None, error=_reason("cannot address", exc))
        except requests.RequestException as exc:
            return SendResult("retry", None, error=type(exc).__name__)
        except Exception as exc:  # broad on purpose: isolated: recorded, never a failed batch
            return SendResult("error", None, error=_reason("send failed", exc))
        return classify(response.status_code, response.headers.get("Retry-After"),
                        response.text or "", endpoint)

    @staticmethod
    def _prepare(state: _State, subscription: dict, body: bytes, urgency: str,
                 topic: str | None, ttl: int | None) -> tuple[bytes, dict]:
        """The encrypted body (RFC 8291 aes128gcm) and headers, VAPID signed (RFC 8292)."""
        encrypted = WebPusher(subscription).encode(body, "aes128gcm")["body"]
        parts = urlsplit(subscription["endpoint"])
        headers = {"Urgency": "high" if urgency == "high" else "normal",
                   "TTL": str(state.ttl if ttl is None else ttl),  # never pywebpush's 0
                   "Content-Encoding": "aes128gcm"}
        if topic := clean_topic(topic):
            headers["Topic"] = topic
        claims = {"sub": state.sub, "aud": f"{parts.scheme}://{parts.netloc}",
                  "exp": int(time.time()) + VAPID_EXP_SECONDS}
        headers.update(state.signer.sign(claims))
        return encrypted, headers


def _reason(what: str, exc: BaseException) -> str:
    """One short line for the attempt's `error`: what failed, the exception and its text."""
    text = " ".join(str(exc).split())[:120]
    return f"{what}: {type(exc).__name__}{': ' + text if text else ''}"[:200]


class NoRedirectSession(requests.Session):
    """A requests session that never follows a redirect: a 3xx is the answer.

    pywebpush and requests follow redirects by default; a hostile endpoint could then make
    the server POST to any address it names (a metadata service, an internal host).
    """

    def request(self, method, url, *args, **kwargs):
        """Send with allow_redirects forced off, whatever the caller asked."""
        kwargs["allow_redirects"] = False
        return super().request(method, url, *args, **kwargs)


class _State:
    """Per-app settings and resources."""

    def __init__(self, *, sub, signer, public_key, ttl, timeout, session, extra_hosts):
        self.sub = sub
        self.signer = signer
        self.public_key = public_key
        self.ttl = ttl
        self.timeout = timeout
        self.session = session
        self.extra_hosts = extra_hosts
