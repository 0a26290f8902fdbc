"""What phones are told of POLICY.md (schedule, input bounds) is the server's own: no copies."""
from __future__ import annotations

import pytest

from server import policy as P
from server.clinical import schedule

WINDOWS = (0, 10, 14, 15, 30, 31, 60, P.MAX_WINDOW_DAYS)


def _period_for(published: dict, day: int) -> dict | None:
    found = [p for p in published["periods"] if p["first_day"] <= day <= p["last_day"]]
    assert len(found) <= 1, f"day {day} is in {len(found)} periods"
    return found[0] if found else None


@pytest.mark.parametrize("window", WINDOWS)
def test_each_day_shows_the_slots_and_missed_time_the_server_uses(window):
    published = schedule.published(window)
    assert published["early_minutes"] == P.SLOT_EARLY_MINUTES
    for day in range(-1, window + 3):
        period = _period_for(published, day)
        hours = schedule.hours_for_day(day, window)
        if not hours:
            assert period is None, day
            continue
        assert period is not None and tuple(period["times"]) == hours, day
        grace_minutes = schedule.grace(day).total_seconds() / 60
        assert period["missed_after_minutes"] == grace_minutes, day


def test_neuro_checks_are_due_at_the_policy_times():
    published = schedule.published(60)
    assert _period_for(published, 4)["times"] == ["08:00", "14:00", "20:00"]
    assert _period_for(published, 4)["neuro_times"] == ["08:00", "20:00"]  # not at 14:00
    assert _period_for(published, 20)["neuro_times"] == ["08:00", "20:00"]
    assert _period_for(published, 45)["neuro_times"] == ["08:00"]


def test_the_phone_receives_its_patients_schedule(client, make_patient, enrol):
    patient = make_patient(window_days=60)
    headers = enrol(patient)
    me = client.get("/api/v1/device/me", headers=headers)
    assert me.status_code == 200
    assert me.json["schedule"] == schedule.published(60)
    assert me.json["schedule"]["periods"][-1]["last_day"] == 60


def test_the_phone_receives_the_input_bounds_the_api_enforces(client, make_patient, enrol):
    headers = enrol(make_patient())
    published = client.get("/api/v1/device/me", headers=headers).json["input_bounds"]
    low_c, high_c = published["temperature"]["C"]
    low_f, high_f = published["temperature"]["F"]
    assert (low_c, high_c, low_f, high_f) == (P.TEMPERATURE_C_MIN, P.TEMPERATURE_C_MAX,
                                              P.TEMPERATURE_F_MIN, P.TEMPERATURE_F_MAX)

    def status(body):
        return client.post("/api/v1/checkins", json=body, headers=headers).status_code

    # the published edges are accepted and one step beyond is refused, unit by unit
    assert status({"temperature": {"value": low_c, "unit": "C"}}) == 201
    assert status({"temperature": {"value": high_f, "unit": "F"}}) == 201
    assert status({"temperature": {"value": round(low_c - 0.1, 1), "unit": "C"}}) == 422
    assert status({"temperature": {"value": round(high_f + 0.1, 1), "unit": "F"}}) == 422
    for vital in ("heart_rate", "systolic_bp", "spo2", "respiratory_rate"):
        low, high = published[vital]
        assert status({"vitals": {vital: low}}) == 201 and status({"vitals": {vital: high}}) == 201
        assert status({"vitals": {vital: low - 1}}) == 422, vital
        assert status({"vitals": {vital: high + 1}}) == 422, vital


def test_the_phone_receives_the_usual_range_inside_the_bounds(client, make_patient, enrol):
    """The "Is this right?" step reads the usual range of POLICY.md v2 from the server; it
    lies within the bounds, so every value it questions can still be sent."""
    headers = enrol(make_patient())
    me = client.get("/api/v1/device/me", headers=headers).json
    usual, published = me["usual_range"], me["input_bounds"]
    assert usual["temperature"] == {"C": [35.0, 40.0], "F": [95.0, 104.0]}
    assert usual["temperature"]["C"] == list(P.USUAL_RANGE["temperature_c"])
    assert (usual["heart_rate"], usual["systolic_bp"], usual["spo2"],
            usual["respiratory_rate"]) == ([40, 150], [50, 200], [85, 100], [8, 35])
    assert published["other_max_length"] == P.OTHER_TEXT_MAX == 500
    for name in ("heart_rate", "systolic_bp", "spo2", "respiratory_rate"):
        assert published[name][0] <= usual[name][0] <= usual[name][1] <= published[name][1]
    for unit in ("C", "F"):
        low, high = published["temperature"][unit]
        assert low <= usual["temperature"][unit][0] < usual["temperature"][unit][1] <= high


def test_the_enrolment_answer_carries_the_same_context(client, staff_client, make_patient):
    patient = make_patient(window_days=45)
    code = staff_client.post(f"/api/v1/staff/patients/{patient.id}/enrolment-codes",
                             json={"role": "patient"}).json["code"]
    answer = client.post("/api/v1/enrol", json={"code": code}).json
    assert answer["schedule"] == schedule.published(45)
    assert answer["input_bounds"]["spo2"] == [P.SPO2_MIN, P.SPO2_MAX]
    assert answer["usual_range"]["systolic_bp"] == list(P.USUAL_RANGE["systolic_bp"])
