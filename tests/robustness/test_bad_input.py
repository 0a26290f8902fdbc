"""Bad input: every malformed request gets the one JSON error shape and stores nothing."""
from __future__ import annotations

import json

import pytest

from server.extensions import db
from server.models import CheckIn

GOOD = {"temperature": {"value": 37.0, "unit": "C"}}
CANVAS = {"canvas": {"width": 300, "height": 150}, "dpr": 2}


def _strokes(groups: int, points: int) -> dict:
    return {"handwriting": {"strokes": {**CANVAS, "strokes": [
        [[10 + i, 10 + g, i * 10, 0.5] for i in range(points)] for g in range(groups)]}}}


def _motion(samples: int) -> dict:
    return {"tremor": {"rating": "none", "motion": {
        "samples": [[i * 10, 0.1, 0.2, 9.8] for i in range(samples)]}}}


CASES = {
    "oversized body": (413, {"data": json.dumps({"symptoms": ["fever"] * 200_000}),
                             "content_type": "application/json"}),
    "text/plain": (415, {"data": json.dumps(GOOD), "content_type": "text/plain"}),
    "form encoded": (415, {"data": {"temperature": "37"}}),
    "no content type": (415, {"data": json.dumps(GOOD)}),
    "xml": (415, {"data": "<checkin/>", "content_type": "application/xml"}),
    "truncated JSON": (400, {"data": '{"temperature": {"value": 37', "content_type":
                             "application/json"}),
    "not UTF-8": (400, {"data": b"\xff\xfe\x00", "content_type": "application/json"}),
    "nested ten thousand deep": (400, {"data": "[" * 10_000 + "]" * 10_000,
                                       "content_type": "application/json"}),
    "a list, not an object": (422, {"json": [GOOD]}),
    "unknown top-level field": (422, {"json": {**GOOD, "patient_id": 1}}),
    "unknown nested field": (422, {"json": {"temperature": {**GOOD["temperature"], "x": 1}}}),
    "NaN temperature": (422, {"data": '{"temperature": {"value": NaN, "unit": "C"}}',
                              "content_type": "application/json"}),
    "huge number": (422, {"json": {"temperature": {"value": 1e308, "unit": "C"}}}),
    "too many strokes": (422, {"json": _strokes(groups=600, points=1)}),
    "too many points": (422, {"json": _strokes(groups=10, points=2_500)}),
    "ragged stroke points": (422, {"json": {"handwriting": {"strokes": {
        **CANVAS, "strokes": [[[1, 2, 3]]]}}}}),
    "too many motion samples": (422, {"json": _motion(6_000)}),
    "motion of strings": (422, {"json": {"tremor": {"rating": "none", "motion": {
        "samples": [["a", "b", "c", "d"]] * 10}}}}),
    "absurd symptom list": (422, {"json": {"symptoms": ["fever"] * 500}}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_checkin_bodies_are_refused_with_the_error_shape(client, make_patient, enrol, name):
    status, kwargs = CASES[name]
    headers = enrol(make_patient())
    response = client.post("/api/v1/checkins", headers=headers, **kwargs)
    assert response.status_code == status, response.get_data()[:300]
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["status"] == status and error["code"] and error["message"]
    assert db.session.execute(db.select(db.func.count()).select_from(CheckIn)).scalar() == 0


def test_a_good_body_still_passes(client, make_patient, enrol):
    response = client.post("/api/v1/checkins", headers=enrol(make_patient()), json=GOOD)
    assert response.status_code == 201


@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/auth/totp", "/api/v1/enrol"])
def test_anonymous_endpoints_refuse_other_content_types(client, path):
    response = client.post(path, data="email=a@b.c",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"


def test_bodiless_posts_need_no_content_type(staff_client):
    response = staff_client.post("/api/v1/auth/logout")
    assert response.status_code == 204


def test_unexpected_methods_get_the_error_shape(client):
    response = client.put("/api/v1/checkins", json=GOOD)
    assert response.status_code == 405
    assert response.get_json()["error"]["status"] == 405
