"""The engine in the check-in transaction, the outbox it writes, and due work over time."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from clinical_helpers import intents, post_checkin
from sqlalchemy.exc import IntegrityError

from server import create_app
from server.clinical import jobs, ladder, schedule
from server.extensions import db
from server.models import Escalation, Finding, ScheduledStep, Staff

FEVER = {"temperature": {"value": 38.4, "unit": "C"}}


@pytest.fixture
def patient_phone(make_patient, enrol, make_staff):
    """A day-8 patient with a phone, a tier-1 nurse and a tier-2 doctor on duty."""
    make_staff(handle="nurse-a", tier=1)
    make_staff(handle="dr-b", role="physician", tier=2)
    patient = make_patient()
    return patient, enrol(patient)


def test_fever_opens_an_urgent_escalation_with_the_centres_number(client, patient_phone):
    """R-FEVER: the response names the finding, the escalation and the 24-hour number."""
    patient, phone = patient_phone
    r = post_checkin(client, phone, FEVER)
    assert r.status_code == 201, r.json
    assert r.json["findings"] == ["R-FEVER"]
    assert r.json["escalation"]["change"] == "opened"
    assert r.json["escalation"]["severity"] == "urgent"
    assert r.json["instruction"]["action"] == "call_centre"
    assert r.json["instruction"]["phone"] == "+49 30 111"


def test_emergency_advice_gives_the_emergency_number(client, patient_phone):
    """R-HYPOTENSION: call emergency services first."""
    _patient, phone = patient_phone
    r = post_checkin(client, phone, {"vitals": {"systolic_bp": 80}})
    assert r.json["instruction"]["action"] == "call_emergency"
    assert r.json["instruction"]["phone"] == "112"


def test_no_finding_thanks_and_opens_nothing(client, patient_phone):
    """37.9 °C alone raises nothing."""
    _patient, phone = patient_phone
    r = post_checkin(client, phone, {"temperature": {"value": 37.9, "unit": "C"}})
    assert r.json["findings"] == [] and r.json["escalation"] is None
    assert r.json["instruction"]["severity"] is None
    assert db.session.execute(db.select(Escalation)).first() is None


def test_late_entry_records_when_it_was_observed(client, clock, patient_phone):
    """An offline entry: opened now, observed_at kept, the advice says when."""
    patient, phone = patient_phone
    observed = clock.current - dt.timedelta(hours=2)
    r = post_checkin(client, phone, {**FEVER, "observed_at": observed.isoformat()})
    escalation = db.session.get(Escalation, r.json["escalation"]["id"])
    assert escalation.observed_at == observed
    assert escalation.opened_at == clock.current
    assert "observed at" in r.json["instruction"]["text"]


def test_findings_are_stored_with_their_checkin(client, patient_phone):
    """Each finding links the escalation, the check-in and the rule."""
    _patient, phone = patient_phone
    r = post_checkin(client, phone, {**FEVER, "symptoms": ["rigors"]})
    rows = db.session.execute(db.select(Finding).order_by(Finding.id)).scalars().all()
    assert [(f.rule_id, f.reason, f.checkin_id) for f in rows] == [
        ("R-FEVER", "fever", r.json["id"]), ("R-RIGORS", "rigors", r.json["id"])]


def test_a_second_unresolved_escalation_is_refused_by_the_database(client, patient_phone):
    """POLICY "One open escalation per patient", enforced by a partial unique index."""
    patient, phone = patient_phone
    post_checkin(client, phone, FEVER)
    db.session.add(Escalation(patient_id=patient.id, severity="urgent", observed_at=dt.datetime(
        2026, 3, 10, tzinfo=dt.UTC)))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_outbox_payloads_carry_no_names_or_values(client, patient_phone):
    """Declarative Web Push shape; no patient name, code or temperature."""
    patient, phone = patient_phone
    post_checkin(client, phone, FEVER)
    rows = intents(purpose="escalation")
    assert {r.recipient_kind for r in rows} == {"staff", "patient", "caregiver"}
    for row in rows:
        text = json.dumps(row.payload)
        assert patient.display_name not in text and patient.code not in text
        assert "38.4" not in text
        assert row.payload["web_push"] == 8030
        assert set(row.payload["notification"]) >= {"title", "body", "navigate", "tag"}
        assert row.payload["notification"]["silent"] is False
        assert row.urgency == "high"


def test_routine_finding_notifies_tier_one_only(client, patient_phone):
    """New mild tremor: one staff notification, nobody else, no ladder rows."""
    _patient, phone = patient_phone
    post_checkin(client, phone, {"tremor": {"rating": "mild"}})
    rows = intents(purpose="escalation")
    assert {r.recipient_kind for r in rows} == {"staff"}
    assert db.session.execute(db.select(ScheduledStep).where(
        ScheduledStep.kind.in_(["ladder", "unanswered"]))).first() is None


def test_due_work_is_idempotent(client, clock, patient_phone):
    """A pass run twice, or a row handled twice, writes no notification twice."""
    jobs.run_due_work(clock.current)
    first = len(intents())
    assert first > 0  # the 08:00 reminder
    jobs.run_due_work(clock.current)
    assert len(intents()) == first
    db.session.execute(db.update(ScheduledStep).where(ScheduledStep.kind == "reminder")
                       .values(state="pending"))
    db.session.commit()
    jobs.run_due_work(clock.current)
    assert len(intents()) == first


def test_due_work_is_found_after_a_restart(client, clock, patient_phone, database_url, tmp_path):
    """Ladder steps are rows: a new app on the same database finds and runs them."""
    _patient, phone = patient_phone
    post_checkin(client, phone, FEVER)
    db.session.remove()
    restarted = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x",
                            "INSTANCE_PATH": str(tmp_path / "other")})
    with restarted.app_context():
        counts = jobs.run_due_work(clock.advance(minutes=15))
        assert counts.get("ladder") == 1
        assert len(intents(purpose="renotify")) == 2  # tier 1 again and tier 2 added
        db.session.remove()
        db.engine.dispose()


def test_ladder_stops_when_acknowledged(client, clock, patient_phone, staff_client):
    """After acknowledgement no step re-notifies."""
    _patient, phone = patient_phone
    escalation_id = post_checkin(client, phone, FEVER).json["escalation"]["id"]
    assert staff_client.post(f"/api/v1/staff/escalations/{escalation_id}/acknowledge"
                             ).status_code == 200
    jobs.run_due_work(clock.advance(minutes=60))
    assert intents(purpose="renotify") == [] and intents(purpose="unanswered") == []
    assert len(intents(purpose="acknowledged")) == 2  # patient and caregiver


def test_skip_to_next_tier_flags_and_notifies_the_next_tier(client, clock, patient_phone):
    """Push could not reach tier 1: the escalation is flagged and tier 2 hears at once."""
    _patient, phone = patient_phone
    escalation_id = post_checkin(client, phone, FEVER).json["escalation"]["id"]
    notified = ladder.skip_to_next_tier(escalation_id, clock.current, "no_subscription")
    db.session.commit()
    dr_b = db.session.execute(db.select(Staff).where(Staff.handle == "dr-b")).scalar_one()
    assert notified == [("staff", dr_b.id)]
    escalation = db.session.get(Escalation, escalation_id)
    assert escalation.undeliverable_reason == "no_subscription"
    assert escalation.undeliverable_at == clock.current
    assert ladder.skip_to_next_tier(escalation_id, clock.current, "again") == []  # top tier


def test_quiet_hours_hold_back_reminders_but_not_missed_escalations(
        app, clock, make_patient, make_staff):
    """A late pass at 22:30 local sends no reminders; the overdue R-MISSED still opens."""
    make_staff(handle="nurse-a")
    make_patient(infused_at=clock.current - dt.timedelta(days=20))
    jobs.run_due_work(clock.current)
    before = len(intents())
    jobs.run_due_work(dt.datetime(2026, 3, 10, 21, 30, tzinfo=dt.UTC))  # 22:30 Berlin
    new = intents()[before:]
    assert not [i for i in new if i.purpose in ("reminder", "missed_checkin")]
    assert {i.purpose for i in new} == {"escalation"}  # routine R-MISSED, tier 1 only


def test_quiet_hours_are_22_to_7_local():
    """quiet() reads the patient's local clock."""
    from types import SimpleNamespace

    berlin = SimpleNamespace(timezone="Europe/Berlin")
    at = dt.datetime(2026, 3, 10, tzinfo=dt.UTC)
    assert schedule.quiet(berlin, at.replace(hour=21))  # 22:00 local
    assert schedule.quiet(berlin, at.replace(hour=5, minute=59))  # 06:59
    assert not schedule.quiet(berlin, at.replace(hour=6))  # 07:00
    assert not schedule.quiet(berlin, at.replace(hour=20, minute=59))  # 21:59


@pytest.mark.parametrize("day, window, hours", [
    (0, 30, ("08:00", "14:00", "20:00")), (14, 30, ("08:00", "14:00", "20:00")),
    (15, 30, ("08:00", "20:00")), (30, 30, ("08:00", "20:00")), (31, 30, ()),
    (31, 45, ("08:00",)), (45, 45, ("08:00",)), (46, 45, ()), (-1, 30, ()),
])
def test_schedule_table(day, window, hours):
    """POLICY.md's schedule: three slots to day 14, two to day 30, one after."""
    assert schedule.hours_for_day(day, window) == hours


@pytest.mark.parametrize("tz, infused, start, expected", [
    ("Europe/Berlin", "2026-03-20T10:00:00+01:00", "2026-03-28T21:00:00+01:00",
     "2026-03-29T06:00:00+00:00"),
    ("Europe/Berlin", "2026-03-20T10:00:00+01:00", "2026-03-28T05:00:00+00:00",
     "2026-03-28T07:00:00+00:00"),
    ("America/New_York", "2026-03-01T10:00:00-05:00", "2026-03-07T21:00:00-05:00",
     "2026-03-08T12:00:00+00:00"),
    ("America/New_York", "2026-10-25T10:00:00-04:00", "2026-10-31T21:00:00-04:00",
     "2026-11-01T13:00:00+00:00"),
])
def test_next_slot_is_0800_local_across_dst(tz, infused, start, expected):
    """Slots are local wall-clock times, whatever the UTC offset that day."""
    from types import SimpleNamespace

    patient = SimpleNamespace(timezone=tz, infused_at=dt.datetime.fromisoformat(infused),
                              enrolled_at=dt.datetime.fromisoformat(infused), window_days=30,
                              monitoring_ended_at=None)
    got = schedule.next_slot(patient, dt.datetime.fromisoformat(start))
    assert got == dt.datetime.fromisoformat(expected)


def test_extending_the_window_restarts_the_schedule(app, clock, make_patient, staff_client):
    """Day 31 with a 30-day window: no slot; extended to 45 days: 08:00 tomorrow."""
    patient = make_patient(infused_at=clock.current - dt.timedelta(days=31))
    jobs.run_due_work(clock.current)
    assert jobs.next_due_at() is None
    r = staff_client.patch(f"/api/v1/staff/patients/{patient.id}", json={"window_days": 45})
    assert r.status_code == 200, r.json
    jobs.run_due_work(clock.current)
    assert jobs.next_due_at() is not None
    slot = db.session.execute(db.select(ScheduledStep.slot_at).where(
        ScheduledStep.kind == "reminder", ScheduledStep.state == "pending")).scalar_one()
    assert len(intents(purpose="reminder")) == 2  # day 31, 08:00 Berlin = START: sent
    assert slot == clock.current + dt.timedelta(days=1)  # day 32, 08:00 Berlin


def test_ending_monitoring_stops_reminders(app, clock, make_patient, staff_client):
    """After end_monitoring no reminder is sent and no missed escalation opens."""
    patient = make_patient()
    r = staff_client.patch(f"/api/v1/staff/patients/{patient.id}", json={"end_monitoring": True})
    assert r.status_code == 200
    jobs.run_due_work(clock.advance(hours=30))
    assert intents(purpose="reminder") == []
    assert db.session.execute(db.select(Escalation)).first() is None


def test_thresholds_endpoint_for_phones(client, patient_phone, centre):
    """GET /api/v1/device/thresholds: effective thresholds, symptoms and advice."""
    centre.threshold_overrides = {"fever_c": 37.8}
    db.session.commit()
    _patient, phone = patient_phone
    r = client.get("/api/v1/device/thresholds", headers=phone)
    assert r.status_code == 200
    body = r.json
    assert body["fever_c"] == 37.8 and body["baseline_ice"] == 10
    assert "seizure" in body["emergency_symptoms"] and "rigors" in body["urgent_symptoms"]
    assert body["instructions"]["emergency"]["phone"] == "112"
    assert body["instructions"]["urgent"]["phone"] == "+49 30 111"
    assert client.get("/api/v1/device/thresholds").status_code == 401


def test_nobody_on_duty_flags_the_escalation(client, make_patient, enrol, make_staff):
    """No staff on duty: the escalation is marked undeliverable, not silently lost."""
    nurse = make_staff(handle="nurse-off")
    nurse.on_duty = False
    db.session.commit()
    patient = make_patient()
    escalation_id = post_checkin(client, enrol(patient), FEVER).json["escalation"]["id"]
    escalation = db.session.get(Escalation, escalation_id)
    assert escalation.undeliverable_reason == "no_staff_on_duty"
    assert intents(recipient_kind="staff") == []
