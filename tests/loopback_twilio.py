"""A loopback fake of a Twilio-compatible REST API, and the provider's side of callbacks.

It serves `POST /2010-04-01/Accounts/<SID>/Messages.json` and `…/Calls.json` (form-encoded,
HTTP basic auth with the account SID and auth token checked), records each message and
call, and answers 201 with a `sid` like the real API; faults are scriptable (a status code
for the next requests). As the provider would, it then talks back to the server under
test: `status()` posts a signed status callback, `answer()` fetches the call's TwiML from
the server's `Url` and, with `digits`, posts the key press to the `<Gather action>`,
`inbound_sms()` posts a text sent to our number. Every callback is form-encoded and signed
with `X-Twilio-Signature` (HMAC-SHA1 of the URL plus the sorted parameters, base64) over
the absolute URL the server gave; it reaches the app through a Flask test client.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import re
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

SID = "AC" + "0" * 32
TOKEN = "loopback-auth-token"
FROM = "+4930555000"


def sign(token: str, url: str, params: dict) -> str:
    """The X-Twilio-Signature for POSTing `params` to `url` (the provider's algorithm)."""
    data = url + "".join(f"{k}{params[k]}" for k in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()
                            ).decode()


@dataclass
class Sent:
    """One message or call the server asked for."""

    resource: str  # Messages | Calls
    sid: str
    form: dict
    statuses: list = field(default_factory=list)

    @property
    def to(self) -> str:
        return self.form["To"]


class LoopbackTwilio:
    """Start with `with LoopbackTwilio() as fake:`; point CHANNELS_TWILIO_BASE_URL at origin."""

    def __init__(self, token: str = TOKEN):
        self.token = token
        self.sent: list[Sent] = []
        self.faults: deque = deque()
        self.lock = threading.Lock()
        self._ids = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LoopbackTwilio:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def config(self) -> dict:
        """The app settings that send through this fake."""
        return {"CHANNELS_TWILIO_BASE_URL": self.origin, "CHANNELS_TWILIO_ACCOUNT_SID": SID,
                "CHANNELS_TWILIO_AUTH_TOKEN": self.token, "CHANNELS_TWILIO_FROM": FROM}

    def fail(self, *statuses: int) -> None:
        """Answer the next requests with these status codes."""
        self.faults.extend(statuses)

    def messages(self) -> list[Sent]:
        return [s for s in self.sent if s.resource == "Messages"]

    def calls(self) -> list[Sent]:
        return [s for s in self.sent if s.resource == "Calls"]

    # ---- the provider calling the server ------------------------------------------------
    def post(self, client, url: str, params: dict, *, token: str | None = None,
             signature: str | None = None):
        """A signed form POST to the server's absolute `url`, through a test client."""
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        header = signature if signature is not None else sign(token or self.token, url, params)
        return client.post(path, data=params, headers={"X-Twilio-Signature": header})

    def status(self, client, sent: Sent, value: str):
        """The status callback for a message or a call."""
        key = "MessageSid" if sent.resource == "Messages" else "CallSid"
        field_name = "MessageStatus" if sent.resource == "Messages" else "CallStatus"
        sent.statuses.append(value)
        return self.post(client, sent.form["StatusCallback"],
                         {key: sent.sid, field_name: value, "AccountSid": SID, "To": sent.to})

    def answer(self, client, call: Sent, digits: str | None = None) -> tuple[str, str | None]:
        """Answer a call: fetch its TwiML, then press `digits`; (TwiML, reply to the keys)."""
        r = self.post(client, call.form["Url"], {"CallSid": call.sid, "CallStatus":
                                                 "in-progress", "To": call.to,
                                                 "AccountSid": SID})
        assert r.status_code == 200, r.data
        twiml = r.get_data(as_text=True)
        if digits is None:
            return twiml, None
        action = re.search(r'<Gather[^>]*action="([^"]+)"', twiml)
        assert action, twiml
        url = action.group(1).replace("&amp;", "&")
        reply = self.post(client, url, {"CallSid": call.sid, "Digits": digits,
                                        "AccountSid": SID})
        return twiml, reply.get_data(as_text=True)

    def inbound_sms(self, client, sender: str, body: str, url: str):
        """A text from `sender` to our number, posted to the server's inbound URL."""
        return self.post(client, url, {"From": sender, "To": FROM, "Body": body,
                                       "MessageSid": f"SMin{next(self._ids)}",
                                       "AccountSid": SID})

    # ---- the REST API ------------------------------------------------------------------
    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _answer(self, status: int, body: str = "{}"):
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):  # noqa: N802 (http.server naming)
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(parse_qsl(self.rfile.read(length).decode()))
                match = re.fullmatch(r"/2010-04-01/Accounts/([^/]+)/(Messages|Calls)\.json",
                                     self.path)
                expected = "Basic " + base64.b64encode(f"{SID}:{fake.token}".encode()).decode()
                if not match or match.group(1) != SID:
                    return self._answer(404, '{"code": 20404}')
                if self.headers.get("Authorization") != expected:
                    return self._answer(401, '{"code": 20003}')
                with fake.lock:
                    if fake.faults:
                        return self._answer(fake.faults.popleft(), '{"code": 30001}')
                    prefix = "SM" if match.group(2) == "Messages" else "CA"
                    sid = f"{prefix}{next(fake._ids):032d}"
                    fake.sent.append(Sent(match.group(2), sid, form))
                return self._answer(201, f'{{"sid": "{sid}", "status": "queued"}}')

        return Handler
