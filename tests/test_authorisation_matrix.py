"""Every patient-data endpoint, found from the URL map, refuses callers outside its scope.

Callers: another patient's device, another centre's staff, a revoked device, nobody. A new
endpoint is covered automatically; only the sign-in and public endpoints are listed as open.
"""
from __future__ import annotations

import uuid

import pytest

from server.auth import scope
from server.extensions import db
from server.models import Centre, CheckIn, Device
from tests.conftest import login

PUBLIC = {
    "/api/v1/auth/login", "/api/v1/auth/totp", "/api/v1/enrol", "/api/v1/push/key",
    "/api/v1/push/ack",
    # FHIR conformance resources (no patient data) and the backend-services token endpoint
    "/fhir/R4/metadata", "/fhir/R4/.well-known/smart-configuration",
    "/fhir/R4/Questionnaire/ice", "/fhir/R4/CodeSystem/cartwatch", "/oauth/token",
}
# Provider callbacks (server/api/channels.py) carry no session or token: the SMS/voice
# provider signs each request (X-Twilio-Signature). The matrix calls them like every other
# endpoint (every caller below is refused, 403); the test after it checks that neither a
# staff session nor a device token stands in for the signature.
PROVIDER_SIGNED = {
    "/api/v1/channels/twilio/status", "/api/v1/channels/twilio/voice",
    "/api/v1/channels/twilio/gather", "/api/v1/channels/twilio/sms",
}
REFUSED = {401, 403, 404}
VICTIM_NAME = "Victim Canary-Name"


def api_rules(app):
    return sorted(
        (rule for rule in app.url_map.iter_rules()
         if rule.rule.startswith(("/api/v1/", "/fhir/")) and rule.rule not in PUBLIC),
        key=lambda r: r.rule,
    )


@pytest.fixture
def world(app, client, make_patient, make_staff, enrol):
    """A victim patient with data, and four callers who must not reach it."""
    victim = make_patient(display_name=VICTIM_NAME)
    victim_headers = enrol(victim)
    caregiver_headers = enrol(victim, "caregiver")
    r = client.post("/api/v1/checkins", json={"temperature": {"value": 38.6, "unit": "C"}},
                    headers={**victim_headers, "Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201
    revoked_headers = enrol(victim)
    revoked = db.session.execute(db.select(Device).order_by(Device.id.desc())).scalars().first()
    from server.services.enrolment import revoke_device
    revoke_device(revoked)
    other_patient_headers = enrol(make_patient())
    centre_b = Centre(name="Centre B", phone_24h="+1 555", emergency_number="911",
                      timezone="America/New_York")
    db.session.add(centre_b)
    db.session.commit()
    outsider = make_staff(handle="outsider", role="admin", centre_id=centre_b.id)
    staff_client = app.test_client()
    csrf = login(staff_client, outsider)
    ids = {"patient_id": victim.id, "device_id": revoked.id,
           "caregiver_id": victim.caregivers[0].id,
           "checkin_id": db.session.execute(db.select(CheckIn.id)).scalar()}
    for name in scope._OWNERS:
        ids.setdefault(name, _any_row_of_victim(name, victim.id))
    ids.update(_victim_centre_rota(victim))  # rota: centre A's rota and override exist
    return {
        "victim": victim, "ids": ids, "caregiver_headers": caregiver_headers,
        "callers": {
            "other patient's device": (client, other_patient_headers),
            "other centre's staff": (staff_client, {"X-CSRF-Token": csrf}),
            "revoked device": (client, revoked_headers),
            "anonymous": (client, {}),
        },
    }


def _any_row_of_victim(arg: str, patient_id: int) -> int:
    """Find an id for a path argument registered by a later module (escalations…)."""
    for model in db.Model.registry.mappers:
        cls = model.class_
        if cls.__tablename__ + "_id" == arg and hasattr(cls, "patient_id"):
            row = db.session.execute(
                db.select(cls.id).where(cls.patient_id == patient_id)).scalar()
            if row is not None:
                return row
    return 1


def _victim_centre_rota(victim) -> dict:
    """rota: a rota (with an override) of the victim's centre, for the `rota_id` routes."""
    import datetime as dt

    from server.models import Rota, RotaOverride, Staff

    nurse = db.session.execute(db.select(Staff).where(
        Staff.centre_id == victim.centre_id)).scalars().first()
    rota = Rota(centre_id=victim.centre_id, tier=nurse.tier, pattern="daily",
                handoffs=["07:00"], starts_on=dt.date(2026, 3, 1), people=[nurse.id])
    db.session.add(rota)
    db.session.flush()
    at = dt.datetime(2026, 3, 10, tzinfo=dt.UTC)
    row = RotaOverride(rota_id=rota.id, kind="absence", starts_at=at,
                       ends_at=at + dt.timedelta(hours=1))
    db.session.add(row)
    db.session.commit()
    return {"rota_id": rota.id, "override_id": row.id}


def fill(rule, ids) -> str:
    url = rule.rule
    for arg in rule.arguments:
        url = url.replace(f"<int:{arg}>", str(ids.get(arg, 1))).replace(f"<{arg}>", "x")
    return url


def call(client, method, url, headers):
    kwargs = {"headers": headers}
    if method in {"POST", "PUT", "PATCH", "DELETE"}:
        kwargs["json"] = {}
    return client.open(url, method=method, **kwargs)


def test_the_matrix_covers_the_known_endpoints(app):
    rules = {r.rule for r in api_rules(app)}
    assert "/api/v1/checkins" in rules
    assert "/api/v1/staff/patients/<int:patient_id>/checkins" in rules
    assert {"/fhir/R4/<rtype>/<rid>", "/fhir/R4/$export-status/<job_id>"} <= rules


def test_the_matrix_covers_the_course_summary_and_outcomes_endpoints(app):
    """course (issue 18): the summary PDF, the escalation outcomes, the registry export."""
    rules = {r.rule for r in api_rules(app)}
    assert {"/api/v1/staff/patients/<int:patient_id>/summary.pdf",
            "/api/v1/staff/escalations/<int:escalation_id>/outcomes",
            "/api/v1/staff/admin/outcomes.csv", "/api/v1/staff/admin/outcomes.json"} <= rules


def test_every_patient_endpoint_refuses_callers_out_of_scope(app, world):
    victim = world["victim"]
    failures = []
    for rule in api_rules(app):
        url = fill(rule, world["ids"])
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for who, (client, headers) in world["callers"].items():
                r = call(client, method, url, headers)
                names_patient = bool(rule.arguments)
                if r.status_code >= 500:
                    failures.append(f"{method} {url} as {who}: {r.status_code}")
                elif names_patient or who in ("anonymous", "revoked device"):
                    if r.status_code not in REFUSED:
                        failures.append(f"{method} {url} as {who}: {r.status_code}")
                elif victim.code.encode() in r.data or VICTIM_NAME.encode() in r.data:
                    failures.append(f"{method} {url} as {who}: leaked the victim")
    assert not failures, "\n".join(failures)


def test_fhir_reads_of_the_victims_resources_are_refused_out_of_scope(app, world):
    """The FHIR routes take type and id as strings, so the URL map alone fills them with
    nonsense: read each of the victim's real resources, and search by the victim."""
    from server.fhir import repository

    victim = world["victim"]
    targets = [(t, res["id"]) for t in repository.LOADERS
               for _p, res in repository.load(app.config, t, victim.centre_id, [victim.id])]
    assert {"Patient", "RelatedPerson", "Observation", "Flag", "DetectedIssue"} <= {
        t for t, _ in targets}
    failures = []
    for who, (client, headers) in world["callers"].items():
        for rtype, rid in targets:
            r = client.get(f"/fhir/R4/{rtype}/{rid}", headers=headers)
            if r.status_code not in REFUSED:
                failures.append(f"GET {rtype}/{rid} as {who}: {r.status_code}")
            r = client.get(f"/fhir/R4/{rtype}", headers=headers,
                           query_string={} if rtype in ("Patient", "Binary") else {
                               "patient": victim.id})
            if r.status_code not in REFUSED and (r.status_code != 200 or r.json["total"]):
                failures.append(f"search {rtype} as {who}: {r.status_code}")
    assert not failures, "\n".join(failures)


def test_refusals_are_audited(app, world):
    from server.models import AuditEvent

    client, headers = world["callers"]["other centre's staff"]
    client.get(f"/api/v1/staff/patients/{world['victim'].id}", headers=headers)
    row = db.session.execute(db.select(AuditEvent).where(
        AuditEvent.patient_id == world["victim"].id, AuditEvent.outcome == "denied")
    ).scalars().first()
    assert row is not None and row.actor_kind == "staff"


# Beyond PostgreSQL's `integer` (2**31 - 1), SQLite's 64-bit integers, and any 64-bit value.
HUGE_IDS = (2**31, 2**63, 2**64 + 1)


def _is_error_shape(response, status: int) -> bool:
    body = response.get_json(silent=True) or {}
    return response.status_code == status and body.get("error", {}).get("status") == status


def test_ids_beyond_the_database_range_are_not_found_even_in_scope(app, world, make_staff):
    """An id no row can have is simply not found: 404 in the one shape, never a 500."""
    staff_client = app.test_client()
    csrf = login(staff_client, make_staff(handle="insider", role="admin"))
    device_client = app.test_client()
    callers = {"own centre's staff": (staff_client, {"X-CSRF-Token": csrf}),
               "own caregiver's device": (device_client, world["caregiver_headers"])}
    failures, tried = [], 0
    for rule in app.url_map.iter_rules():
        ints = [a for a in rule.arguments if f"<int:{a}>" in rule.rule]
        for arg in ints:
            for huge in HUGE_IDS:
                url = fill(rule, {**world["ids"], arg: huge})
                for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                    for who, (client, headers) in callers.items():
                        if (who == "own centre's staff") != rule.rule.startswith("/api/v1/staff/"):
                            continue  # the other audience is refused before any lookup
                        tried += 1
                        r = call(client, method, url, headers)
                        if not _is_error_shape(r, 404):
                            failures.append(f"{method} {url} as {who}: {r.status_code}")
    assert tried > 30
    assert not failures, "\n".join(failures)


def test_provider_callbacks_need_the_providers_signature(app, world, make_staff):
    """Signed by the provider or refused (403, the one error shape), whoever calls."""
    rules = {r.rule for r in api_rules(app)}
    assert PROVIDER_SIGNED <= rules
    insider = app.test_client()
    csrf = login(insider, make_staff(handle="insider", role="admin"))
    callers = {**world["callers"], "own centre's admin": (insider, {"X-CSRF-Token": csrf}),
               "victim's caregiver": (app.test_client(), world["caregiver_headers"])}
    for url in sorted(PROVIDER_SIGNED):
        for who, (client, headers) in callers.items():
            for form in ({"Digits": "1", "From": "+4915100000001", "Body": "ACK"}, None):
                r = (client.post(url + "?intent=1", data=form, headers=headers) if form
                     else call(client, "POST", url, headers))
                assert _is_error_shape(r, 403), f"{url} as {who}: {r.status_code}"
