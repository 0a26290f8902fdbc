"""One HTTP session for the channels: no redirects followed, the push timeout."""
from __future__ import annotations

import logging

import requests
from flask import current_app
from requests.adapters import HTTPAdapter

from ..extension import NoRedirectSession
from ..results import SendResult, classify

_KEY = "notifications.channels.session"
log = logging.getLogger("notifications")


def session() -> requests.Session:
    """The app's channel session (created on first use; max_retries 0: the outbox retries)."""
    app = current_app
    found = app.extensions.get(_KEY)
    if found is None:
        found = NoRedirectSession()
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=8, max_retries=0)
        found.mount("https://", adapter)
        found.mount("http://", adapter)
        app.extensions[_KEY] = found
    return found


def timeout() -> float:
    """NOTIFICATIONS_TIMEOUT_SECONDS: every channel waits as long as a push would."""
    return float(current_app.config.get("NOTIFICATIONS_TIMEOUT_SECONDS", 10))


def post(url: str, **kwargs) -> tuple[requests.Response | None, SendResult | None]:
    """POST; a transport failure comes back as a result instead of an exception."""
    try:
        return session().post(url, timeout=timeout(), **kwargs), None
    except requests.Timeout:
        return None, SendResult("retry", None, error="timeout")
    except requests.exceptions.InvalidURL as exc:
        return None, SendResult("invalid", None, error=f"cannot address: {type(exc).__name__}")
    except requests.RequestException as exc:
        return None, SendResult("retry", None, error=type(exc).__name__)


def answer(response: requests.Response, url: str, ref: str | None = None) -> SendResult:
    """classify() the answer, keeping the provider's reference.

    401/403 are our credentials (an account SID / token or routing key refused), not VAPID:
    logged CRITICAL here and not retried.
    """
    if response.status_code in (401, 403):
        log.critical("channel provider %s refused our credentials (%s): check the "
                     "CHANNELS_* settings or the routing key", url.split("/", 3)[2:3],
                     response.status_code)
        return SendResult("bug", response.status_code,
                          error=f"credentials refused ({response.status_code})")
    result = classify(response.status_code, response.headers.get("Retry-After"),
                      response.text or "", url)
    if ref is None:
        return result
    return SendResult(result.outcome, result.status, result.retry_after, result.error, ref)
