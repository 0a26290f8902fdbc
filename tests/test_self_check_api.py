"""ICE self-check (POLICY.md v2 "Who asks"): the server scores the answers, not the total."""
from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path

import numpy as np
import pytest
from measures_synth import handwriting, random_writer

from server.clinical import self_check
from server.extensions import db
from server.models import CheckIn

# START (conftest) is 2026-03-10 07:00 UTC, 08:00 in Berlin: March 2026 there.
FULL_MARKS = {"orientation": 4, "naming": 3, "commands": 1, "writing": 1, "attention": 1}
NO_MARKS = dict.fromkeys(FULL_MARKS, 0)
COUNT = [90, 80, 70, 60, 50, 40, 30, 20, 10]


def post(client, headers, body):
    return client.post("/api/v1/checkins", json=body,
                       headers={**headers, "Idempotency-Key": str(uuid.uuid4())})


def strokes():
    rng = np.random.default_rng(7)
    return handwriting(random_writer(rng), rng)


def right_answers(**changes) -> dict:
    answers = {"year": 2026, "month": 3, "city": "Berlin", "place": "Centre A",
               "naming": [{"picture": "p01", "answer": "key"},
                          {"picture": "p08", "answer": "tree"},
                          {"picture": "p14", "answer": "star"}],
               "command": ["blue", "blue"], "counting": COUNT}
    answers.update(changes)
    return answers


def self_check_body(answers, items=FULL_MARKS, **extra) -> dict:
    return {"ice": {**items, "self": True, "answers": answers},
            "handwriting": {"strokes": strokes()}, **extra}


@pytest.fixture
def device(make_patient, enrol):
    patient = make_patient()
    return patient, enrol(patient)


def stored(response) -> CheckIn:
    assert response.status_code == 201, response.json
    return db.session.get(CheckIn, response.json["id"])


def test_right_answers_score_ten_whatever_the_phone_claims(client, device):
    _, headers = device
    row = stored(post(client, headers, self_check_body(right_answers(), items=NO_MARKS)))
    assert (row.ice_total, row.ice_self) == (10, True)
    assert row.ice == FULL_MARKS


def test_a_wrong_year_lowers_the_score_although_the_phone_claims_full_marks(client, device):
    _, headers = device
    r = post(client, headers, self_check_body(right_answers(year=2025)))
    row = stored(r)
    assert (row.ice_orientation, row.ice_total) == (3, 9)
    assert r.json["ice_total"] == 9 and r.json["ice_self"] is True
    assert "R-ICE-LOW" in r.json["findings"]  # 9 below the baseline of 10 (R-ICE-LOW)


def test_a_wrong_counting_sequence_scores_no_attention(client, device):
    _, headers = device
    wrong = [90, 80, 70, 60, 50, 40, 30, 20, 11]
    row = stored(post(client, headers, self_check_body(right_answers(counting=wrong))))
    assert (row.ice_attention, row.ice_total) == (0, 9)
    row = stored(post(client, headers, self_check_body(right_answers(counting=COUNT[:8]))))
    assert row.ice_attention == 0


def test_wrong_month_city_place_pictures_and_taps_each_cost_their_point(client, device):
    _, headers = device
    answers = right_answers(month=2, city="Hamburg", place=None, command=["blue", "red"],
                            naming=[{"picture": "p01", "answer": "cup"},
                                    {"picture": "p08", "answer": None},
                                    {"picture": "p14", "answer": "star"}])
    row = stored(post(client, headers, self_check_body(answers)))
    assert row.ice == {"orientation": 1, "naming": 1, "commands": 0, "writing": 1,
                       "attention": 1}
    assert row.ice_total == 4


def test_city_and_place_match_without_case_accents_or_spacing(client, make_patient, enrol):
    patient = make_patient(city="München", place_of_care="Klinikum rechts der Isar")
    headers = enrol(patient)
    answers = right_answers(city="  munchen ", place="KLINIKUM Rechts der isar")
    row = stored(post(client, headers, self_check_body(answers)))
    assert row.ice_orientation == 4


@pytest.mark.parametrize(("observed", "month", "right"), [
    # 31 March 22:30 UTC is 00:30 on 1 April in Berlin: March is still right within 60 min
    (dt.datetime(2026, 3, 31, 22, 30, tzinfo=dt.UTC), 3, True),
    (dt.datetime(2026, 3, 31, 22, 30, tzinfo=dt.UTC), 4, True),
    # 02:00 on 1 April: March is past
    (dt.datetime(2026, 4, 1, 0, 0, tzinfo=dt.UTC), 3, False),
    (dt.datetime(2026, 4, 1, 0, 0, tzinfo=dt.UTC), 4, True),
    # the patient's zone, not UTC: 23:30 UTC on 31 March is already April in Berlin
    (dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC), 4, True),
])
def test_the_month_is_the_patients_local_one_around_midnight(
        client, device, clock, observed, month, right):
    _, headers = device
    clock.set(observed + dt.timedelta(minutes=1))
    body = self_check_body(right_answers(month=month), observed_at=observed.isoformat())
    row = stored(post(client, headers, body))
    assert row.ice_orientation == (4 if right else 3)


def test_the_year_turns_at_local_midnight(client, device, clock):
    _, headers = device
    observed = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)  # 00:30 on 1 Jan 2027 there
    clock.set(observed)
    for year, points in ((2027, 4), (2026, 4), (2025, 3)):
        answers = right_answers(year=year, month=1)
        row = stored(post(client, headers, self_check_body(answers)))
        # 2026 is right within the 60 min tolerance; the month answer 1 is right
        assert row.ice_orientation == points, year


def test_writing_needs_a_sentence_on_the_pad(client, device):
    _, headers = device
    body = self_check_body(right_answers())
    del body["handwriting"]
    row = stored(post(client, headers, body))
    assert (row.ice_writing, row.ice_total) == (0, 9)


def test_the_sentence_of_the_handwriting_check_just_before_counts(client, device, clock):
    _, headers = device
    stored(post(client, headers, {"handwriting": {"strokes": strokes()}}))  # no judgement
    clock.advance(minutes=5)
    body = self_check_body(right_answers())
    del body["handwriting"]
    assert stored(post(client, headers, body)).ice_writing == 1


def test_a_patient_alone_sends_handwriting_without_a_judgement(client, device):
    _, headers = device
    r = post(client, headers, {"handwriting": {"strokes": strokes()}})
    assert stored(r).handwriting_judgement is None
    assert r.json["handwriting"]["has_strokes"] is True


def test_a_led_check_is_stored_as_the_caregiver_scored_it(client, device):
    _, headers = device
    items = {**FULL_MARKS, "naming": 2}
    row = stored(post(client, headers, {"ice": items}))
    assert (row.ice_total, row.ice_self) == (9, False)


def test_a_self_check_queued_by_an_earlier_app_without_answers_is_kept(client, device):
    _, headers = device
    row = stored(post(client, headers, {"ice": {**FULL_MARKS, "self": True}}))
    assert (row.ice_total, row.ice_self) == (10, True)


def test_no_city_on_record_scores_no_city_point_and_offers_no_options(
        client, make_patient, enrol):
    patient = make_patient(city=None)
    headers = enrol(patient)
    me = client.get("/api/v1/device/me", headers=headers).json
    assert me["self_check"]["city_options"] is None
    row = stored(post(client, headers, self_check_body(right_answers(city="Berlin"))))
    assert row.ice_orientation == 3


@pytest.mark.parametrize(("ice", "field"), [
    ({**FULL_MARKS, "answers": right_answers()}, "ice.answers"),  # a led check has no answers
    ({**FULL_MARKS, "self": True, "answers": right_answers(year="2026")}, "ice.answers.year"),
    ({**FULL_MARKS, "self": True, "answers": right_answers(year=10**12)}, "ice.answers.year"),
    ({**FULL_MARKS, "self": True, "answers": right_answers(month=13)}, "ice.answers.month"),
    ({**FULL_MARKS, "self": True, "answers": right_answers(city="x" * 121)}, "ice.answers.city"),
    ({**FULL_MARKS, "self": True, "answers": right_answers(counting=COUNT + [0])},
     "ice.answers.counting"),
    ({**FULL_MARKS, "self": True, "answers": right_answers(counting=[90.5])},
     "ice.answers.counting"),
    ({**FULL_MARKS, "self": True, "answers": right_answers(command=["blue"] * 7)},
     "ice.answers.command"),
    ({**FULL_MARKS, "self": True, "answers": right_answers(command=["purple"])},
     "ice.answers.command"),
    ({**FULL_MARKS, "self": True, "answers": right_answers(naming=[])}, "ice.answers.naming"),
    ({**FULL_MARKS, "self": True, "answers": right_answers(
        naming=[{"picture": "p01", "answer": "key"}] * 3)}, "ice.answers.naming"),
    ({**FULL_MARKS, "self": True, "answers": right_answers(
        naming=[{"picture": "key", "answer": "key"}, {"picture": "p02", "answer": "cup"},
                {"picture": "p03", "answer": "pencil"}])}, "ice.answers.naming"),
    ({**FULL_MARKS, "self": True, "answers": {**right_answers(), "total": 10}},
     "ice.answers.total"),
])
def test_hostile_answers_are_refused_naming_the_field(client, device, ice, field):
    _, headers = device
    before = db.session.execute(db.select(db.func.count(CheckIn.id))).scalar()
    r = post(client, headers, {"ice": ice})
    assert r.status_code == 422, r.json
    flat = str(r.json)
    assert all(part in flat for part in field.split(".")), r.json
    assert db.session.execute(db.select(db.func.count(CheckIn.id))).scalar() == before


def test_the_phone_gets_city_and_place_among_three_stable_others(client, device):
    patient, headers = device
    first = client.get("/api/v1/device/me", headers=headers).json["self_check"]
    again = client.get("/api/v1/device/me", headers=headers).json["self_check"]
    assert first == again  # the same options each time: the right one never stands out
    assert len(first["city_options"]) == 4 and "Berlin" in first["city_options"]
    assert len(set(first["city_options"])) == 4
    assert len(first["place_options"]) == 4 and "Centre A" in first["place_options"]


def test_the_apps_picture_bank_is_the_servers(app):
    source = (Path(app.root_path).parent / "pwa/app/js/pictures.js").read_text()
    pairs = dict(re.findall(r"(p\d\d): '([a-z]+)'", source))
    assert pairs == self_check.PICTURES
    assert len(pairs) >= 12
    for picture in pairs:
        svg = (Path(app.root_path).parent / f"pwa/app/img/ice/{picture}.svg").read_text()
        assert "<title" not in svg and "<text" not in svg  # the image never names itself
