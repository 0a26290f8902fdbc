"""Measures through the API: stored features and baselines, 422 on absurd arrays, staff views."""
from __future__ import annotations

import json
import uuid
from dataclasses import replace

import numpy as np
import pytest
from conftest import login
from measures_synth import another_day, handwriting, motion, random_holder, random_writer

from server.extensions import db
from server.models import AuditEvent, Centre, CheckIn, Patient


def post(client, headers, body, raw: str | None = None):
    h = {**headers, "Idempotency-Key": str(uuid.uuid4())}
    if raw is not None:
        return client.post("/api/v1/checkins", data=raw, headers=h,
                           content_type="application/json")
    return client.post("/api/v1/checkins", json=body, headers=h)


def stored() -> int:
    return db.session.execute(db.select(db.func.count(CheckIn.id))).scalar()


def audits(action: str) -> list[AuditEvent]:
    return list(db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == action)).scalars())


@pytest.fixture
def device(make_patient, enrol):
    patient = make_patient()
    return patient, enrol(patient)


@pytest.fixture
def writer():
    rng = np.random.default_rng(42)
    return replace(random_writer(rng), letters_per_s=1.6), rng  # a writer of typical speed


def test_first_complete_sample_becomes_the_baseline(client, device, writer):
    patient, headers = device
    person, rng = writer
    r = post(client, headers, {"handwriting": {"judgement": "same",
                                               "strokes": handwriting(person, rng)}})
    assert r.status_code == 201, r.json
    features = r.json["handwriting"]["features"]
    assert features["complete"] is True and features["beyond_baseline"] is False
    assert features["deviation"] == 0.0 and features["baseline_id"] == r.json["id"]
    db.session.expire_all()
    assert db.session.get(Patient, patient.id).baseline_handwriting_checkin_id == r.json["id"]
    assert "R-HANDWRITING-MEASURED" not in r.json["findings"]


def test_a_normal_day_is_compared_and_does_not_fire(client, device, writer):
    _, headers = device
    person, rng = writer
    first = post(client, headers, {"handwriting": {"strokes": handwriting(person, rng)}})
    r = post(client, headers, {"handwriting": {"strokes": handwriting(another_day(person, rng),
                                                                        rng)}})
    features = r.json["handwriting"]["features"]
    assert features["baseline_id"] == first.json["id"]
    assert 0 < features["deviation"] < 1 and features["beyond_baseline"] is False
    assert set(features["components"]) == {"size", "micrographia", "drift", "jitter"}
    assert r.json["findings"] == []


def test_a_tremor_in_the_writing_is_stored_beyond_baseline_and_found(client, device, writer):
    _, headers = device
    person, rng = writer
    post(client, headers, {"handwriting": {"strokes": handwriting(person, rng)}})
    sample = handwriting(another_day(person, rng), rng, tremor_px=3.0)
    r = post(client, headers, {"handwriting": {"judgement": "same", "strokes": sample}})
    assert r.status_code == 201, r.json
    row = db.session.get(CheckIn, r.json["id"])
    assert row.handwriting_features["beyond_baseline"] is True
    assert row.handwriting_features["deviation"] >= 1.0
    assert "R-HANDWRITING-MEASURED" in r.json["findings"]


def test_a_tremor_in_the_motion_sample_is_found(client, device):
    patient, headers = device
    rng = np.random.default_rng(7)
    holder = random_holder(rng)
    first = post(client, headers, {"tremor": {"rating": "none", "motion": motion(holder, rng)}})
    assert first.status_code == 201, first.json
    assert first.json["tremor"]["features"]["baseline_id"] == first.json["id"]
    r = post(client, headers, {"tremor": {"rating": "none",
                                          "motion": motion(holder, rng, tremor=0.8)}})
    features = r.json["tremor"]["features"]
    assert features["beyond_baseline"] is True and features["deviation"] >= 3
    assert features["dominant_hz"] == pytest.approx(5.0, abs=0.3)
    assert "R-TREMOR-MEASURED" in r.json["findings"]
    db.session.expire_all()
    assert db.session.get(Patient, patient.id).baseline_tremor_checkin_id == first.json["id"]


def test_an_incomplete_sample_does_not_become_the_baseline(client, device):
    patient, headers = device
    tiny = {"canvas": {"width": 800, "height": 300}, "dpr": 1,
            "strokes": [[[10, 10, 0, 0.5], [14, 12, 16, 0.5]]]}
    r = post(client, headers, {"handwriting": {"strokes": tiny}})
    assert r.status_code == 201
    assert r.json["handwriting"]["features"]["complete"] is False
    db.session.expire_all()
    assert db.session.get(Patient, patient.id).baseline_handwriting_checkin_id is None


def _strokes(**over):
    body = {"canvas": {"width": 1000, "height": 400}, "dpr": 2,
            "strokes": [[[10 + i, 20, 100 + 16 * i, 0.5] for i in range(50)]]}
    body.update(over)
    return body


def _motion(seconds=12, rate=60, value=9.81):
    return {"samples": [[i * 1000 / rate, 0.1, value, 0.2]
                        for i in range(int(seconds * rate) + 1)]}


@pytest.mark.parametrize(
    ("observation", "field"),
    [
        ({"handwriting": {"strokes": _strokes(strokes=[[[1, 1, i, 0.5] for i in range(20_001)]])}},
         "handwriting.strokes.strokes"),
        ({"handwriting": {"strokes": _strokes(strokes=[[[5000, 20, 0, 0.5]]])}},
         "handwriting.strokes.strokes"),
        ({"handwriting": {"strokes": _strokes(strokes=[[[5, -100, 0, 0.5]]])}},
         "handwriting.strokes.strokes"),
        ({"handwriting": {"strokes": _strokes(strokes=[[[5, 5, 10, 0.5], [6, 6, 9, 0.5]]])}},
         "handwriting.strokes.strokes"),
        ({"handwriting": {"strokes": _strokes(strokes=[[[5, 5, 0, 0.5]], [[6, 6, 61_000, 0.5]]])}},
         "handwriting.strokes.strokes"),
        ({"handwriting": {"strokes": _strokes(strokes=[[[5, 5, 0, 2.0]]])}},
         "handwriting.strokes.strokes"),
        ({"handwriting": {"strokes": _strokes(strokes=[[[5, 5, 0]]])}},
         "handwriting.strokes.strokes"),
        ({"handwriting": {"strokes": _strokes(strokes=[[[5, True, 0, 0.5]]])}},
         "handwriting.strokes.strokes"),
        ({"handwriting": {"strokes": _strokes(strokes=[[]])}}, "handwriting.strokes.strokes"),
        ({"handwriting": {"strokes": _strokes(strokes="abc")}}, "handwriting.strokes.strokes"),
        ({"handwriting": {"strokes": _strokes(dpr=0)}}, "handwriting.strokes.dpr"),
        ({"handwriting": {"strokes": _strokes(canvas={"width": 1e9, "height": 10})}},
         "handwriting.strokes.canvas.width"),
        ({"handwriting": {"strokes": _strokes(extra=1)}}, "handwriting.strokes.extra"),
        ({"tremor": {"rating": "none", "motion": _motion(seconds=5)}}, "tremor.motion.samples"),
        ({"tremor": {"rating": "none", "motion": _motion(seconds=25, rate=60)}},
         "tremor.motion.samples"),
        ({"tremor": {"rating": "none", "motion": _motion(rate=5)}}, "tremor.motion.samples"),
        ({"tremor": {"rating": "none", "motion": _motion(rate=500)}}, "tremor.motion.samples"),
        ({"tremor": {"rating": "none", "motion": _motion(value=1e6)}}, "tremor.motion.samples"),
        ({"tremor": {"rating": "none", "motion": {"samples": [[0, 1, 2]]}}},
         "tremor.motion.samples"),
        ({"tremor": {"rating": "none", "motion": {}}}, "tremor.motion.samples"),
        ({"tremor": {"rating": "none", "motion": {"samples": [[2000, 0, 0, 0], [0, 0, 0, 0]]}}},
         "tremor.motion.samples"),
    ],
)
def test_absurd_arrays_are_refused_naming_the_field(client, device, observation, field):
    _, headers = device
    r = post(client, headers, observation)
    assert r.status_code == 422, r.json
    assert field in r.json["error"]["fields"], r.json
    assert stored() == 0


def test_non_finite_numbers_are_refused(client, device):
    _, headers = device
    body = json.dumps({"tremor": {"rating": "none", "motion": _motion()}})
    body = body.replace("9.81", "NaN", 1)
    r = post(client, headers, None, raw=body)
    assert r.status_code == 422 and "tremor.motion.samples" in r.json["error"]["fields"]
    assert stored() == 0


@pytest.fixture
def measured(client, device, writer):
    """A patient with a baseline handwriting sample and one later sample."""
    patient, headers = device
    person, rng = writer
    ids = [post(client, headers, {"handwriting": {"strokes": handwriting(person, rng)}}).json["id"]
           for _ in range(2)]
    return patient, ids


def test_staff_read_the_svg_at_the_baselines_scale(staff_client, measured):
    patient, (first, second) = measured
    def svg_url(checkin):
        return f"/api/v1/staff/patients/{patient.id}/checkins/{checkin}/handwriting.svg"

    r = staff_client.get(svg_url(second))
    assert r.status_code == 200
    assert r.mimetype == "image/svg+xml" and r.headers["Cache-Control"] == "no-store"
    svg = r.get_data(as_text=True)
    assert svg.startswith("<svg") and svg.count("<path") == 7
    base = staff_client.get(svg_url(first)).get_data(as_text=True)
    row = db.session.get(CheckIn, second)
    css_width = row.handwriting_strokes["canvas"]["width"] / row.handwriting_strokes["dpr"]
    assert f'width="{css_width:.0f}"' in svg and f'width="{css_width:.0f}"' in base
    events = audits("measures.handwriting.svg")
    assert [e.detail["checkin"] for e in events] == [second, first]
    assert all(e.patient_id == patient.id and e.actor_kind == "staff" for e in events)


def test_the_svg_is_scoped_to_the_centre(app, measured, make_staff):
    patient, (_first, second) = measured
    other = Centre(name="Centre B", phone_24h="+49 30 222")
    db.session.add(other)
    db.session.commit()
    outsider = make_staff(handle="nurse-b", centre_id=other.id)
    client = app.test_client()
    login(client, outsider)
    r = client.get(f"/api/v1/staff/patients/{patient.id}/checkins/{second}/handwriting.svg")
    assert r.status_code == 404
    refused = audits("patient.refused")
    assert refused and refused[-1].outcome == "denied"
    anonymous = app.test_client().get(
        f"/api/v1/staff/patients/{patient.id}/checkins/{second}/handwriting.svg")
    assert anonymous.status_code == 401


def test_a_checkin_without_strokes_has_no_svg(staff_client, client, device):
    patient, headers = device
    r = post(client, headers, {"handwriting": {"judgement": "same"}})
    svg = staff_client.get(
        f"/api/v1/staff/patients/{patient.id}/checkins/{r.json['id']}/handwriting.svg")
    assert svg.status_code == 404


def test_staff_list_handwriting_with_the_baseline_marked(staff_client, measured):
    patient, (first, second) = measured
    r = staff_client.get(f"/api/v1/staff/patients/{patient.id}/handwriting")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert [s["checkin_id"] for s in r.json] == [second, first]
    assert [s["is_baseline"] for s in r.json] == [False, True]
    assert r.json[0]["features"]["height_px"] > 0
    assert r.json[0]["svg_url"].endswith(f"/checkins/{second}/handwriting.svg")
    assert audits("measures.handwriting.list")


def test_staff_list_the_tremor_series(staff_client, client, device):
    patient, headers = device
    rng = np.random.default_rng(3)
    holder = random_holder(rng)
    for amplitude in (0.0, 0.0, 0.8):
        post(client, headers, {"tremor": {"rating": "mild",
                                          "motion": motion(holder, rng, tremor=amplitude)}})
    r = staff_client.get(f"/api/v1/staff/patients/{patient.id}/tremor")
    assert r.status_code == 200
    assert [s["is_baseline"] for s in r.json] == [False, False, True]
    assert [s["features"]["beyond_baseline"] for s in r.json] == [True, False, False]
    assert r.json[0]["label"] == "mild"
    assert audits("measures.tremor.list")


def test_staff_reset_the_baseline(staff_client, measured):
    patient, (first, second) = measured
    url = f"/api/v1/staff/patients/{patient.id}/baseline"
    r = staff_client.post(url, json={"handwriting_checkin_id": second})
    assert r.status_code == 200, r.json
    assert r.json == {"handwriting_checkin_id": second, "tremor_checkin_id": None, "ice": 10}
    db.session.expire_all()
    assert db.session.get(Patient, patient.id).baseline_handwriting_checkin_id == second
    assert audits("measures.baseline.set")


def test_a_baseline_must_be_a_complete_sample_of_the_patient(staff_client, measured,
                                                              make_patient):
    patient, (first, _second) = measured
    other = make_patient()
    url = f"/api/v1/staff/patients/{other.id}/baseline"
    r = staff_client.post(url, json={"handwriting_checkin_id": first})
    assert r.status_code == 422 and "handwriting_checkin_id" in r.json["error"]["fields"]
    r = staff_client.post(f"/api/v1/staff/patients/{patient.id}/baseline",
                          json={"tremor_checkin_id": first})
    assert r.status_code == 422 and "tremor_checkin_id" in r.json["error"]["fields"]
    r = staff_client.post(f"/api/v1/staff/patients/{patient.id}/baseline", json={})
    assert r.status_code == 422


def test_a_centre_override_within_bounds_changes_the_threshold(app, centre):
    from server.measures import service

    centre.threshold_overrides = {"handwriting_deviation": 1.5, "tremor_ratio": 99}
    assert service.thresholds(centre) == {"handwriting_deviation": 1.5, "tremor_ratio": 3.0}


@pytest.mark.parametrize(("override", "beyond"), [(None, True), (6.0, False), (99, True)])
def test_the_centres_tremor_threshold_applies_within_bounds(client, device, centre, override,
                                                            beyond):
    """Ratio about 5 (seed 7, 0.3 m/s^2): beyond the default 3, not beyond a centre's 6; an
    out-of-bounds override (99) is ignored."""
    _, headers = device
    centre.threshold_overrides = {} if override is None else {"tremor_ratio": override}
    db.session.commit()
    rng = np.random.default_rng(7)
    holder = random_holder(rng)
    post(client, headers, {"tremor": {"rating": "none", "motion": motion(holder, rng)}})
    r = post(client, headers, {"tremor": {"rating": "none",
                                          "motion": motion(holder, rng, tremor=0.3)}})
    features = r.json["tremor"]["features"]
    assert 4 < features["deviation"] < 6
    assert features["beyond_baseline"] is beyond
    assert ("R-TREMOR-MEASURED" in r.json["findings"]) is beyond


def test_the_largest_allowed_sample_is_accepted_and_measured(client, device):
    _, headers = device
    points = [[float(i % 900), float(50 + (i * 7) % 300), i * 2.95, 0.5] for i in range(20_000)]
    strokes = [points[k:k + 500] for k in range(0, 20_000, 500)]
    assert strokes[-1][-1][2] <= 60_000
    r = post(client, headers, {"handwriting": {"strokes": {
        "canvas": {"width": 1000, "height": 400}, "dpr": 1, "strokes": strokes}}})
    assert r.status_code == 201, r.json
    assert r.json["handwriting"]["features"]["points"] == 20_000


def test_a_stored_response_replays_with_the_same_features(client, device, writer):
    _, headers = device
    person, rng = writer
    body = {"handwriting": {"strokes": handwriting(person, rng)}}
    key = str(uuid.uuid4())
    first = client.post("/api/v1/checkins", json=body, headers={**headers, "Idempotency-Key": key})
    again = client.post("/api/v1/checkins", json=body, headers={**headers, "Idempotency-Key": key})
    assert first.json == again.json and stored() == 1


def test_a_baseline_change_is_kept_in_the_history_and_can_be_undone(staff_client, measured):
    patient, (first, second) = measured
    url = f"/api/v1/staff/patients/{patient.id}/baseline"
    r = staff_client.post(url, json={"handwriting_checkin_id": second, "reason": "new pen"})
    assert r.status_code == 200, r.json
    history = staff_client.get(f"/api/v1/staff/patients/{patient.id}/baselines").json
    assert [(c["kind"], c["checkin_id"], c["previous_checkin_id"]) for c in history] == [
        ("handwriting", second, first), ("handwriting", first, None)]
    assert history[0]["staff_handle"] == "admin-a" and history[0]["reason"] == "new pen"
    assert history[1]["staff_id"] is None  # the first complete sample became the baseline
    previous = history[0]["previous_checkin_id"]
    undo = staff_client.post(url, json={"handwriting_checkin_id": previous})
    assert undo.status_code == 200 and undo.json["handwriting_checkin_id"] == first
    db.session.expire_all()
    assert db.session.get(Patient, patient.id).baseline_handwriting_checkin_id == first
    history = staff_client.get(f"/api/v1/staff/patients/{patient.id}/baselines").json
    assert [c["checkin_id"] for c in history] == [first, second, first]
    assert [e.detail for e in audits("measures.baseline.set")][-1] == {
        "kind": "handwriting", "old": second, "new": first}
    assert audits("measures.baseline.list")


def test_the_ice_baseline_history_from_the_form_and_the_baseline_endpoint(staff_client,
                                                                          make_patient):
    patient = make_patient()
    r = staff_client.patch(f"/api/v1/staff/patients/{patient.id}", json={"baseline_ice": 8})
    assert r.status_code == 200 and r.json["baseline_ice"] == 8
    r = staff_client.post(f"/api/v1/staff/patients/{patient.id}/baseline",
                          json={"ice": 10, "reason": "back to normal"})
    assert r.status_code == 200 and r.json["ice"] == 10
    history = staff_client.get(f"/api/v1/staff/patients/{patient.id}/baselines").json
    assert [(c["kind"], c["value"], c["previous_value"]) for c in history] == [
        ("ice", 10, 8), ("ice", 8, 10)]
    r = staff_client.post(f"/api/v1/staff/patients/{patient.id}/baseline", json={"ice": 11})
    assert r.status_code == 422 and "ice" in r.json["error"]["fields"]


def test_the_baseline_history_is_scoped_to_the_centre(app, measured, make_staff):
    patient, _ids = measured
    other = Centre(name="Centre B", phone_24h="+49 30 222")
    db.session.add(other)
    db.session.commit()
    client = app.test_client()
    login(client, make_staff(handle="nurse-b", centre_id=other.id))
    assert client.get(f"/api/v1/staff/patients/{patient.id}/baselines").status_code == 404
