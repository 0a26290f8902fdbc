"""Staff app wording on the API side: a handle refusal says what is allowed; the centre's
clock format (24h / 12h) is a validated centre setting every member of staff receives."""
from __future__ import annotations

import numpy as np
import pytest
from conftest import PASSWORD

from server.extensions import db
from server.models import Centre


@pytest.mark.parametrize("handle", ["Nurse A", "-nurse", "n", "nurse/a", "nürse"])
def test_bad_handle_says_what_is_allowed(staff_client, handle):
    body = {"handle": handle, "name": "N", "email": "n@example.org", "role": "nurse",
            "password": PASSWORD}
    r = staff_client.post("/api/v1/staff/admin/staff", json=body)
    assert r.status_code == 422
    [message] = r.json["error"]["fields"]["handle"]
    assert "lower-case letters" in message and "hyphen" in message and "2 to 64" in message


@pytest.mark.parametrize("handle", ["nurse.a_b-c", "a1", "0" * 64])
def test_good_handles_are_taken(staff_client, handle):
    body = {"handle": handle, "name": "N", "email": f"{len(handle)}@example.org",
            "role": "nurse", "password": PASSWORD}
    assert staff_client.post("/api/v1/staff/admin/staff", json=body).status_code == 201


def test_centre_clock_defaults_to_24h_and_can_be_12h(staff_client, centre):
    assert staff_client.get("/api/v1/staff/admin/centre").json["time_format"] == "24h"
    r = staff_client.patch("/api/v1/staff/admin/centre", json={"time_format": "12h"})
    assert r.status_code == 200, r.json
    assert r.json["time_format"] == "12h"
    db.session.expire_all()
    assert db.session.get(Centre, centre.id).time_format == "12h"


@pytest.mark.parametrize("value", ["am", "24", "", 12, None])
def test_other_clock_formats_are_refused_and_nothing_changes(staff_client, centre, value):
    r = staff_client.patch("/api/v1/staff/admin/centre",
                           json={"time_format": value, "name": "Renamed"})
    assert r.status_code == 422
    assert "time_format" in r.json["error"]["fields"]
    db.session.expire_all()
    row = db.session.get(Centre, centre.id)
    assert (row.time_format, row.name) == ("24h", "Centre A")


def test_every_member_of_staff_gets_the_centre_zone_and_clock(app, make_staff, centre):
    from conftest import login

    centre.time_format = "12h"
    db.session.commit()
    nurse = make_staff(handle="nurse-z", role="nurse")
    client = app.test_client()
    login(client, nurse)
    body = client.get("/api/v1/auth/me").json
    assert body["centre"] == {"timezone": "Europe/Berlin", "time_format": "12h"}


def test_measured_feature_names_are_all_known():
    """The FEATURE_NAMES list covers what the measures really store."""
    from server.measures import handwriting, tremor
    from server.measures.service import FEATURE_NAMES
    from tests.measures_synth import handwriting as strokes
    from tests.measures_synth import motion, random_holder, random_writer

    rng = np.random.default_rng(3)
    found = set(tremor.features(motion(random_holder(rng), rng, tremor=0.3)))
    found |= set(handwriting.features(strokes(random_writer(rng), rng)))
    found |= {"ratio", "size", "micrographia", "drift", "jitter", "deviation", "components",
              "beyond_baseline", "baseline_id", "error"}
    assert found <= set(FEATURE_NAMES), found - set(FEATURE_NAMES)
