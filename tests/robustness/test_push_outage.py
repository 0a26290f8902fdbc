"""Push service down for 10 minutes (virtual) during an emergency: flagged, ladder on, all sent."""
from __future__ import annotations

from collections import Counter

import pytest
from push_fixtures import push_app, subscribe_device, subscribe_staff

from server.clinical.jobs import run_due_work
from server.clock import now
from server.extensions import db
from server.models import Device, Escalation, NotificationIntent
from server.outbox import passes

pytestmark = [pytest.mark.slow, push_app]
EMERGENCY = {"temperature": {"value": 39.6, "unit": "C"},
             "vitals": {"systolic_bp": 82, "spo2": 88, "heart_rate": 134}}


def _tick(clock, seconds: int = 30) -> None:
    clock.advance(seconds=seconds)
    run_due_work(now())
    passes.run_pass()


def test_a_ten_minute_push_outage_loses_nothing(app, service, client, make_staff, make_patient,
                                                enrol, clock):
    nurses = [make_staff(handle=f"tier-{tier}", tier=tier) for tier in (1, 2, 3)]
    for nurse in nurses:
        nurse.on_duty = True
        subscribe_staff(service, nurse)
    patient = make_patient()
    headers = enrol(patient)
    enrol(patient, "caregiver")
    for device in db.session.execute(db.select(Device)).scalars():
        subscribe_device(service, device.id)

    service.down = True
    response = client.post("/api/v1/checkins", headers=headers, json=EMERGENCY)
    assert response.status_code == 201
    escalation_id = response.get_json()["escalation"]["id"]
    assert response.get_json()["escalation"]["severity"] == "emergency"
    passes.run_pass()
    for _ in range(20):  # ten minutes of outage
        _tick(clock)
    assert service.deliveries == []
    assert any(status == "down" for _, status in service.requests)
    db.session.expire_all()
    escalation = db.session.get(Escalation, escalation_id)
    assert escalation.undeliverable_at is not None, "flagged while push is down"
    assert escalation.ladder_level >= 2, "the ladder went on"
    reached = set(db.session.execute(db.select(NotificationIntent.recipient_id).where(
        NotificationIntent.recipient_kind == "staff")).scalars())
    assert {nurses[0].id, nurses[1].id} <= reached

    service.down = False
    for _ in range(40):  # up to twenty more minutes for the backoff to come round
        _tick(clock)
        states = Counter(db.session.execute(db.select(NotificationIntent.state)).scalars())
        if set(states) <= {"sent", "cancelled", "undeliverable"}:
            break
    intents = db.session.execute(db.select(NotificationIntent)).scalars().all()
    assert {i.state for i in intents} == {"sent"}, Counter(i.state for i in intents)
    delivered = {d.payload["data"]["intent_id"] for d in service.deliveries}
    assert delivered == {i.id for i in intents}, "every notification arrives after the outage"
