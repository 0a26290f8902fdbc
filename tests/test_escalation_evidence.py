"""Queue card and escalation page: the measured values behind each reason (issue 16.1).

Not "Temperature 38.0 °C or higher" alone but 39.2 °C, the highest of two readings, the
ICE score against the baseline, the vitals and NEWS2 with its parts, who recorded them, when
observed and when received, and day N and product on the patient block.
"""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
from conftest import login
from sql_capture import statements_during

from server.clinical import jobs

QUEUE = "/api/v1/staff/queue"


def _post(client, headers, **body):
    r = client.post("/api/v1/checkins", json=body,
                    headers={**headers, "Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.json
    return r.json


def _fever_night(client, clock, patient_phone, caregiver_phone):
    """38.6 °C by the patient; 39.2 °C with HR 112 / BP 92 by the caregiver, sent 12 min
    late; then an ICE of 9/10 the patient took alone."""
    _post(client, patient_phone, temperature={"value": 38.6, "unit": "C"})
    clock.advance(hours=1)
    observed = clock.current - dt.timedelta(minutes=12)
    _post(client, caregiver_phone, observed_at=observed.isoformat(),
          temperature={"value": 39.2, "unit": "C"},
          vitals={"heart_rate": 112, "systolic_bp": 92})
    clock.advance(minutes=5)
    _post(client, patient_phone, ice={"orientation": 4, "naming": 3, "commands": 1,
                                      "writing": 1, "attention": 0, "self": True})
    login(client, client.staff)  # the staff session idled out over the night
    return observed


def _by_reason(evidence):
    return {r["reason"]: r for r in evidence["reasons"]}


def test_queue_card_shows_the_values_behind_each_reason(staff_client, make_patient, enrol,
                                                        clock):
    patient = make_patient(product="cilta-cel")
    observed = _fever_night(staff_client, clock, enrol(patient), enrol(patient, "caregiver"))
    [item] = staff_client.get(QUEUE).json
    assert item["reasons"] == ["fever", "news2", "ice_low"]
    assert (item["patient"]["product"], item["patient"]["day"]) == ("cilta-cel", 8)
    fever, news2, ice = (_by_reason(item["evidence"])[r] for r in item["reasons"])

    assert (fever["readings"], fever["shown"]) == (2, "highest")
    assert fever["temperature"] == {"value": 39.2, "unit": "C", "celsius": 39.2}
    assert fever["source"]["recorded_by"] == "caregiver" and fever["source"]["late"] is True
    assert dt.datetime.fromisoformat(fever["source"]["observed_at"]) == observed
    assert dt.datetime.fromisoformat(fever["source"]["received_at"]) \
        == observed + dt.timedelta(minutes=12)

    # NEWS2 6 = temperature 39.2 (2) + pulse 112 (2) + systolic 92 (2), with the vitals
    assert news2["news2"] == {"total": 6, "parts": {"temperature_c": 2, "heart_rate": 2,
                                                    "systolic_bp": 2, "consciousness": 0}}
    assert news2["vitals"] == {"heart_rate": 112, "systolic_bp": 92, "spo2": None,
                               "respiratory_rate": None}
    assert news2["temperature"] is None and fever["vitals"] is None

    assert ice["ice"] == {"total": 9, "out_of": 10, "baseline": 10, "self_check": True}
    assert ice["source"]["recorded_by"] == "self_check" and ice["source"]["late"] is False

    latest = item["evidence"]["vitals"]
    assert latest["vitals"]["heart_rate"] == 112 and latest["news2"]["total"] == 6
    assert latest["source"]["checkin_id"] == fever["source"]["checkin_id"]


def test_escalation_page_shows_the_same_evidence_and_patient(staff_client, make_patient,
                                                             enrol, clock):
    patient = make_patient(product="ide-cel")
    _fever_night(staff_client, clock, enrol(patient), enrol(patient, "caregiver"))
    [item] = staff_client.get(QUEUE).json
    detail = staff_client.get(f"/api/v1/staff/escalations/{item['id']}").json
    assert detail["evidence"] == item["evidence"]
    assert detail["patient"] == item["patient"]
    assert (detail["patient"]["product"], detail["patient"]["day"],
            detail["patient"]["caregiver_enrolled"]) == ("ide-cel", 8, True)


def test_fahrenheit_is_shown_as_recorded_and_in_celsius(staff_client, make_patient, enrol):
    phone = enrol(make_patient())
    _post(staff_client, phone, temperature={"value": 102.6, "unit": "F"})
    _post(staff_client, phone, temperature={"value": 101.5, "unit": "F"})
    [item] = staff_client.get(QUEUE).json
    [fever] = item["evidence"]["reasons"]
    assert fever["readings"] == 2
    assert fever["temperature"] == {"value": 102.6, "unit": "F", "celsius": 39.22}
    assert fever["source"]["recorded_by"] == "patient"


@pytest.mark.parametrize(("vitals", "reason", "shown"), [
    ([{"systolic_bp": 85}, {"systolic_bp": 78}, {"systolic_bp": 88}], "hypotension", 78),
    ([{"heart_rate": 125}, {"heart_rate": 140}, {"heart_rate": 121}], "tachycardia", 140),
])
def test_a_vital_reason_shows_its_worst_reading(staff_client, make_patient, enrol, vitals,
                                                reason, shown):
    phone = enrol(make_patient())
    for v in vitals:
        _post(staff_client, phone, vitals=v)
    [item] = staff_client.get(QUEUE).json
    behind = _by_reason(item["evidence"])[reason]
    assert behind["readings"] == 3
    assert shown in behind["vitals"].values()
    assert behind["shown"] == ("lowest" if reason == "hypotension" else "highest")


def test_a_missed_slot_shows_its_slots_and_no_reading(staff_client, make_patient, clock):
    patient = make_patient(infused_at=clock.current - dt.timedelta(days=3))
    jobs.run_due_work(clock.current)
    jobs.run_due_work(clock.advance(hours=30))
    login(staff_client, staff_client.staff)
    [item] = staff_client.get(QUEUE).json
    assert item["patient_id"] == patient.id
    missed = _by_reason(item["evidence"])["missed_checkin"]
    assert missed["source"] is None and missed["slots"]
    assert item["evidence"]["vitals"] is None


def _queue_statements(client) -> int:
    client.get(QUEUE)  # the first read of a new queue writes its audit row
    _, sql = statements_during(lambda: client.get(QUEUE))
    return len(sql)


def test_queue_reads_the_evidence_in_a_fixed_number_of_queries(staff_client, make_patient,
                                                               enrol, clock):
    """No query per card: five escalations with many check-ins cost what one does."""
    def night():
        patient = make_patient()
        _fever_night(staff_client, clock, enrol(patient), enrol(patient, "caregiver"))

    night()
    one = _queue_statements(staff_client)
    for _ in range(4):
        night()
    assert len(staff_client.get(QUEUE).json) == 5
    assert _queue_statements(staff_client) == one


def test_a_reason_without_a_measured_value_shows_its_latest_check_in(staff_client,
                                                                     make_patient, enrol):
    """Fever medicine with no temperature taken: no value to show, but who and when."""
    phone = enrol(make_patient())
    _post(staff_client, phone, antipyretic=True, antipyretic_kind="paracetamol")
    [item] = staff_client.get(QUEUE).json
    behind = _by_reason(item["evidence"])["antipyretic"]
    assert (behind["readings"], behind["shown"], behind["temperature"]) == (1, "latest", None)
    assert behind["source"]["recorded_by"] == "patient"
