"""Privacy: a canary planted in names and readings never reaches logs or push payloads."""
from __future__ import annotations

import json
import logging
import uuid

import pytest
from push_fixtures import push_app, subscribe_device, subscribe_staff

from bench.http import call
from bench.procs import gunicorn
from server.clinical.jobs import run_due_work
from server.clock import now
from server.extensions import db
from server.models import Caregiver, Device, NotificationIntent
from server.outbox import passes
from server.services import reported

pytestmark = push_app

# Keys that would carry a name, a contact, a reading or a diagnosis; none may be in a payload.
FORBIDDEN_KEYS = {
    "display_name", "name", "first_name", "last_name", "email", "phone", "code",
    "patient_code", "patient_id", "caregiver_id", "city", "place_of_care", "address",
    "temperature", "temperature_c", "celsius", "value", "ice", "ice_total", "vitals",
    "heart_rate", "systolic_bp", "spo2", "symptoms", "syndromes", "reasons", "findings",
    "tremor", "handwriting", "strokes", "motion", "note", "outcome", "token", "device_token",
    "respiratory_rate", "antipyretic", "antipyretic_kind", "other", "other_text", "text",
}
CANARY_TEMP = 39.4321  # a reading no template or default would ever contain


def _canary() -> str:
    return "CANARY" + uuid.uuid4().hex[:12].upper()


def _walk_keys(value, path=""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.{key}", key
            yield from _walk_keys(item, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            yield from _walk_keys(item, path)


def assert_clean_payload(payload: dict, canaries: list[str]) -> None:
    """No forbidden key anywhere in the payload, no canary anywhere in its text."""
    bad = [path for path, key in _walk_keys(payload) if key in FORBIDDEN_KEYS]
    assert not bad, f"forbidden fields in a push payload: {bad}"
    text = json.dumps(payload)
    for canary in canaries:
        assert canary not in text


def _alarming(observed_at=None) -> dict:
    body = {"temperature": {"value": CANARY_TEMP, "unit": "C"},
            "vitals": {"heart_rate": 131, "spo2": 89, "systolic_bp": 84},
            "ice": {"orientation": 2, "naming": 3, "commands": 1, "writing": 0,
                    "attention": 1},
            "symptoms": ["confusion", "shortness_of_breath"]}
    if observed_at:
        body["observed_at"] = observed_at
    return body


def test_canary_never_in_logs_or_push_payloads(app, service, client, centre, make_staff,
                                               make_patient, enrol, clock, caplog):
    caplog.set_level(logging.DEBUG)
    name, city, carer = _canary(), _canary(), _canary()
    canaries = [name, city, carer, str(CANARY_TEMP)]
    staff = [make_staff(handle=f"tier{t}-{i}", tier=t) for t in (1, 2) for i in range(2)]
    for member in staff:
        member.on_duty = True
        subscribe_staff(service, member)
    patient = make_patient(display_name=name, city=city, place_of_care=city, code="P-CANARY")
    db.session.get(Caregiver, patient.caregivers[0].id).display_name = carer
    db.session.commit()
    headers = enrol(patient)
    enrol(patient, "caregiver")
    for device in db.session.execute(db.select(Device)).scalars():
        subscribe_device(service, device.id)

    response = client.post("/api/v1/checkins", headers=headers, json=_alarming())
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["escalation"], "the canary check-in must raise an escalation"
    passes.run_pass()
    for _ in range(6):  # let the ladder, reminders and notices run for an hour
        clock.advance(minutes=10)
        run_due_work(now())
        passes.run_pass()

    assert len(service.deliveries) >= 4
    for delivery in service.deliveries:
        assert_clean_payload(delivery.payload, canaries)
    for intent in db.session.execute(db.select(NotificationIntent)).scalars():
        assert_clean_payload(intent.payload, canaries)
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    for canary in canaries:
        assert canary not in logged


def test_free_text_never_in_a_push_payload(app, service, client, centre, make_staff,
                                           make_patient, enrol, clock):
    """R-OTHER's free text is for staff to read in the app: no staff, patient or caregiver
    push carries it, through every ladder step, while the escalation shows it."""
    words = _canary()
    staff = [make_staff(handle=f"tier{t}", tier=t) for t in (1, 2)]
    for member in staff:
        member.on_duty = True
        subscribe_staff(service, member)
    db.session.commit()
    patient = make_patient()
    headers = enrol(patient)
    enrol(patient, "caregiver")
    for device in db.session.execute(db.select(Device)).scalars():
        subscribe_device(service, device.id)
    body = {"temperature": {"value": 38.7, "unit": "C"}, "antipyretic": True,
            "other": f"<b>{words}</b> since the morning, took paracetamol"}
    response = client.post("/api/v1/checkins", headers=headers, json=body)
    assert response.status_code == 201, response.get_json()
    escalation_id = response.get_json()["escalation"]["id"]
    passes.run_pass()
    for _ in range(4):  # ladder steps and the unanswered notice
        clock.advance(minutes=10)
        run_due_work(now())
        passes.run_pass()

    staff_pushes = [d for d in service.deliveries if "/staff/" in json.dumps(d.payload)]
    assert staff_pushes and len(service.deliveries) > len(staff_pushes)
    for delivery in service.deliveries:
        assert_clean_payload(delivery.payload, [words])
    for intent in db.session.execute(db.select(NotificationIntent)).scalars():
        assert intent.escalation_id in (escalation_id, None)
        assert_clean_payload(intent.payload, [words])
    [text] = reported.for_escalations([escalation_id])[escalation_id]["other"]
    assert words in text["text"]  # it is on the escalation, where staff read it


def test_the_payload_check_catches_a_leak():
    with pytest.raises(AssertionError, match="forbidden"):
        assert_clean_payload({"notification": {"title": "x"}, "data": {"temperature": 39}}, [])
    with pytest.raises(AssertionError):
        assert_clean_payload({"notification": {"body": "Pat CANARYX is ill"}}, ["CANARYX"])


@pytest.mark.slow
def test_canary_never_in_the_server_logs(app, make_patient, enrol, database_url, tmp_path):
    name = _canary()
    headers = enrol(make_patient(display_name=name, city=name))
    env = {"DATABASE_URL": database_url, "SECRET_KEY": "privacy", "LOG_LEVEL": "DEBUG",
           "CARTWATCH_ENV": "development"}
    with gunicorn(env, log_dir=tmp_path, extra=["--log-level", "debug"]) as server:
        for body in (_alarming(), {"temperature": {"value": "CANARY-BAD", "unit": "C"}},
                     {"symptoms": [name]}, {"note": name}):
            status, _, _ = call("POST", server.url + "/api/v1/checkins", body,
                                headers={**headers, "Idempotency-Key": str(uuid.uuid4())})
            assert status in (201, 422)
        call("GET", server.url + "/api/v1/device/me", headers=headers)
        call("GET", server.url + "/api/v1/checkins", headers=headers)
    logs = server.error_log.read_text() + server.access_log.read_text()
    assert "POST /api/v1/checkins" in logs
    for canary in (name, str(CANARY_TEMP), "CANARY-BAD"):
        assert canary not in logs
