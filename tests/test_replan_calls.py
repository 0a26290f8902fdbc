"""Re-planning a patient's slots is an explicit call where the calendar changes (issue 13.1).

Until round 2 a `before_flush` listener queued a plan step on any flush touching a Patient's
calendar fields, wherever that happened. These tests pin the explicit calls: enrolment,
a correction or a settings change of the calendar queue exactly one plan; a change that
leaves the calendar alone queues none; and a bare ORM write queues none either, because
nothing behind the session's back decides to.
"""
from __future__ import annotations

import datetime as dt

from conftest import START

from server.clinical import schedule
from server.extensions import db
from server.models import Patient, ScheduledStep


def _pending_plans(patient_id: int) -> int:
    return db.session.execute(db.select(db.func.count(ScheduledStep.id)).where(
        ScheduledStep.patient_id == patient_id, ScheduledStep.kind == "plan",
        ScheduledStep.state == "pending")).scalar()


def _settled(patient) -> int:
    """Mark the patient's earlier plan done, as a due-work pass would."""
    db.session.execute(db.update(ScheduledStep).where(ScheduledStep.patient_id == patient.id)
                       .values(state="done"))
    db.session.commit()
    return patient.id


def test_enrolling_through_the_api_queues_one_plan(staff_client):
    r = staff_client.post("/api/v1/staff/patients", json={
        "display_name": "Pat Example", "timezone": "Europe/Berlin", "product": "axi-cel",
        "infused_at": (START - dt.timedelta(days=3)).isoformat()})
    assert r.status_code == 201, r.json
    assert _pending_plans(r.json["id"]) == 1


def test_a_calendar_correction_queues_a_plan_and_a_name_correction_does_not(
        staff_client, make_patient):
    patient_id = _settled(make_patient())
    r = staff_client.post(f"/api/v1/staff/patients/{patient_id}/correction",
                          json={"display_name": "Pat Renamed", "reason": "spelling"})
    assert r.status_code == 200, r.json
    assert _pending_plans(patient_id) == 0
    r = staff_client.post(f"/api/v1/staff/patients/{patient_id}/correction",
                          json={"timezone": "Europe/Vienna", "reason": "moved"})
    assert r.status_code == 200, r.json
    assert _pending_plans(patient_id) == 1


def test_a_window_change_or_an_end_queues_a_plan_and_a_city_change_does_not(
        staff_client, make_patient):
    patient_id = _settled(make_patient())
    url = f"/api/v1/staff/patients/{patient_id}"
    assert staff_client.patch(url, json={"city": "Hamburg"}).status_code == 200
    assert _pending_plans(patient_id) == 0
    assert staff_client.patch(url, json={"window_days": 30}).status_code == 200  # unchanged
    assert _pending_plans(patient_id) == 0
    assert staff_client.patch(url, json={"window_days": 40}).status_code == 200
    assert _pending_plans(patient_id) == 1
    _settled(db.session.get(Patient, patient_id))
    assert staff_client.patch(url, json={"end_monitoring": True}).status_code == 200
    assert _pending_plans(patient_id) == 1


def test_a_bare_orm_write_queues_nothing_behind_the_callers_back(make_patient):
    patient = make_patient()
    patient_id = _settled(patient)
    patient.timezone = "America/New_York"
    db.session.commit()
    assert _pending_plans(patient_id) == 0
    schedule.replan(patient)
    db.session.commit()
    assert _pending_plans(patient_id) == 1


def test_only_calendar_fields_count_as_a_calendar_change():
    assert schedule.calendar_changed({"window_days"})
    assert schedule.calendar_changed(["display_name", "infused_at"])
    assert not schedule.calendar_changed({"display_name", "product", "city"})
