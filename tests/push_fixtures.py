"""Fixtures and helpers for the push tests: an app that may push to the loopback service."""
from __future__ import annotations

import uuid

import pytest
from conftest import app_config
from loopback_push import LoopbackPushService

from server import create_app
from server.clock import now
from server.extensions import db
from server.models import Escalation, NotificationIntent, PushSubscription
from server.outbox import immediate
from server.services import audit_chain

FORBIDDEN = ("display_name", "name", "code", "temperature", "temperature_c", "ice",
             "ice_total", "symptoms", "heart_rate", "spo2", "systolic_bp", "city",
             "place_of_care", "syndromes", "reasons", "patient_id", "email")


@pytest.fixture
def app(database_url, _schema, tmp_path, clock):
    """Like conftest's app, with short push timeouts and http loopback endpoints allowed."""
    app = create_app(app_config(database_url, str(tmp_path / "instance"),
                                NOTIFICATIONS_TIMEOUT_SECONDS=0.5,
                                NOTIFICATIONS_ALLOW_HTTP_LOOPBACK=True))
    with app.app_context():
        yield app
        immediate.stop_kicker(app)
        db.session.remove()
        with db.engine.begin() as conn, audit_chain.unguarded(conn):
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


@pytest.fixture
def service():
    """A running loopback push service."""
    with LoopbackPushService() as running:
        yield running


def subscribe_staff(service, staff) -> PushSubscription:
    """A loopback subscription owned by a member of staff."""
    info = service.subscribe()
    row = PushSubscription(staff_id=staff.id, endpoint=info["endpoint"],
                           p256dh=info["keys"]["p256dh"], auth=info["keys"]["auth"])
    db.session.add(row)
    db.session.commit()
    return row


def subscribe_device(service, device_id: int) -> PushSubscription:
    """A loopback subscription owned by an enrolled device."""
    info = service.subscribe()
    row = PushSubscription(device_id=device_id, endpoint=info["endpoint"],
                           p256dh=info["keys"]["p256dh"], auth=info["keys"]["auth"])
    db.session.add(row)
    db.session.commit()
    return row


def make_intent(kind: str, recipient_id: int, *, purpose="reminder", urgency="normal",
                escalation_id=None, severity=None, tag=None) -> NotificationIntent:
    """An outbox row as the engine writes it (payload without names or values)."""
    at = now()
    tag = tag or f"{purpose}-{uuid.uuid4().hex[:6]}"
    intent = NotificationIntent(
        dedupe_key=f"test:{uuid.uuid4().hex}", recipient_kind=kind, recipient_id=recipient_id,
        escalation_id=escalation_id, purpose=purpose, urgency=urgency,
        payload={"web_push": 8030,
                 "notification": {"title": "Urgent alert — open CARTwatch",
                                  "body": "Open CARTwatch.", "navigate": "http://localhost/app/",
                                  "tag": tag, "silent": False},
                 "kind": purpose, "severity": severity, "escalation_id": escalation_id},
        created_at=at, state="pending", next_attempt_at=at, attempts=0)
    db.session.add(intent)
    db.session.commit()
    return intent


def open_escalation(patient, severity="urgent") -> Escalation:
    """An open escalation at ladder level 1 (as the engine leaves it after opening)."""
    escalation = Escalation(patient_id=patient.id, state="open", severity=severity,
                            syndromes=["CRS"], reasons=["fever"], opened_at=now(),
                            observed_at=now(), ladder_epoch=0, ladder_level=1)
    db.session.add(escalation)
    db.session.commit()
    return escalation


def intent_state(intent_id: int) -> NotificationIntent:
    """Re-read an outbox row."""
    db.session.expire_all()
    return db.session.get(NotificationIntent, intent_id)


def no_names(payload: dict) -> None:
    """Assert a decrypted payload carries no names or clinical values."""
    def walk(value, path=""):
        if isinstance(value, dict):
            for key, item in value.items():
                assert key not in FORBIDDEN, f"{path}.{key} in payload"
                walk(item, f"{path}.{key}")
        elif isinstance(value, list):
            for item in value:
                walk(item, path)
    walk(payload)
