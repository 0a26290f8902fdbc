"""A loopback Web Push service for tests: checks VAPID like a real one and decrypts payloads.

It hands out subscriptions (a fresh P-256 key pair and 16-byte auth secret each), verifies
the `Authorization: vapid t=JWT, k=KEY` header (ES256 signature with k, `aud` equal to its
origin, `exp` within 24 h, `sub` present), decrypts the aes128gcm body (RFC 8291) and
records the payload and the TTL / Urgency / Topic headers. Faults are scriptable per
subscription or for all: status codes (410, 429 + Retry-After, 500 …), a timeout, or the
whole service down (connections dropped without an answer).
"""
from __future__ import annotations

import base64
import itertools
import json
import os
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

# The app, for a `flask --app …` or gunicorn subprocess, that may push to this service
# (http on 127.0.0.1; the test-only switch is not read from the environment).
LOOPBACK_APP = "server:create_app({'NOTIFICATIONS_ALLOW_HTTP_LOOPBACK': True})"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Delivery:
    """One accepted push: which subscription, the decrypted payload and the headers."""

    sub_id: str
    payload: dict
    ttl: int
    urgency: str | None
    topic: str | None
    claims: dict
    at: float


@dataclass
class _Sub:
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes
    faults: deque = field(default_factory=deque)


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # the default 5 refuses connections under concurrent senders
    daemon_threads = True


class VapidError(Exception):
    """The request's VAPID header is missing or wrong."""


def verify_vapid(header: str, origin: str) -> dict:
    """Check a `vapid t=…, k=…` header as RFC 8292 says; return the JWT claims."""
    if not header.lower().startswith("vapid "):
        raise VapidError("scheme is not vapid")
    parts = dict(p.strip().split("=", 1) for p in header[6:].split(","))
    token, key = parts.get("t"), parts.get("k")
    if not token or not key:
        raise VapidError("t or k missing")
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
    head_b64, claims_b64, sig_b64 = token.split(".")
    head = json.loads(unb64url(head_b64))
    if head.get("alg") != "ES256":
        raise VapidError("alg is not ES256")
    sig = unb64url(sig_b64)
    if len(sig) != 64:
        raise VapidError("ES256 signature must be 64 bytes")
    der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
    try:
        public.verify(der, f"{head_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise VapidError("bad signature") from None
    claims = json.loads(unb64url(claims_b64))
    if claims.get("aud") != origin:
        raise VapidError(f"aud {claims.get('aud')!r} is not {origin!r}")
    exp = int(claims.get("exp", 0))
    if not time.time() < exp <= time.time() + 24 * 3600:
        raise VapidError("exp not within 24 h")
    if not claims.get("sub"):
        raise VapidError("sub missing")
    return claims


class LoopbackPushService:
    """Start with `with LoopbackPushService() as service:`; subscriptions from `subscribe()`."""

    def __init__(self):
        self.subs: dict[str, _Sub] = {}
        self.deliveries: list[Delivery] = []
        self.requests: list[tuple[str, int | str]] = []  # (sub id, status or fault)
        self.global_faults: deque = deque()
        self.down = False
        self.timeout_seconds = 2.0
        self.lock = threading.Lock()
        self._ids = itertools.count(1)
        self.server = _Server(("127.0.0.1", 0), self._handler())
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LoopbackPushService:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    # ---- test API -------------------------------------------------------------------
    def subscribe(self) -> dict:
        """A new subscription in the browser's PushSubscription.toJSON() shape."""
        sub_id = f"s{next(self._ids)}"
        key = ec.generate_private_key(ec.SECP256R1())
        auth = os.urandom(16)
        self.subs[sub_id] = _Sub(key, auth)
        point = key.public_key().public_bytes(serialization.Encoding.X962,
                                              serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": f"{self.origin}/push/{sub_id}", "expirationTime": None,
                "keys": {"p256dh": b64url(point), "auth": b64url(auth)}}

    def fail(self, *faults, endpoint: str | None = None) -> None:
        """Queue faults: an int status, (status, headers), or "timeout"; for one or all."""
        with self.lock:
            if endpoint is None:
                self.global_faults.extend(faults)
            else:
                self.subs[endpoint.rsplit("/", 1)[1]].faults.extend(faults)

    def for_endpoint(self, endpoint: str) -> list[Delivery]:
        """Deliveries accepted for one subscription."""
        sub_id = endpoint.rsplit("/", 1)[1]
        return [d for d in self.deliveries if d.sub_id == sub_id]

    # ---- server ---------------------------------------------------------------------
    def _next_fault(self, sub: _Sub):
        with self.lock:
            if sub.faults:
                return sub.faults.popleft()
            if self.global_faults:
                return self.global_faults.popleft()
        return None

    def _handler(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else delayed ACKs add 40 ms per push

            def log_message(self, *args):  # quiet
                return

            def _answer(self, status: int, headers: dict | None = None, text: str = ""):
                body = text.encode()
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):  # noqa: N802 (http.server naming)
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                sub_id = self.path.rsplit("/", 1)[-1]
                if service.down:
                    service.requests.append((sub_id, "down"))
                    self.close_connection = True
                    self.connection.shutdown(2)  # no answer at all
                    return
                sub = service.subs.get(sub_id)
                if sub is None or not self.path.startswith("/push/"):
                    service.requests.append((sub_id, 404))
                    return self._answer(404)
                fault = service._next_fault(sub)
                if fault == "timeout":
                    service.requests.append((sub_id, "timeout"))
                    time.sleep(service.timeout_seconds)
                    self.close_connection = True
                    return
                if fault is not None:
                    status, headers = fault if isinstance(fault, tuple) else (fault, {})
                    service.requests.append((sub_id, status))
                    return self._answer(status, headers)
                try:
                    claims = verify_vapid(self.headers.get("Authorization", ""),
                                          service.origin)
                except (VapidError, ValueError) as exc:
                    service.requests.append((sub_id, 401))
                    return self._answer(401, text=str(exc))
                if self.headers.get("Content-Encoding") != "aes128gcm" \
                        or "TTL" not in self.headers:
                    service.requests.append((sub_id, 400))
                    return self._answer(400, text="aes128gcm body and TTL required")
                try:
                    plain = http_ece.decrypt(body, private_key=sub.private_key,
                                             auth_secret=sub.auth, version="aes128gcm")
                except Exception as exc:  # noqa: BLE001 - any decryption failure is a 400
                    service.requests.append((sub_id, 400))
                    return self._answer(400, text=f"decrypt: {exc}")
                delivery = Delivery(sub_id, json.loads(plain), int(self.headers["TTL"]),
                                    self.headers.get("Urgency"), self.headers.get("Topic"),
                                    claims, time.perf_counter())
                with service.lock:
                    service.deliveries.append(delivery)
                service.requests.append((sub_id, 201))
                self._answer(201, {"Location": f"{service.origin}/m/{len(service.deliveries)}"})

        return Handler


class ConnectionCounter:
    """A TCP listener that counts every connection made to it (and closes it at once).

    Registered as a hostile push endpoint, it proves the server never connected there.
    `with ConnectionCounter() as hostile:`; `hostile.port`, `hostile.connections`.
    """

    def __init__(self, host: str = "127.0.0.1"):
        import socket

        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:  # timeout: look at `stopped` again
                continue
            self.connections += 1
            conn.close()

    def __enter__(self) -> ConnectionCounter:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        self.thread.join(2)
        self.sock.close()
