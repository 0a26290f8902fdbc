"""Fixtures for the channel tests: an app wired to the loopback Twilio fake, a webhook
receiver, staff and patients with channel lists, and an alert started through the ladder."""
from __future__ import annotations

import json
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import app_config
from loopback_twilio import LoopbackTwilio

from server import create_app
from server.clinical import ladder
from server.clock import now
from server.extensions import db
from server.models import ContactChannel, Escalation, NotificationIntent
from server.outbox import immediate
from server.services import audit_chain

PRIVATE = ("Pat Example", "Carer", "Berlin", "Centre A", "fever", "38.", "axi-cel")


class Receiver:
    """A loopback HTTP receiver for webhooks / PagerDuty: records, answers scripted codes."""

    def __init__(self):
        self.received: list[dict] = []
        self.answers: deque = deque()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fake.received.append({"path": self.path, "body": body,
                                      "headers": dict(self.headers)})
                status = fake.answers.popleft() if fake.answers else 202
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "http://169.254.169.254/")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def json(self, index: int) -> dict:
        return json.loads(self.received[index]["body"])


@pytest.fixture
def twilio():
    with LoopbackTwilio() as fake:
        yield fake


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()


@pytest.fixture
def app(database_url, _schema, tmp_path, clock, twilio, receiver):
    """conftest's app, sending SMS/voice to the fake and PagerDuty to the receiver."""
    app = create_app(app_config(database_url, str(tmp_path / "instance"),
                                NOTIFICATIONS_TIMEOUT_SECONDS=2,
                                NOTIFICATIONS_ALLOW_HTTP_LOOPBACK=True,
                                CHANNELS_PAGERDUTY_URL=receiver.url.replace("/hook", "/pd"),
                                **twilio.config()))
    with app.app_context():
        yield app
        immediate.stop_kicker(app)
        db.session.remove()
        with db.engine.begin() as conn, audit_chain.unguarded(conn):
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


def set_channels(kind: str, recipient_id: int, *items, patient_id=None) -> list[ContactChannel]:
    """Give a recipient a channel list directly: (kind, delay_seconds, address, secret)."""
    rows = []
    for position, (channel, delay, address, *secret) in enumerate(items):
        row = ContactChannel(recipient_kind=kind, recipient_id=recipient_id,
                             patient_id=patient_id, position=position, kind=channel,
                             delay_seconds=delay, address=address,
                             secret=secret[0] if secret else None, created_at=now(),
                             consent_at=now() if kind != "staff" else None)
        db.session.add(row)
        rows.append(row)
    db.session.commit()
    return rows


def start_alert(patient, severity="urgent") -> Escalation:
    """Open an escalation and start its ladder as the engine does (tier 1 + family)."""
    escalation = Escalation(patient_id=patient.id, state="open", severity=severity,
                            syndromes=["CRS"], reasons=["fever"], opened_at=now(),
                            observed_at=now(), ladder_epoch=0, ladder_level=1)
    db.session.add(escalation)
    db.session.flush()
    ladder.start(escalation, now())
    db.session.commit()
    return escalation


def rows(escalation_id: int, kind: str = "staff") -> list[NotificationIntent]:
    db.session.expire_all()
    return list(db.session.execute(
        db.select(NotificationIntent).where(NotificationIntent.escalation_id == escalation_id,
                                            NotificationIntent.recipient_kind == kind)
        .order_by(NotificationIntent.id)).scalars())


def private(text: str, patient) -> None:
    """Assert a message carries no names, codes or clinical values."""
    for word in PRIVATE + (patient.code,):
        assert word not in text, f"{word!r} in {text!r}"
