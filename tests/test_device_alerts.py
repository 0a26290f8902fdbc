"""A phone reads its own patient's alerts in words: found values, instruction, progress."""
from __future__ import annotations

from clinical_helpers import post_checkin

from server.clinical import jobs
from server.extensions import db
from server.models import AuditEvent
from tests.conftest import signed_in

URL = "/api/v1/device/alerts"
STAFF = "/api/v1/staff/escalations"


def test_an_alert_carries_its_value_instruction_and_progress(client, clock, make_patient,
                                                            enrol, staff_client):
    patient = make_patient()
    caregiver = enrol(patient, "caregiver")
    assert client.get(URL, headers=caregiver).json == []
    opened = post_checkin(client, enrol(patient), {"temperature": {"value": 38.6, "unit": "C"}})
    escalation_id = opened.json["escalation"]["id"]

    r = client.get(URL, headers=caregiver)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    [alert] = r.json
    assert (alert["id"], alert["state"], alert["severity"]) == (escalation_id, "open", "urgent")
    [found] = alert["found"]
    assert found["reason"] == "fever" and found["recorded_by"] == "patient"
    assert found["temperature"]["value"] == 38.6 and found["temperature"]["unit"] == "C"
    assert alert["instruction"]["action"] == "call_centre"
    assert alert["instruction"]["phone"] == patient.centre.phone_24h
    assert alert["acknowledged_at"] is None and alert["resolved_at"] is None

    staff_client.post(f"{STAFF}/{escalation_id}/acknowledge")
    [alert] = client.get(URL, headers=caregiver).json
    assert alert["state"] == "acknowledged" and alert["acknowledged_at"]
    text = str(alert)
    assert "admin-a" not in text and "note" not in alert and "outcome" not in alert

    staff_client.post(f"{STAFF}/{escalation_id}/resolve", json={"outcome": "advice_at_home"})
    [alert] = client.get(URL, headers=caregiver).json
    assert alert["state"] == "resolved" and alert["resolved_at"]  # "closed" on the card
    clock.advance(hours=25)
    assert client.get(URL, headers=caregiver).json == []  # then only in the history
    audited = db.session.execute(db.select(AuditEvent).where(
        AuditEvent.action == "escalation.device_alerts")).scalars().all()
    assert len(audited) == 5 and all(e.patient_id == patient.id for e in audited)


def test_worsened_and_unanswered_reach_the_phone(app, client, clock, make_patient, make_staff,
                                                 enrol):
    patient = make_patient()
    phone = enrol(patient)
    opened = post_checkin(client, phone, {"temperature": {"value": 38.6, "unit": "C"}})
    escalation_id = opened.json["escalation"]["id"]
    jobs.run_due_work(clock.advance(minutes=31))  # nobody acknowledged: family told to call
    [alert] = client.get(URL, headers=phone).json
    assert alert["unanswered_at"] and alert["worsened_at"] is None

    clock.advance(minutes=2)
    nurse = signed_in(app, make_staff(handle="nurse-a"))  # a fresh session after the wait
    r = nurse.post(f"{STAFF}/{escalation_id}/acknowledge")
    assert r.status_code == 200, r.json
    [alert] = client.get(URL, headers=phone).json
    assert alert["unanswered_at"] is None  # answered since: no "call now, nobody answered"

    post_checkin(client, phone, {"symptoms": ["seizure"]})
    [alert] = client.get(URL, headers=phone).json
    assert alert["state"] == "open" and alert["severity"] == "emergency"
    assert alert["raised_at"] and alert["instruction"]["action"] == "call_emergency"
    assert {f["reason"] for f in alert["found"]} == {"fever", "seizure"}


def test_a_phone_sees_only_its_own_patients_alerts(client, make_patient, enrol):
    post_checkin(client, enrol(make_patient()), {"temperature": {"value": 39.0, "unit": "C"}})
    assert client.get(URL, headers=enrol(make_patient())).json == []
    assert client.get(URL).status_code == 401


def test_every_reason_a_phone_can_get_has_words_in_the_app():
    """The alert card names each finding with `found_<reason>` (pwa/app/i18n/en.js)."""
    import re
    from pathlib import Path

    from server.clinical import rules

    source = (Path(__file__).parent.parent / "pwa" / "app" / "i18n" / "en.js").read_text()
    keys = set(re.findall(r"^\s*found_(\w+):", source, re.M))
    assert {r.reason for r in rules.RULES} <= keys
