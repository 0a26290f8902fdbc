"""Registry outcomes on escalations: recorded on resolve, amended afterwards, validated, audited.

START is 10 March 2026 07:00 UTC; the default patient was infused on 2 March (Berlin).
"""
from __future__ import annotations

import pytest
from clinical_helpers import post_checkin
from conftest import signed_in

from server.extensions import db
from server.models import AuditEvent, Escalation, EscalationOutcome

FEVER = {"temperature": {"value": 38.4, "unit": "C"}}
BASE = "/api/v1/staff/escalations"
GRADED = {"outcome": "admitted", "note": "tocilizumab given", "crs_grade": 2,
          "treatments": [{"code": "tocilizumab", "date": "2026-03-09"},
                         {"code": "admission", "date": "2026-03-09"},
                         {"code": "tocilizumab", "date": "2026-03-09"}]}


@pytest.fixture
def patient(make_patient):
    return make_patient()


@pytest.fixture
def escalation_id(client, patient, enrol, staff_client):
    """An open urgent fever escalation at the staff client's centre."""
    return post_checkin(client, enrol(patient), FEVER).json["escalation"]["id"]


def _audits(action):
    return list(db.session.execute(db.select(AuditEvent).where(
        AuditEvent.action == action).order_by(AuditEvent.id)).scalars())


def test_resolve_records_grades_and_dated_treatments(staff_client, escalation_id, patient):
    r = staff_client.post(f"{BASE}/{escalation_id}/resolve", json=GRADED)
    assert r.status_code == 200, r.json
    assert r.json["state"] == "resolved" and r.json["outcome"] == "admitted"
    got = staff_client.get(f"{BASE}/{escalation_id}/outcomes")
    assert got.status_code == 200 and got.headers["Cache-Control"] == "no-store"
    assert got.json["crs_grade"] == 2 and got.json["icans_grade"] is None
    assert got.json["treatments"] == [{"code": "admission", "date": "2026-03-09"},
                                      {"code": "tocilizumab", "date": "2026-03-09"}]
    assert got.json["updated_by_id"] == staff_client.staff.id
    [event] = _audits("escalation.outcomes.record")
    assert event.patient_id == patient.id
    assert event.detail == {"escalation": escalation_id, "fields": ["crs_grade", "treatments"]}
    assert [e.patient_id for e in _audits("escalation.outcomes.read")] == [patient.id]


def test_resolve_without_registry_fields_records_none(staff_client, escalation_id):
    r = staff_client.post(f"{BASE}/{escalation_id}/resolve", json={"outcome": "false_alarm"})
    assert r.status_code == 200
    assert db.session.execute(db.select(EscalationOutcome)).first() is None
    body = staff_client.get(f"{BASE}/{escalation_id}/outcomes").json
    assert body["crs_grade"] is None and body["treatments"] == []


@pytest.mark.parametrize(("extra", "field"), [
    ({"crs_grade": 5}, "crs_grade"),
    ({"icans_grade": 0}, "icans_grade"),
    ({"crs_grade": "2"}, "crs_grade"),
    ({"treatments": [{"code": "aspirin", "date": "2026-03-09"}]}, "treatments.0.code"),
    ({"treatments": [{"code": "icu"}]}, "treatments.0.date"),
    ({"treatments": [{"code": "icu", "date": "2026-03-09", "dose": 8}]}, "treatments.0.dose"),
    ({"treatments": [{"code": "icu", "date": "2026-03-09"},
                     {"code": "steroids", "date": "2026-03-11"}]}, "treatments.1.date"),
    ({"treatments": [{"code": "steroids", "date": "2026-03-01"}]}, "treatments.0.date"),
])
def test_bad_registry_fields_are_refused_and_nothing_is_lost(staff_client, escalation_id,
                                                             extra, field):
    r = staff_client.post(f"{BASE}/{escalation_id}/resolve",
                          json={"outcome": "admitted", **extra})
    assert r.status_code == 422, r.json
    assert r.json["error"]["status"] == 422 and field in r.json["error"]["fields"]
    escalation = db.session.get(Escalation, escalation_id)
    db.session.refresh(escalation)
    assert escalation.state == "open" and escalation.resolved_at is None
    assert db.session.execute(db.select(EscalationOutcome)).first() is None
    ok = staff_client.post(f"{BASE}/{escalation_id}/resolve", json={"outcome": "admitted"})
    assert ok.status_code == 200  # the refused attempt left it resolvable


def test_the_future_is_the_patients_calendar_day(staff_client, client, make_patient, enrol):
    """07:00 UTC on 10 March is still 9 March in Honolulu: the 10th is in the future there."""
    patient = make_patient(timezone="Pacific/Honolulu")
    eid = post_checkin(client, enrol(patient), FEVER).json["escalation"]["id"]
    late = {"outcome": "admitted", "treatments": [{"code": "admission", "date": "2026-03-10"}]}
    r = staff_client.post(f"{BASE}/{eid}/resolve", json=late)
    assert r.status_code == 422
    assert r.json["error"]["fields"] == {"treatments.0.date": ["must not be in the future"]}
    late["treatments"][0]["date"] = "2026-03-09"
    assert staff_client.post(f"{BASE}/{eid}/resolve", json=late).status_code == 200


def test_outcomes_can_be_amended_after_resolution(staff_client, escalation_id):
    staff_client.post(f"{BASE}/{escalation_id}/resolve", json=GRADED)
    r = staff_client.put(f"{BASE}/{escalation_id}/outcomes", json={
        "crs_grade": 3, "icans_grade": 1,
        "treatments": [{"code": "steroids", "date": "2026-03-10"}]})
    assert r.status_code == 200, r.json
    assert r.json["crs_grade"] == 3 and r.json["icans_grade"] == 1
    assert r.json["treatments"] == [{"code": "steroids", "date": "2026-03-10"}]
    [event] = _audits("escalation.outcomes.amend")
    assert event.detail["fields"] == ["crs_grade", "icans_grade", "treatments"]
    rows = db.session.execute(db.select(EscalationOutcome)).scalars().all()
    assert len(rows) == 1  # one record per escalation, replaced


def test_outcomes_can_be_recorded_later_when_resolve_had_none(staff_client, escalation_id):
    staff_client.post(f"{BASE}/{escalation_id}/resolve", json={"outcome": "came_to_hospital"})
    r = staff_client.put(f"{BASE}/{escalation_id}/outcomes", json={"icans_grade": 2})
    assert r.status_code == 200 and r.json["icans_grade"] == 2
    assert len(_audits("escalation.outcomes.record")) == 1


def test_amending_an_unresolved_escalation_is_a_conflict(staff_client, escalation_id):
    r = staff_client.put(f"{BASE}/{escalation_id}/outcomes", json={"crs_grade": 1})
    assert r.status_code == 409 and r.json["error"]["code"] == "wrong_state"
    assert db.session.execute(db.select(EscalationOutcome)).first() is None


def test_amend_validates_dates_too(staff_client, escalation_id):
    staff_client.post(f"{BASE}/{escalation_id}/resolve", json=GRADED)
    r = staff_client.put(f"{BASE}/{escalation_id}/outcomes", json={
        "treatments": [{"code": "icu", "date": "2026-03-12"}]})
    assert r.status_code == 422 and "treatments.0.date" in r.json["error"]["fields"]
    kept = staff_client.get(f"{BASE}/{escalation_id}/outcomes").json
    assert kept["crs_grade"] == 2 and len(kept["treatments"]) == 2


def test_other_centres_staff_cannot_read_or_amend(app, staff_client, escalation_id,
                                                   other_centre, make_staff):
    staff_client.post(f"{BASE}/{escalation_id}/resolve", json=GRADED)
    outsider = signed_in(app, make_staff(handle="nurse-b", centre_id=other_centre.id))
    assert outsider.get(f"{BASE}/{escalation_id}/outcomes").status_code == 404
    r = outsider.put(f"{BASE}/{escalation_id}/outcomes", json={"crs_grade": 4})
    assert r.status_code == 404
    kept = db.session.execute(db.select(EscalationOutcome)).scalar_one()
    db.session.refresh(kept)
    assert kept.crs_grade == 2
    assert len(_audits("escalation.refused")) == 2
