"""Check-in API: validation at each POLICY.md bound, idempotency, device scope, no-store."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sql_capture import statements_during

from server.extensions import db
from server.models import AuditEvent, CheckIn


def post(client, headers, body, key=None):
    h = dict(headers)
    h["Idempotency-Key"] = key or str(uuid.uuid4())
    return client.post("/api/v1/checkins", json=body, headers=h)


def stored() -> int:
    return db.session.execute(db.select(db.func.count(CheckIn.id))).scalar()


@pytest.fixture
def device(make_patient, enrol):
    patient = make_patient()
    return patient, enrol(patient)


def test_a_temperature_is_stored_with_its_unit_and_celsius(client, device):
    patient, headers = device
    r = post(client, headers, {"temperature": {"value": 100.4, "unit": "F"}})
    assert r.status_code == 201, r.json
    assert r.headers["Cache-Control"] == "no-store"
    row = db.session.get(CheckIn, r.json["id"])
    assert (row.temperature_value, row.temperature_unit, row.temperature_c) == (100.4, "F", 38.0)
    assert row.patient_id == patient.id and row.recorded_by == "patient"


@pytest.mark.parametrize(
    ("body", "field", "ok"),
    [
        # policy v2 bounds: what a home device can show (a real shock reading is stored)
        ({"temperature": {"value": 30.0, "unit": "C"}}, "temperature.value", True),
        ({"temperature": {"value": 29.9, "unit": "C"}}, "temperature.value", False),
        ({"temperature": {"value": 44.0, "unit": "C"}}, "temperature.value", True),
        ({"temperature": {"value": 44.1, "unit": "C"}}, "temperature.value", False),
        ({"temperature": {"value": 86.0, "unit": "F"}}, "temperature.value", True),
        ({"temperature": {"value": 85.9, "unit": "F"}}, "temperature.value", False),
        ({"temperature": {"value": 111.2, "unit": "F"}}, "temperature.value", True),
        ({"temperature": {"value": 111.3, "unit": "F"}}, "temperature.value", False),
        ({"temperature": {"value": 38.0}}, "temperature.unit", False),
        ({"temperature": {"value": 38.0, "unit": "K"}}, "temperature.unit", False),
        ({"vitals": {"heart_rate": 20}}, "vitals.heart_rate", True),
        ({"vitals": {"heart_rate": 19}}, "vitals.heart_rate", False),
        ({"vitals": {"heart_rate": 250}}, "vitals.heart_rate", True),
        ({"vitals": {"heart_rate": 251}}, "vitals.heart_rate", False),
        ({"vitals": {"systolic_bp": 40}}, "vitals.systolic_bp", True),
        ({"vitals": {"systolic_bp": 39}}, "vitals.systolic_bp", False),
        ({"vitals": {"systolic_bp": 300}}, "vitals.systolic_bp", True),
        ({"vitals": {"systolic_bp": 301}}, "vitals.systolic_bp", False),
        ({"vitals": {"spo2": 40}}, "vitals.spo2", True),
        ({"vitals": {"spo2": 39}}, "vitals.spo2", False),
        ({"vitals": {"spo2": 100}}, "vitals.spo2", True),
        ({"vitals": {"spo2": 101}}, "vitals.spo2", False),
        ({"vitals": {"respiratory_rate": 4}}, "vitals.respiratory_rate", True),
        ({"vitals": {"respiratory_rate": 3}}, "vitals.respiratory_rate", False),
        ({"vitals": {"respiratory_rate": 60}}, "vitals.respiratory_rate", True),
        ({"vitals": {"respiratory_rate": 61}}, "vitals.respiratory_rate", False),
        ({"vitals": {"respiratory_rate": 18.5}}, "vitals.respiratory_rate", False),
        ({"vitals": {"respiratory_rate": "18"}}, "vitals.respiratory_rate", False),
        ({"ice": {"orientation": 4, "naming": 3, "commands": 1, "writing": 1, "attention": 1}},
         "ice.orientation", True),
        ({"ice": {"orientation": 5, "naming": 3, "commands": 1, "writing": 1, "attention": 1}},
         "ice.orientation", False),
        ({"ice": {"orientation": 4, "naming": 4, "commands": 1, "writing": 1, "attention": 1}},
         "ice.naming", False),
        ({"ice": {"orientation": 4, "naming": 3, "commands": 2, "writing": 1, "attention": 1}},
         "ice.commands", False),
        ({"ice": {"orientation": 4, "naming": 3, "commands": 1, "writing": -1, "attention": 1}},
         "ice.writing", False),
        ({"ice": {"orientation": 4, "naming": 3, "commands": 1, "writing": 1, "attention": 2}},
         "ice.attention", False),
        ({"tremor": {"rating": "wobbly"}}, "tremor.rating", False),
        ({"symptoms": ["sneezing"]}, "symptoms.0", False),
        ({"symptoms": ["sleepy", "jerks", "personality_change", "heartbeat", "gut_severe",
                       "bleeding"]}, "symptoms", True),
        ({"other": "x" * 500}, "other", True),
        ({"other": "x" * 501}, "other", False),
        ({"other": "  " + "x" * 500 + "\n "}, "other", True),  # 500 after trimming
        ({"other": 42}, "other", False),
        ({"other": "a\x00b"}, "other", False),  # NUL: PostgreSQL text cannot hold it
        ({"antipyretic": True}, "antipyretic", True),
        ({"antipyretic": False}, "antipyretic", True),  # "no" is an answer too
        ({"antipyretic": "yes"}, "antipyretic", False),
        ({"antipyretic": 1}, "antipyretic", False),
        ({"antipyretic": True, "antipyretic_kind": "ibuprofen"}, "antipyretic_kind", True),
        ({"antipyretic": True, "antipyretic_kind": "aspirin"}, "antipyretic_kind", False),
        ({"antipyretic": False, "antipyretic_kind": "paracetamol"}, "antipyretic_kind", False),
        ({"ice": {"orientation": 4, "naming": 3, "commands": 1, "writing": 1, "attention": 1,
                  "self": True}}, "ice.self", True),
        ({"ice": {"orientation": 4, "naming": 3, "commands": 1, "writing": 1, "attention": 1,
                  "self": "yes"}}, "ice.self", False),
        ({"handwriting": {"judgement": "worse"}}, "handwriting.judgement", True),
        ({"handwriting": {"judgement": "illegible"}}, "handwriting.judgement", False),
    ],
)
def test_bounds_of_policy(client, device, body, field, ok):
    _, headers = device
    r = post(client, headers, body)
    if ok:
        assert r.status_code == 201, r.json
        assert stored() == 1
    else:
        assert r.status_code == 422
        assert field in r.json["error"]["fields"], r.json
        assert stored() == 0


def test_observed_at_up_to_72_hours_back_and_5_minutes_ahead(client, device, clock):
    _, headers = device
    t = clock()
    cases = [(t - dt.timedelta(hours=72), True), (t - dt.timedelta(hours=72, seconds=1), False),
             (t + dt.timedelta(minutes=5), True), (t + dt.timedelta(minutes=5, seconds=1), False)]
    for when, ok in cases:
        r = post(client, headers, {"temperature": {"value": 37, "unit": "C"},
                                   "observed_at": when.isoformat()})
        assert (r.status_code == 201) is ok, (when, r.json)
        if not ok:
            assert "observed_at" in r.json["error"]["fields"]


def test_a_late_entry_is_marked_late(client, device, clock):
    _, headers = device
    when = clock() - dt.timedelta(hours=3)
    r = post(client, headers, {"temperature": {"value": 37, "unit": "C"},
                               "observed_at": when.isoformat()})
    assert r.json["late"] is True
    assert dt.datetime.fromisoformat(r.json["observed_at"]) == when


def test_stray_fields_are_refused(client, device):
    _, headers = device
    r = post(client, headers, {"temperature": {"value": 37, "unit": "C"}, "patient_id": 99})
    assert r.status_code == 422 and "patient_id" in r.json["error"]["fields"]
    assert stored() == 0


def test_an_empty_checkin_is_refused(client, device):
    _, headers = device
    r = post(client, headers, {})
    assert r.status_code == 422
    assert stored() == 0


def test_retry_with_the_same_key_returns_the_first_answer(client, device):
    _, headers = device
    key = str(uuid.uuid4())
    body = {"temperature": {"value": 37.2, "unit": "C"}}
    first = post(client, headers, body, key)
    second = post(client, headers, body, key)
    assert first.status_code == second.status_code == 201
    assert first.json == second.json
    assert stored() == 1


def test_same_key_with_a_different_body_is_refused(client, device):
    _, headers = device
    key = str(uuid.uuid4())
    post(client, headers, {"temperature": {"value": 37.2, "unit": "C"}}, key)
    r = post(client, headers, {"temperature": {"value": 39.0, "unit": "C"}}, key)
    assert r.status_code == 422 and "Idempotency-Key" in r.json["error"]["fields"]
    assert stored() == 1


def test_a_malformed_key_is_refused(client, device):
    _, headers = device
    r = post(client, headers, {"temperature": {"value": 37.2, "unit": "C"}}, "not-a-uuid")
    assert r.status_code == 422 and "Idempotency-Key" in r.json["error"]["fields"]


def test_a_device_lists_only_its_own_patients_checkins(client, device, make_patient, enrol):
    _, headers = device
    other = make_patient()
    other_headers = enrol(other)
    post(client, headers, {"temperature": {"value": 37.1, "unit": "C"}})
    post(client, other_headers, {"temperature": {"value": 36.5, "unit": "C"}})
    r = client.get("/api/v1/checkins", headers=headers)
    assert r.status_code == 200
    assert [c["temperature"]["value"] for c in r.json] == [37.1]


def test_checkin_writes_an_audit_row_without_values(client, device):
    patient, headers = device
    post(client, headers, {"temperature": {"value": 38.7, "unit": "C"}})
    rows = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "checkin.create")
    ).scalars().all()
    assert len(rows) == 1 and rows[0].patient_id == patient.id and rows[0].outcome == "ok"
    assert "38.7" not in repr(rows[0].detail)


def test_a_caregiver_records_as_caregiver(client, make_patient, enrol):
    patient = make_patient()
    headers = enrol(patient, "caregiver")
    r = post(client, headers, {"symptoms": ["confusion"]})
    assert r.status_code == 201 and r.json["recorded_by"] == "caregiver"


def test_a_quiet_checkin_is_one_insert_that_carries_its_answer(client, device):
    """Judged before its INSERT: no second statement to store the answer."""
    _, headers = device
    key = str(uuid.uuid4())
    body = {"temperature": {"value": 37.0, "unit": "C"}}
    answers = []
    _, sql = statements_during(lambda: answers.append(post(client, headers, body, key)))
    writes = [s.split()[0] for s in sql if "check_in" in s and not s.startswith("SELECT")]
    assert writes == ["INSERT"]
    first = answers[0]
    assert first.status_code == 201 and first.json["escalation"] is None
    row = db.session.get(CheckIn, first.json["id"])
    assert row.response["instruction"] == first.json["instruction"]
    assert post(client, headers, body, key).json == first.json  # the replay has the row's id


def test_an_alarming_checkin_is_stored_first_and_its_findings_cite_it(client, device):
    from server.models import Finding

    _, headers = device
    key = str(uuid.uuid4())
    body = {"temperature": {"value": 39.4, "unit": "C"}}
    first = post(client, headers, body, key)
    assert first.status_code == 201 and first.json["findings"]
    cited = db.session.execute(db.select(Finding.checkin_id)).scalars().all()
    assert cited and set(cited) == {first.json["id"]}
    second = post(client, headers, body, key)
    assert second.json == first.json
    assert stored() == 1


@pytest.mark.parametrize("body", [{"other": ""}, {"other": " \n\t "}, {"other": None},
                                  {"symptoms": []}])
def test_blank_free_text_is_no_observation(client, device, body):
    """Empty or blank free text is not an answer: alone it is an empty check-in."""
    _, headers = device
    r = post(client, headers, body)
    assert r.status_code == 422, r.json
    assert stored() == 0


def test_a_check_in_of_only_the_fever_medicine_answer_or_free_text_is_stored(client, device):
    """POLICY.md v2: any check-in, one with only either of these, is a check-in."""
    _, headers = device
    only_medicine = post(client, headers, {"antipyretic": False})
    only_text = post(client, headers, {"other": "feels cold"})
    assert only_medicine.status_code == 201 and only_text.status_code == 201
    rows = {r.id: r for r in db.session.execute(db.select(CheckIn)).scalars()}
    assert rows[only_medicine.json["id"]].antipyretic is False
    assert rows[only_text.json["id"]].other_text == "feels cold"
    assert only_medicine.json["antipyretic"] is False and only_text.json["other"] == "feels cold"


def test_free_text_is_stored_as_written_not_escaped(client, device):
    """Markup is kept verbatim (staff see it as text): no escaping, no stripping inside."""
    _, headers = device
    text = '<img src=x onerror="alert(1)"> & <b>bold</b>\nline two “quoted” ü'
    r = post(client, headers, {"other": "  " + text + "  "})
    assert r.status_code == 201, r.json
    assert db.session.get(CheckIn, r.json["id"]).other_text == text
    assert r.json["other"] == text


def test_free_text_over_500_characters_names_the_field_and_stores_nothing(client, device):
    _, headers = device
    r = post(client, headers, {"temperature": {"value": 38.6, "unit": "C"}, "other": "é" * 501})
    assert r.status_code == 422
    assert list(r.json["error"]["fields"]) == ["other"]
    assert stored() == 0


def test_new_inputs_are_stored_and_answered(client, device):
    _, headers = device
    r = post(client, headers, {
        "vitals": {"respiratory_rate": 22, "heart_rate": 88},
        "symptoms": ["bleeding", "sleepy"], "antipyretic": True,
        "antipyretic_kind": "paracetamol",
        "ice": {"orientation": 4, "naming": 3, "commands": 1, "writing": 1, "attention": 1,
                "self": True}})
    assert r.status_code == 201, r.json
    row = db.session.get(CheckIn, r.json["id"])
    assert (row.respiratory_rate, row.antipyretic, row.antipyretic_kind, row.ice_self) == (
        22, True, "paracetamol", True)
    assert row.symptoms == ["bleeding", "sleepy"]
    assert r.json["vitals"] == {"respiratory_rate": 22, "heart_rate": 88}
    assert r.json["ice_self"] is True and r.json["antipyretic_kind"] == "paracetamol"


def test_ice_without_self_is_not_a_self_check(client, device):
    _, headers = device
    r = post(client, headers, {"ice": {"orientation": 4, "naming": 3, "commands": 1,
                                       "writing": 1, "attention": 1}})
    assert db.session.get(CheckIn, r.json["id"]).ice_self is False


@pytest.mark.parametrize(("vitals", "reason", "severity"), [
    ({"systolic_bp": 48}, "hypotension", "emergency"),
    ({"spo2": 45}, "hypoxia", "emergency"),
    ({"heart_rate": 230}, "tachycardia", "urgent"),
])
def test_a_real_shock_reading_is_stored_and_escalates(client, device, vitals, reason, severity):
    """Policy v1 refused these as typos (422, nothing stored, no alert); v2 stores them."""
    _, headers = device
    r = post(client, headers, {"vitals": vitals})
    assert r.status_code == 201, r.json
    assert stored() == 1
    assert reason in r.json["escalation"]["reasons"]
    assert r.json["escalation"]["severity"] == severity
    assert r.json["instruction"]["severity"] == severity


def test_free_text_with_a_lone_surrogate_is_refused_not_a_server_error(client, device):
    """JSON can spell a lone surrogate; neither SQLite nor PostgreSQL can store one."""
    _, headers = device
    r = client.post("/api/v1/checkins", data='{"other": "a\\ud800b"}',
                    headers={**headers, "Content-Type": "application/json"})
    assert r.status_code == 422 and "other" in r.json["error"]["fields"]
    assert stored() == 0
