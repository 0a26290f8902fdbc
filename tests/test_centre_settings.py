"""A centre's own check-in times, lapse hours, driving and proximity days (policy v2)."""
from __future__ import annotations

import datetime as dt

import pytest
from conftest import START

from server import policy as P
from server.clinical import lifecycle, schedule
from server.clinical.jobs import run_due_work
from server.extensions import db
from server.models import Centre, ScheduledStep

URL = "/api/v1/staff/admin/centre"


def _centre(staff_client) -> Centre:
    centre = db.session.get(Centre, staff_client.staff.centre_id)
    db.session.refresh(centre)
    return centre


def test_a_schedule_within_the_limits_is_stored_sorted_and_shown(staff_client):
    r = staff_client.patch(URL, json={"schedule": {"0-14": ["22:00", "06:00", "14:00"],
                                                   "31-": ["09:00"]}})
    assert r.status_code == 200, r.json
    assert r.json["schedule"] == {"0-14": ["06:00", "14:00", "22:00"], "31-": ["09:00"]}
    assert r.json["defaults"]["schedule"]["15-30"] == ["08:00", "20:00"]
    periods = schedule.periods_of(_centre(staff_client))
    assert periods[0][2] == ("06:00", "14:00", "22:00")
    assert periods[1][2] == ("08:00", "20:00")  # not set: the policy's default
    assert periods[2][2] == ("09:00",)


@pytest.mark.parametrize("value, field", [
    ({"0-14": ["08:00", "20:00"]}, "schedule.0-14"),  # days 0-14 need 3 slots
    ({"15-30": ["08:00"]}, "schedule.15-30"),  # days 15-30 need 2
    ({"31-": []}, "schedule.31-"),  # later at least 1
    ({"0-14": ["08:00", "10:59", "20:00"]}, "schedule.0-14"),  # under 3 h apart
    ({"15-30": ["23:00", "01:59"]}, "schedule.15-30"),  # under 3 h across midnight
    ({"0-14": ["08:00", "14:00", "25:00"]}, "schedule.0-14"),  # not a time
    ({"0-14": ["08:00", "14:00", "14:00", "20:00"]}, "schedule.0-14"),  # twice
    ({"1-7": ["08:00"]}, "schedule.1-7"),  # not a period
    (["08:00"], "schedule"),
])
def test_a_schedule_outside_the_limits_is_refused_naming_the_field(staff_client, value, field):
    r = staff_client.patch(URL, json={"schedule": value, "phone_24h": "+49 30 999"})
    assert r.status_code == 422
    assert field in r.json["error"]["fields"]
    centre = _centre(staff_client)
    assert centre.schedule in ({}, None) and centre.phone_24h == "+49 30 111"  # nothing saved


def test_three_hours_apart_is_allowed(staff_client):
    r = staff_client.patch(URL, json={"schedule": {"0-14": ["08:00", "11:00", "14:00"],
                                                   "15-30": ["22:30", "01:30"]}})
    assert r.status_code == 200, r.json


def test_new_times_replan_the_next_slot(staff_client, make_patient, clock):
    patient = make_patient()  # day 8 at START (08:00 Berlin)
    run_due_work(START)

    def next_reminder():
        return db.session.execute(
            db.select(ScheduledStep.slot_at).where(
                ScheduledStep.patient_id == patient.id, ScheduledStep.kind == "reminder",
                ScheduledStep.state == "pending")).scalar_one()

    assert next_reminder() == START + dt.timedelta(hours=6)  # 14:00 Berlin, the default
    clock.set(START + dt.timedelta(minutes=5))
    r = staff_client.patch(URL, json={"schedule": {"0-14": ["06:00", "15:00", "22:00"]}})
    assert r.status_code == 200, r.json
    run_due_work(clock.current)
    assert next_reminder() == START + dt.timedelta(hours=7)  # 15:00 Berlin


def test_the_phone_receives_the_centres_schedule_with_neuro_first_and_last(
        staff_client, client, make_patient, enrol):
    staff_client.patch(URL, json={"schedule": {"0-14": ["06:00", "14:00", "22:00"]}})
    headers = enrol(make_patient())
    period = client.get("/api/v1/device/me", headers=headers).json["schedule"]["periods"][0]
    assert period["times"] == ["06:00", "14:00", "22:00"]
    assert period["neuro_times"] == ["06:00", "22:00"]


@pytest.mark.parametrize("value, field", [
    ({"urgent": 13}, "ack_lapse_hours.urgent"),
    ({"emergency": 0.5}, "ack_lapse_hours.emergency"),
    ({"urgent": True}, "ack_lapse_hours.urgent"),
    ({"routine": 4}, "ack_lapse_hours.routine"),  # routine acknowledgements never lapse
])
def test_lapse_hours_beyond_1_to_12_are_refused(staff_client, value, field):
    r = staff_client.patch(URL, json={"ack_lapse_hours": value})
    assert r.status_code == 422
    assert field in r.json["error"]["fields"]
    assert _centre(staff_client).ack_lapse_hours in ({}, None)


def test_lapse_hours_within_bounds_are_used(staff_client):
    r = staff_client.patch(URL, json={"ack_lapse_hours": {"urgent": 12, "emergency": 1}})
    assert r.status_code == 200, r.json
    centre = _centre(staff_client)
    assert lifecycle.lapse_hours(centre, "urgent") == 12
    assert lifecycle.lapse_hours(centre, "emergency") == 1
    assert lifecycle.lapse_hours(centre, "routine") is None


def test_a_bad_stored_lapse_value_falls_back_to_the_policy(staff_client):
    centre = _centre(staff_client)
    centre.ack_lapse_hours = {"urgent": 100, "emergency": "soon"}
    assert lifecycle.lapse_hours(centre, "urgent") == P.ACK_LAPSE_HOURS["urgent"]
    assert lifecycle.lapse_hours(centre, "emergency") == P.ACK_LAPSE_HOURS["emergency"]


@pytest.mark.parametrize("field, value", [
    ("proximity_days", 13), ("proximity_days", 101), ("driving_days", 0),
    ("driving_days", "56"), ("driving_days", 14.5),
])
def test_driving_and_proximity_days_out_of_bounds_are_refused(staff_client, field, value):
    r = staff_client.patch(URL, json={field: value})
    assert r.status_code == 422
    assert field in r.json["error"]["fields"]


def test_the_phone_gets_both_end_dates(staff_client, client, make_patient, enrol):
    r = staff_client.patch(URL, json={"driving_days": 56, "proximity_days": 28})
    assert r.status_code == 200, r.json
    patient = make_patient()  # infused 2026-03-02 08:00 Berlin
    me = client.get("/api/v1/device/me", headers=enrol(patient)).json
    assert (me["driving_days"], me["proximity_days"]) == (56, 28)
    assert me["no_driving_until"] == "2026-04-27"  # day 56
    assert me["stay_near_until"] == "2026-03-30"  # day 28


def test_defaults_are_fourteen_and_fourteen_days(client, make_patient, enrol):
    me = client.get("/api/v1/device/me", headers=enrol(make_patient())).json
    assert (me["driving_days"], me["proximity_days"]) == (14, 14)
    assert me["no_driving_until"] == me["stay_near_until"] == "2026-03-16"
