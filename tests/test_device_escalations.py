"""Phones read their patient's unresolved escalations from the escalations themselves."""
from __future__ import annotations

import datetime as dt

from clinical_helpers import post_checkin

from server.clinical import jobs
from server.extensions import db
from server.models import AuditEvent

URL = "/api/v1/device/escalations"
STAFF = "/api/v1/staff/escalations"


def test_a_caregiver_sees_the_state_staff_give_the_alert(client, make_patient, enrol,
                                                         staff_client):
    patient = make_patient()
    caregiver = enrol(patient, "caregiver")
    assert client.get(URL, headers=caregiver).json == []
    opened = post_checkin(client, enrol(patient), {"temperature": {"value": 38.6, "unit": "C"}})
    escalation_id = opened.json["escalation"]["id"]

    r = client.get(URL, headers=caregiver)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    [alert] = r.json
    assert (alert["id"], alert["state"], alert["severity"]) == (escalation_id, "open", "urgent")
    assert alert["reasons"] == ["fever"] and alert["acknowledged_at"] is None

    staff_client.post(f"{STAFF}/{escalation_id}/acknowledge")
    [alert] = client.get(URL, headers=caregiver).json
    assert alert["state"] == "acknowledged" and alert["acknowledged_at"]
    assert set(alert) == {"id", "state", "severity", "syndromes", "reasons", "opened_at",
                          "raised_at", "acknowledged_at"}  # no staff names or notes

    staff_client.post(f"{STAFF}/{escalation_id}/resolve", json={"outcome": "advice_at_home"})
    assert client.get(URL, headers=caregiver).json == []
    stored = client.get("/api/v1/checkins", headers=caregiver).json[0]["escalation"]
    assert stored["state"] == "open"  # the check-in's answer is a snapshot: not for alerts
    audited = db.session.execute(db.select(AuditEvent).where(
        AuditEvent.action == "escalation.device_list")).scalars().all()
    assert len(audited) == 4 and all(e.patient_id == patient.id for e in audited)


def test_a_missed_check_in_shows_though_it_has_no_check_in(app, client, clock, make_patient,
                                                           make_staff, enrol):
    make_staff(handle="nurse-a")
    patient = make_patient(infused_at=clock.current - dt.timedelta(days=3))
    caregiver = enrol(patient, "caregiver")
    jobs.run_due_work(clock.current)
    jobs.run_due_work(clock.advance(hours=30))  # a whole day's slots went by unanswered
    alerts = client.get(URL, headers=caregiver).json
    assert alerts and alerts[0]["reasons"][0] == "missed_checkin"
    listed = client.get("/api/v1/checkins", headers=caregiver).json
    assert listed == []  # nothing the old check-in-derived card could have shown


def test_a_phone_sees_only_its_own_patient(client, make_patient, enrol):
    post_checkin(client, enrol(make_patient()), {"temperature": {"value": 39.0, "unit": "C"}})
    assert client.get(URL, headers=enrol(make_patient())).json == []
    assert client.get(URL).status_code == 401
