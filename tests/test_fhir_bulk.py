"""Bulk Data $export, and the EHR of issue 18: a backend-services token, a patient's whole
course read, a centre bulk-exported; files only for the client that asked."""
from __future__ import annotations

import json
import uuid

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir_helpers import Ehr, seed_course

from server.extensions import db
from server.fhir import bulk
from server.fhir.common import PATIENT_TYPES
from server.models import AuditEvent, CheckIn, FhirExport
from tests.conftest import signed_in

FHIR = "/fhir/R4"
ASYNC = {"Prefer": "respond-async"}


@pytest.fixture
def world(app, client, clock, centre, make_patient, enrol, make_staff):
    patient = make_patient()
    ids = seed_course(client, clock, patient, enrol, make_staff)
    other = make_patient()  # a second patient of the same centre, no entries
    ehr = Ehr("ES384")
    ehr.register(centre.id)
    token = ehr.token(client)
    return {"patient": patient, "other": other, "ids": ids, "ehr": ehr,
            "auth": {"Authorization": f"Bearer {token}"}, "device": enrol(patient)}


def kick(client, auth, path="$export", **params):
    r = client.get(f"{FHIR}/{path}", query_string=params, headers={**auth, **ASYNC})
    assert r.status_code == 202, r.get_data(as_text=True)
    return r.headers["Content-Location"].removeprefix("http://localhost")


def finish(client, auth, status_url):
    r = client.get(status_url, headers=auth)
    assert r.status_code == 202 and r.headers["X-Progress"] == "queued"
    assert bulk.run_pending() == 1
    r = client.get(status_url, headers=auth)
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.mimetype == "application/json"  # the Bulk Data manifest is plain JSON
    return r.json


def ndjson(client, auth, url):
    r = client.get(url.removeprefix("http://localhost"), headers=auth)
    assert r.status_code == 200 and r.mimetype == "application/fhir+ndjson"
    return [json.loads(line) for line in r.get_data(as_text=True).splitlines()]


def test_an_ehr_reads_a_whole_course_and_bulk_exports_the_centre(client, world):
    auth, patient = world["auth"], world["patient"]
    # the patient's whole course, through search, as an EHR would read it
    course = {}
    for rtype in PATIENT_TYPES:
        params = {} if rtype in ("Patient", "Binary") else {"patient": patient.id}
        r = client.get(f"{FHIR}/{rtype}", query_string=params, headers=auth)
        assert r.status_code == 200
        course[rtype] = [e["resource"] for e in r.json.get("entry", [])]
    temps = [o for o in course["Observation"] if o["code"]["coding"][0]["code"] == "8310-5"]
    stored = db.session.scalars(db.select(CheckIn.temperature_value).where(
        CheckIn.patient_id == patient.id).order_by(CheckIn.observed_at)).all()
    assert [o["valueQuantity"]["value"] for o in temps] == stored
    assert course["Flag"] and course["DetectedIssue"] and course["Communication"]
    # the centre, bulk-exported
    manifest = finish(client, auth, kick(client, auth))
    assert manifest["requiresAccessToken"] is True and manifest["request"].endswith("$export")
    exported = {o["type"]: ndjson(client, auth, o["url"]) for o in manifest["output"]}
    assert set(exported) == set(PATIENT_TYPES)
    for rtype, resources in exported.items():
        assert len(resources) == {o["type"]: o["count"] for o in manifest["output"]}[rtype]
        for resource in resources:
            get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    assert {p["identifier"][0]["value"] for p in exported["Patient"]} == {
        patient.code, world["other"].code}
    by_id = {o["id"]: o for o in exported["Observation"]}
    assert all(by_id[o["id"]] == o for o in course["Observation"])


def test_patient_level_export_with_type_and_since(client, world, clock):
    from server.clock import now
    from server.fhir.common import instant

    auth = world["auth"]
    manifest = finish(client, auth, kick(client, auth, "Patient/$export",
                                         _type="Observation,Flag"))
    assert sorted(o["type"] for o in manifest["output"]) == ["Flag", "Observation"]
    clock.advance(hours=1)
    cut = instant(now())
    clock.advance(minutes=1)
    r = client.post("/api/v1/checkins", json={"temperature": {"value": 37.1, "unit": "C"}},
                    headers={**world["device"], "Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.json
    auth = {"Authorization": f"Bearer {world['ehr'].token(client)}"}  # the first one expired
    manifest = finish(client, auth, kick(client, auth, _type="Observation", _since=cut))
    [observations] = [ndjson(client, auth, o["url"]) for o in manifest["output"]]
    assert [o["id"] for o in observations] == [f"{r.json['id']}-temperature"]


def test_status_and_files_are_only_for_the_client_that_asked(client, world, centre,
                                                             make_staff, app):
    auth = world["auth"]
    status_url = kick(client, auth, _type="Patient")
    manifest = finish(client, auth, status_url)
    file_url = manifest["output"][0]["url"].removeprefix("http://localhost")
    twin = Ehr()
    twin.register(centre.id)  # same centre, another client
    other = {"Authorization": f"Bearer {twin.token(client)}"}
    staff = signed_in(app, make_staff(handle="same-centre"))
    for who in (other, {}):
        assert client.get(status_url, headers=who).status_code in (401, 404)
        assert client.get(file_url, headers=who).status_code in (401, 404)
    assert staff.get(status_url).status_code == 404
    assert staff.get(file_url).status_code == 404
    r = client.get(file_url, headers=other)
    assert r.status_code == 404 and r.json["resourceType"] == "OperationOutcome"


def test_delete_cancels_an_export_and_removes_its_files(client, world):
    auth = world["auth"]
    status_url = kick(client, auth, _type="Patient")
    manifest = finish(client, auth, status_url)
    job_id = status_url.rsplit("/", 1)[1]
    folder = bulk.export_dir(job_id)
    assert any(folder.iterdir())
    r = client.delete(status_url, headers=auth)
    assert r.status_code == 202
    assert not folder.exists()
    assert client.get(status_url, headers=auth).status_code == 404
    assert client.get(manifest["output"][0]["url"].removeprefix("http://localhost"),
                      headers=auth).status_code == 404
    queued = kick(client, auth, _type="Patient")
    assert client.delete(queued, headers=auth).status_code == 202
    assert bulk.run_pending() == 0  # a cancelled job never runs


@pytest.mark.parametrize(("params", "headers", "status"), [
    ({}, {}, 400),  # no Prefer: respond-async
    ({"_type": "Practitioner"}, ASYNC, 400),
    ({"_since": "last week"}, ASYNC, 400),
    ({"_outputFormat": "text/csv"}, ASYNC, 400),
    ({"_elements": "id"}, ASYNC, 400),
])
def test_bad_kick_offs_are_operation_outcomes(client, world, params, headers, status):
    r = client.get(f"{FHIR}/$export", query_string=params, headers={**world["auth"], **headers})
    assert r.status_code == status and r.json["resourceType"] == "OperationOutcome"
    assert db.session.scalars(db.select(FhirExport)).all() == []


def test_staff_export_their_own_centre_and_the_export_is_audited(app, client, world,
                                                                 make_staff, other_centre):
    staff = signed_in(app, make_staff(handle="exporter"))
    r = staff.get(f"{FHIR}/$export", query_string={"_type": "Patient"}, headers=ASYNC)
    assert r.status_code == 202
    manifest = finish(staff, {}, r.headers["Content-Location"].removeprefix("http://localhost"))
    assert manifest["output"][0]["count"] == 2
    outsider = signed_in(app, make_staff(handle="far", centre_id=other_centre.id))
    r = outsider.get(f"{FHIR}/$export", query_string={"_type": "Patient"}, headers=ASYNC)
    manifest = finish(outsider, {}, r.headers["Content-Location"].removeprefix(
        "http://localhost"))
    assert manifest["output"] == []  # centre B has no patients
    rows = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == "fhir.export")).all()
    assert sorted(r.detail["count"] for r in rows) == [0, 2]
    assert {world["patient"].id, world["other"].id} == set(
        next(r for r in rows if r.detail["count"] == 2).detail["patients"])


def test_the_worker_runs_queued_exports_in_their_own_job_not_the_alert_tick(app, client, world):
    from apscheduler.schedulers.background import BackgroundScheduler

    from server.worker import _schedule, exports_once, run_once

    status_url = kick(client, world["auth"], _type="Patient")
    db.session.commit()  # the test's own session holds nothing while the worker writes
    assert "exports" not in run_once(app)  # the alert tick never waits for an export
    assert client.get(status_url, headers=world["auth"]).status_code == 202
    scheduler = BackgroundScheduler(timezone="UTC")
    _schedule(scheduler, lambda: None, app)
    assert scheduler.get_job("cartwatch-fhir-exports").func is exports_once
    db.session.commit()
    assert exports_once(app) == 1
    assert client.get(status_url, headers=world["auth"]).status_code == 200
