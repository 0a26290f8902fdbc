"""Check-in values read from a Bluetooth LE device: source, model and raw bytes (issue 19).

A device reading is stored with its model name and the characteristic's bytes for audit;
staff see which values came from a device on the queue card and the timeline. Model and
bytes come from a phone: hostile input is refused with 422 naming the field, never stored.
"""
from __future__ import annotations

import datetime as dt
import uuid

import pytest

from server.extensions import db
from server.models import CheckIn

THERMO = {"model": "TempPro 200", "raw": "00800100ff"}
OXI = {"model": "OxiSmart", "raw": "005a004800"}


def post(client, headers, body):
    return client.post("/api/v1/checkins", json=body,
                       headers={**headers, "Idempotency-Key": str(uuid.uuid4())})


def count() -> int:
    return db.session.execute(db.select(db.func.count(CheckIn.id))).scalar()


@pytest.fixture
def phone(make_patient, enrol):
    patient = make_patient()
    return patient, enrol(patient)


def test_a_device_temperature_is_stored_with_model_and_bytes(client, phone, clock):
    patient, headers = phone
    observed = clock.current - dt.timedelta(minutes=3)  # the thermometer's own time
    r = post(client, headers, {"observed_at": observed.isoformat(), "temperature": {
        "value": 38.4, "unit": "C", "source": "device", "device": THERMO}})
    assert r.status_code == 201, r.json
    assert r.json["devices"] == {"temperature": "TempPro 200"}
    row = db.session.get(CheckIn, r.json["id"])
    assert row.temperature_c == 38.4 and row.observed_at == observed
    assert row.device_readings == {"temperature": THERMO}


def test_manual_entry_is_unchanged_and_has_no_device(client, phone):
    _patient, headers = phone
    r = post(client, headers, {"temperature": {"value": 37.1, "unit": "C"},
                               "vitals": {"heart_rate": 80}})
    assert r.status_code == 201, r.json
    assert r.json["devices"] == {}
    assert db.session.get(CheckIn, r.json["id"]).device_readings is None


def test_vitals_name_their_device_per_value(client, phone):
    _patient, headers = phone
    cuff = {"model": "BP Cuff 7", "raw": "1e5500370041007000"}
    r = post(client, headers, {"vitals": {
        "spo2": 90, "heart_rate": 72, "systolic_bp": 120,
        "devices": {"spo2": OXI, "heart_rate": OXI, "systolic_bp": {**cuff, "raw": "ABCDEF"}}}})
    assert r.status_code == 201, r.json
    row = db.session.get(CheckIn, r.json["id"])
    assert row.spo2 == 90 and row.systolic_bp == 120
    assert row.device_readings == {"spo2": OXI, "heart_rate": OXI,
                                   "systolic_bp": {"model": "BP Cuff 7", "raw": "abcdef"}}


def test_device_observed_time_beyond_policy_limit_is_refused(client, phone, clock):
    _patient, headers = phone
    stale = clock.current - dt.timedelta(hours=73)  # a stored reading from days ago
    r = post(client, headers, {"observed_at": stale.isoformat(), "temperature": {
        "value": 38.4, "unit": "C", "source": "device", "device": THERMO}})
    assert r.status_code == 422 and "observed_at" in r.json["error"]["fields"]
    assert count() == 0


def _hostile(field):
    return {"temperature": {"value": 38.4, "unit": "C", "source": "device", "device": field}}


@pytest.mark.parametrize(("body", "field"), [
    (_hostile({"model": "X", "raw": "0080010"}), "raw"),  # odd length
    (_hostile({"model": "X", "raw": "00zz"}), "raw"),
    (_hostile({"model": "X", "raw": ""}), "raw"),
    (_hostile({"model": "X", "raw": "00" * 65}), "raw"),
    (_hostile({"model": "X", "raw": "0x00"}), "raw"),
    (_hostile({"model": "X", "raw": "00 80"}), "raw"),
    (_hostile({"model": "X", "raw": 12}), "raw"),
    (_hostile({"model": "X", "raw": "00800100ff\n"}), "raw"),
    (_hostile({"model": "", "raw": "00"}), "model"),
    (_hostile({"model": "   ", "raw": "00"}), "model"),
    (_hostile({"model": "A" * 65, "raw": "00"}), "model"),
    (_hostile({"model": "Thermo\x00", "raw": "00"}), "model"),
    (_hostile({"model": "Thermo\nX", "raw": "00"}), "model"),
    (_hostile({"model": "\ud800", "raw": "00"}), "model"),
    (_hostile({"model": ["X"], "raw": "00"}), "model"),
    (_hostile({"raw": "00"}), "model"),
    (_hostile({"model": "X"}), "raw"),
    (_hostile({"model": "X", "raw": "00", "patient_id": 1}), "patient_id"),
    ({"temperature": {"value": 38.4, "unit": "C", "source": "device"}}, "device"),
    ({"temperature": {"value": 38.4, "unit": "C", "device": THERMO}}, "device"),
    ({"temperature": {"value": 38.4, "unit": "C", "source": "bluetooth"}}, "source"),
    ({"vitals": {"heart_rate": 80, "devices": {"spo2": OXI}}}, "devices"),
    ({"vitals": {"heart_rate": 80, "devices": {"temperature": OXI}}}, "devices"),
    ({"vitals": {"heart_rate": 80, "devices": {"heart_rate": {"model": "X", "raw": "0"}}}},
     "devices"),
    ({"vitals": {"heart_rate": 80, "devices": ["spo2"]}}, "devices"),
    ({"vitals": {"devices": {}}}, "vitals"),
])
def test_hostile_device_fields_are_refused_and_nothing_is_stored(client, phone, body, field):
    _patient, headers = phone
    r = post(client, headers, body)
    assert r.status_code == 422, r.json
    assert field in repr(r.json["error"]["fields"]), r.json
    assert count() == 0


def test_model_name_is_trimmed_and_kept_as_written(client, phone):
    _patient, headers = phone
    name = "  Thermomètre <b>Ω</b>  "
    r = post(client, headers, _hostile({"model": name, "raw": "00800100FF"}))
    assert r.status_code == 201, r.json
    row = db.session.get(CheckIn, r.json["id"])
    assert row.device_readings == {"temperature": {"model": name.strip(), "raw": "00800100ff"}}


def test_staff_see_from_device_on_the_card_and_timeline(staff_client, make_patient, enrol):
    patient = make_patient()
    headers = enrol(patient)
    r = post(staff_client, headers, {
        "temperature": {"value": 38.4, "unit": "C", "source": "device", "device": THERMO},
        "vitals": {"spo2": 90, "heart_rate": 100, "devices": {"spo2": OXI}}})
    assert r.status_code == 201, r.json
    [item] = staff_client.get("/api/v1/staff/queue").json
    sources = {reason["reason"]: reason["source"]["devices"]
               for reason in item["evidence"]["reasons"] if reason["source"]}
    assert sources and all(s == {"temperature": "TempPro 200", "spo2": "OxiSmart"}
                           for s in sources.values())
    assert item["evidence"]["vitals"]["source"]["devices"]["spo2"] == "OxiSmart"
    point = staff_client.get(f"/api/v1/staff/patients/{patient.id}/timeline").json["checkins"][0]
    assert point["devices"] == {"temperature": "TempPro 200", "spo2": "OxiSmart"}
    assert "raw" not in repr(point)  # the bytes stay in the row for audit
