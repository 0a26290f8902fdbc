"""SMS and voice through a Twilio-compatible REST API (plain HTTP, no SDK).

POST {CHANNELS_TWILIO_BASE_URL}/2010-04-01/Accounts/{SID}/Messages.json (To, From, Body,
StatusCallback) or …/Calls.json (To, From, Url: where the provider fetches the call's
TwiML, StatusCallback), form-encoded, HTTP basic auth with the account SID and auth token.
The `requests` session the project already uses is enough for two form POSTs; the
`twilio` package would add a dependency tree for nothing more than that (its request
validator is ten lines: `signature()` below).

Also here: the `X-Twilio-Signature` check for inbound callbacks (HMAC-SHA1 over the full
URL followed by every POST parameter name and value, sorted by name; base64).
"""
from __future__ import annotations

import base64
import hashlib
import hmac

from flask import current_app

from ..results import SendResult
from . import http

API_VERSION = "2010-04-01"


def configured() -> bool:
    """SMS and voice are on only with an account SID, an auth token and a from-number."""
    cfg = current_app.config
    return bool(cfg.get("CHANNELS_TWILIO_ACCOUNT_SID") and cfg.get("CHANNELS_TWILIO_AUTH_TOKEN")
                and cfg.get("CHANNELS_TWILIO_FROM"))


def _post(resource: str, form: dict) -> SendResult:
    if not configured():
        return SendResult("invalid", None, error="SMS and voice are not configured")
    cfg = current_app.config
    sid = cfg["CHANNELS_TWILIO_ACCOUNT_SID"]
    url = (f"{cfg.get('CHANNELS_TWILIO_BASE_URL', 'https://api.twilio.com').rstrip('/')}"
           f"/{API_VERSION}/Accounts/{sid}/{resource}.json")
    response, failed = http.post(url, data={"From": cfg["CHANNELS_TWILIO_FROM"], **form},
                                 auth=(sid, cfg["CHANNELS_TWILIO_AUTH_TOKEN"]))
    if failed:
        return failed
    ref = None
    try:
        body = response.json()
        ref = str(body.get("sid"))[:64] if isinstance(body, dict) and body.get("sid") else None
    except ValueError:
        pass
    return http.answer(response, url, ref)


def send_sms(target: dict, message: dict) -> SendResult:
    """One text message: target {address}, message {body, status_callback}."""
    return _post("Messages", {"To": target["address"], "Body": message["body"],
                              "StatusCallback": message["status_callback"]})


def send_call(target: dict, message: dict) -> SendResult:
    """One call: target {address}, message {twiml_url, status_callback}."""
    return _post("Calls", {"To": target["address"], "Url": message["twiml_url"],
                           "Method": "POST", "StatusCallback": message["status_callback"],
                           "StatusCallbackMethod": "POST"})


def signature(token: str, url: str, params: dict) -> str:
    """The X-Twilio-Signature a provider sends for a POST of `params` to `url`."""
    data = url + "".join(f"{key}{params[key]}" for key in sorted(params))
    digest = hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signature_valid(token: str | None, url: str, params: dict, sent: str | None) -> bool:
    """True when `sent` is the signature of `params` posted to `url` under `token`."""
    if not token or not sent:
        return False
    return hmac.compare_digest(signature(token, url, params), sent)
