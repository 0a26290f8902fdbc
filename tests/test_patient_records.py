"""Patient records (issue 16): calendar dates checked, corrections with a reason, enrolment
options from the policy and the centre."""
from __future__ import annotations

import datetime as dt

import pytest
from conftest import START

from server.extensions import db
from server.models import AuditEvent, Patient, ScheduledStep


def _enrol(staff_client, **fields):
    body = {"display_name": "Pat Example", "timezone": "Europe/Berlin", "product": "axi-cel",
            "infused_at": (START - dt.timedelta(days=3)).isoformat(), **fields}
    return staff_client.post("/api/v1/staff/patients", json=body)


def _iso(delta: dt.timedelta) -> str:
    return (START + delta).isoformat()


@pytest.mark.parametrize("fields, field", [
    ({"infused_at": _iso(dt.timedelta(days=90))}, "infused_at"),
    ({"infused_at": _iso(dt.timedelta(minutes=10))}, "infused_at"),
    ({"infused_at": _iso(-dt.timedelta(days=131))}, "infused_at"),
    ({"enrolled_at": _iso(dt.timedelta(days=1))}, "enrolled_at"),
    ({"infused_at": _iso(-dt.timedelta(days=2)), "enrolled_at": _iso(-dt.timedelta(days=3))},
     "enrolled_at"),
])
def test_an_impossible_calendar_is_refused_naming_the_field(staff_client, fields, field):
    r = _enrol(staff_client, **fields)
    assert r.status_code == 422, r.json
    assert list(r.json["error"]["fields"]) == [field]
    assert db.session.execute(db.select(db.func.count(Patient.id))).scalar() == 0


def test_a_plausible_calendar_is_accepted_at_its_edges(staff_client):
    assert _enrol(staff_client, infused_at=_iso(dt.timedelta(minutes=4))).status_code == 201
    r = _enrol(staff_client, infused_at=_iso(-dt.timedelta(days=129)),
               enrolled_at=_iso(-dt.timedelta(days=129)))
    assert r.status_code == 201, r.json


def _correct(staff_client, patient, **body):
    return staff_client.post(f"/api/v1/staff/patients/{patient.id}/correction", json=body)


def test_staff_correct_the_infusion_date_with_a_reason_and_the_slots_are_replanned(
        staff_client, make_patient):
    patient = make_patient(infused_at=START - dt.timedelta(days=8))
    db.session.execute(db.update(ScheduledStep).values(state="done"))
    db.session.commit()
    new = START - dt.timedelta(days=2)
    r = _correct(staff_client, patient, infused_at=new.isoformat(), product="cilta-cel",
                 reason="  typed the wrong day at enrolment ")
    assert r.status_code == 200, r.json
    assert (r.json["day"], r.json["product"]) == (2, "cilta-cel")
    db.session.expire_all()
    assert db.session.get(Patient, patient.id).infused_at == new
    event = db.session.execute(db.select(AuditEvent).where(
        AuditEvent.action == "patient.correct")).scalar_one()
    assert event.patient_id == patient.id and event.actor_id == staff_client.staff.id
    assert event.detail["reason"] == "typed the wrong day at enrolment"
    assert event.detail["old"] == {"infused_at": (START - dt.timedelta(days=8)).isoformat(),
                                   "product": "axi-cel"}
    assert event.detail["new"] == {"infused_at": new.isoformat(), "product": "cilta-cel"}
    plans = db.session.execute(db.select(ScheduledStep).where(
        ScheduledStep.patient_id == patient.id, ScheduledStep.kind == "plan",
        ScheduledStep.state == "pending")).scalars().all()
    assert len(plans) == 1


def test_staff_correct_the_name_zone_and_enrolment(staff_client, make_patient):
    patient = make_patient()
    r = _correct(staff_client, patient, display_name="Pat Corrected", timezone="Europe/Vienna",
                 enrolled_at=_iso(-dt.timedelta(days=7)), reason="spelling and zone")
    assert r.status_code == 200, r.json
    assert (r.json["display_name"], r.json["timezone"]) == ("Pat Corrected", "Europe/Vienna")
    assert r.json["enrolled_at"].startswith("2026-03-03T07:00")


@pytest.mark.parametrize("body, field", [
    ({"infused_at": _iso(dt.timedelta(days=90)), "reason": "x"}, "infused_at"),
    ({"enrolled_at": _iso(-dt.timedelta(days=20)), "reason": "x"}, "enrolled_at"),
    ({"product": "cilta-cel"}, "reason"),
    ({"product": "cilta-cel", "reason": "   "}, "reason"),
    ({"product": "cilta-cel", "reason": "x" * 501}, "reason"),
    ({"product": "no-such-cel", "reason": "x"}, "product"),
    ({"timezone": "Mars/Olympus", "reason": "x"}, "timezone"),
    ({"window_days": 40, "reason": "x"}, "window_days"),
])
def test_a_bad_correction_is_refused_naming_the_field_and_nothing_changes(
        staff_client, make_patient, body, field):
    patient = make_patient()
    before = (patient.infused_at, patient.enrolled_at, patient.product, patient.timezone)
    r = _correct(staff_client, patient, **body)
    assert r.status_code == 422, r.json
    assert field in r.json["error"]["fields"]
    db.session.expire_all()
    row = db.session.get(Patient, patient.id)
    assert (row.infused_at, row.enrolled_at, row.product, row.timezone) == before


def test_a_correction_is_scoped_to_the_centre(app, make_patient, make_staff):
    from conftest import login

    from server.models import Centre

    other = Centre(name="Centre B", phone_24h="+49 30 222")
    db.session.add(other)
    db.session.commit()
    client = app.test_client()
    client.environ_base["HTTP_X_CSRF_TOKEN"] = login(client, make_staff(
        handle="nurse-b", centre_id=other.id))
    patient = make_patient()
    r = _correct(client, patient, product="cilta-cel", reason="probe")
    assert r.status_code == 404
    db.session.expire_all()
    assert db.session.get(Patient, patient.id).product == "axi-cel"


def test_enrolment_options_give_the_centres_zone_and_the_policy_windows(staff_client):
    r = staff_client.get("/api/v1/staff/patient-options")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert r.json["timezone"] == "Europe/Berlin"
    windows = {p["id"]: p["suggested_window_days"] for p in r.json["products"]}
    assert windows["ide-cel"] == windows["cilta-cel"] == 100
    assert windows["axi-cel"] == windows["tisa-cel"] == 30
    assert (r.json["default_window_days"], r.json["max_window_days"]) == (30, 100)
