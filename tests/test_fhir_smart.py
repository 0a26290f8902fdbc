"""SMART Backend Services: a registered client's signed assertion buys a short-lived token;
bad tokens, another centre, missing scopes, expired or replayed assertions are refused."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from fhir_helpers import Ehr

from server.extensions import db
from server.models import AuditEvent, FhirToken

FHIR = "/fhir/R4"


@pytest.fixture
def ehr(app, centre):
    ehr = Ehr("RS384")
    ehr.register(centre.id)
    return ehr


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("alg", ["RS384", "ES384"])
def test_a_signed_assertion_buys_a_five_minute_token(client, centre, make_patient, alg):
    patient = make_patient()
    ehr = Ehr(alg)
    ehr.register(centre.id)
    r = client.post("/oauth/token", data=ehr.token_form())
    assert r.status_code == 200, r.json
    assert r.json["token_type"] == "bearer" and r.json["expires_in"] == 300
    assert r.json["scope"] == "system/*.read" and r.headers["Cache-Control"] == "no-store"
    body = client.get(f"{FHIR}/Patient/{patient.id}", headers=bearer(r.json["access_token"]))
    assert body.status_code == 200 and body.json["identifier"][0]["value"] == patient.code
    stored = db.session.scalars(db.select(FhirToken)).one()
    assert r.json["access_token"] not in json.dumps(stored.token_hash)  # only its hash is kept


def test_the_token_expires(client, clock, ehr, make_patient):
    patient = make_patient()
    token = ehr.token(client)
    clock.advance(seconds=299)
    assert client.get(f"{FHIR}/Patient/{patient.id}", headers=bearer(token)).status_code == 200
    clock.advance(seconds=2)
    r = client.get(f"{FHIR}/Patient/{patient.id}", headers=bearer(token))
    assert r.status_code == 401 and r.json["resourceType"] == "OperationOutcome"


def test_a_replayed_jti_is_refused(client, ehr):
    form = ehr.token_form(jti="once-only")
    assert client.post("/oauth/token", data=form).status_code == 200
    r = client.post("/oauth/token", data=form)
    assert r.status_code == 401 and r.json["error"] == "invalid_client"
    assert "jti" in r.json["error_description"]
    again = ehr.token_form(jti="once-only")  # a fresh signature does not help
    assert client.post("/oauth/token", data=again).status_code == 401


@pytest.mark.parametrize(("kwargs", "why"), [
    ({"lifetime": -120}, "expired"),
    ({"lifetime": 900}, "5 minutes"),
    ({"aud": "http://elsewhere/oauth/token"}, "audience"),
])
def test_a_bad_assertion_is_refused(client, ehr, kwargs, why):
    r = client.post("/oauth/token", data=ehr.token_form(**kwargs))
    assert r.status_code == 401 and r.json["error"] == "invalid_client"
    assert why in r.json["error_description"].lower() or why in r.json["error_description"]


def test_an_assertion_signed_by_another_key_is_refused(client, ehr):
    stranger = Ehr("RS384", kid=ehr.kid)
    r = client.post("/oauth/token", data=ehr.token_form(key=stranger.key))
    assert r.status_code == 401 and r.json["error"] == "invalid_client"


def test_an_hs256_or_unsigned_assertion_is_refused(client, ehr):
    import jwt

    for token in (jwt.encode({"iss": ehr.client_id}, "s" * 40, algorithm="HS256"),
                  jwt.encode({"iss": ehr.client_id}, None, algorithm="none")):
        form = {**ehr.token_form(), "client_assertion": token}
        assert client.post("/oauth/token", data=form).status_code == 401


def test_an_unknown_client_and_a_wrong_grant_are_refused(client, ehr):
    r = client.post("/oauth/token", data=ehr.token_form(iss="nobody-registered"))
    assert r.status_code == 401 and r.json["error"] == "invalid_client"
    r = client.post("/oauth/token", data={**ehr.token_form(), "grant_type": "password"})
    assert r.status_code == 400 and r.json["error"] == "unsupported_grant_type"
    r = client.post("/oauth/token", data={"grant_type": "client_credentials"})
    assert r.status_code == 400 and r.json["error"] == "invalid_request"


def test_scopes_beyond_the_registration_are_refused(client, centre):
    ehr = Ehr()
    ehr.register(centre.id, scopes=["system/Observation.read"])
    r = client.post("/oauth/token", data=ehr.token_form(scope="system/*.read"))
    assert r.status_code == 400 and r.json["error"] == "invalid_scope"


def test_a_token_reads_only_the_types_its_scopes_name(client, centre, make_patient):
    patient = make_patient()
    ehr = Ehr()
    ehr.register(centre.id, scopes=["system/Observation.read"])
    token = ehr.token(client, scope="system/Observation.read")
    assert client.get(f"{FHIR}/Observation", headers=bearer(token)).status_code == 200
    r = client.get(f"{FHIR}/Patient/{patient.id}", headers=bearer(token))
    assert r.status_code == 403 and r.json["issue"][0]["code"] == "forbidden"
    r = client.get(f"{FHIR}/$export", query_string={"_type": "Patient"},
                   headers={**bearer(token), "Prefer": "respond-async"})
    assert r.status_code == 403


def test_a_client_of_another_centre_sees_nothing(client, other_centre, make_patient):
    patient = make_patient()
    ehr = Ehr()
    ehr.register(other_centre.id)
    token = ehr.token(client)
    assert client.get(f"{FHIR}/Patient/{patient.id}", headers=bearer(token)).status_code == 404
    r = client.get(f"{FHIR}/Patient", headers=bearer(token))
    assert r.status_code == 200 and r.json["total"] == 0
    assert patient.code not in r.get_data(as_text=True)


def test_a_revoked_client_loses_its_tokens(client, ehr, make_patient, clock):
    from server.clock import now
    from server.models import FhirClient

    patient = make_patient()
    token = ehr.token(client)
    row = db.session.scalars(db.select(FhirClient)).one()
    row.revoked_at = now()
    db.session.commit()
    assert client.get(f"{FHIR}/Patient/{patient.id}", headers=bearer(token)).status_code == 401
    assert client.post("/oauth/token", data=ehr.token_form()).status_code == 401


def test_token_requests_and_client_reads_are_audited(client, ehr, make_patient):
    patient = make_patient()
    token = ehr.token(client)
    client.post("/oauth/token", data=ehr.token_form(lifetime=-600))
    client.get(f"{FHIR}/Patient/{patient.id}", headers=bearer(token))
    rows = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id)).all()
    actions = [(r.action, r.outcome, r.actor_kind) for r in rows]
    assert ("fhir.token", "ok", "fhir_client") in actions
    assert ("fhir.token", "denied", "anonymous") in actions
    read = [r for r in rows if r.action == "fhir.read"][0]
    assert read.patient_id == patient.id and read.actor_kind == "fhir_client"
    assert token not in json.dumps([r.detail for r in rows])


def test_registration_refuses_private_keys_and_bad_scopes(app, centre):
    from server.errors import ApiError
    from server.fhir import clients

    ehr = Ehr()
    private = json.loads(__import__("jwt").algorithms.RSAAlgorithm.to_jwk(ehr.key))
    for jwks, scopes, field in (({"keys": [private]}, ["system/*.read"], "jwks"),
                                ({"keys": []}, ["system/*.read"], "jwks"),
                                (ehr.jwks, ["user/*.read"], "scopes"),
                                (ehr.jwks, ["system/Practitioner.read"], "scopes")):
        with pytest.raises(ApiError) as caught:
            clients.register(centre.id, f"c-{field}-{len(scopes)}", "x", jwks, scopes)
        assert field in caught.value.data["fields"]


def test_register_client_command(runner, centre, tmp_path):
    ehr = Ehr("ES384")
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(ehr.jwks))
    result = runner.invoke(args=["fhir", "register-client", "--client-id", "warehouse-1",
                                 "--centre-id", str(centre.id), "--name", "Warehouse",
                                 "--jwks", f"@{path}", "--scope", "system/*.read"])
    assert result.exit_code == 0, result.output
    assert "registered warehouse-1" in result.output
    inline = runner.invoke(args=["fhir", "register-client", "--client-id", "warehouse-2",
                                 "--centre-id", str(centre.id), "--name", "W2",
                                 "--jwks", json.dumps(ehr.jwks), "--scope", "system/*.rs"])
    assert inline.exit_code == 0, inline.output
    refused = runner.invoke(args=["fhir", "register-client", "--client-id", "warehouse-1",
                                  "--centre-id", str(centre.id), "--name", "W",
                                  "--jwks", json.dumps(ehr.jwks), "--scope", "system/*.read"])
    assert refused.exit_code != 0 and "already registered" in refused.output


def test_smart_configuration_names_the_token_endpoint(client):
    r = client.get(f"{FHIR}/.well-known/smart-configuration")
    assert r.mimetype == "application/json"
    conf = r.json
    assert conf["token_endpoint"] == "http://localhost/oauth/token"
    assert conf["token_endpoint_auth_signing_alg_values_supported"] == ["RS384", "ES384"]


def test_assertion_exp_is_read_on_the_injected_clock(client, ehr, clock):
    """An assertion made for the clock's time is valid even though the wall clock differs."""
    assert clock() < dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    assert client.post("/oauth/token", data=ehr.token_form()).status_code == 200


def test_an_admin_registers_lists_and_revokes_a_client(app, client, staff_client, make_staff,
                                                       other_centre, make_patient):
    ehr = Ehr("ES384")
    body = {"client_id": ehr.client_id, "name": "Ward EHR", "jwks": ehr.jwks,
            "scopes": ["system/*.read"]}
    r = staff_client.post("/api/v1/staff/admin/fhir-clients", json={**body, "scopes": ["x"]})
    assert r.status_code == 422 and "scopes" in r.json["error"]["fields"]
    r = staff_client.post("/api/v1/staff/admin/fhir-clients", json=body)
    assert r.status_code == 201, r.json
    pk = r.json["id"]
    assert [c["client_id"] for c in staff_client.get(
        "/api/v1/staff/admin/fhir-clients").json] == [ehr.client_id]
    token = ehr.token(client)
    patient = make_patient()
    assert client.get(f"{FHIR}/Patient/{patient.id}", headers=bearer(token)).status_code == 200
    from tests.conftest import signed_in

    outsider = signed_in(app, make_staff(handle="far-admin", role="admin",
                                         centre_id=other_centre.id))
    assert outsider.get("/api/v1/staff/admin/fhir-clients").json == []
    assert outsider.post(f"/api/v1/staff/admin/fhir-clients/{pk}/revoke").status_code == 404
    nurse = signed_in(app, make_staff(handle="plain-nurse"))
    assert nurse.post("/api/v1/staff/admin/fhir-clients", json=body).status_code == 403
    r = staff_client.post(f"/api/v1/staff/admin/fhir-clients/{pk}/revoke")
    assert r.status_code == 200 and r.json["revoked_at"]
    assert client.get(f"{FHIR}/Patient/{patient.id}", headers=bearer(token)).status_code == 401
