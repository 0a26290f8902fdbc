"""Enrolment codes: format, single use, 72 h expiry, QR token, revocation on next request."""
from __future__ import annotations

import datetime as dt
import re

from server.auth.tokens import CODE_ALPHABET
from server.extensions import db
from server.models import AuditEvent, Device


def issue(staff_client, patient, **body):
    body.setdefault("role", "patient")
    return staff_client.post(f"/api/v1/staff/patients/{patient.id}/enrolment-codes", json=body)


def test_code_is_grouped_unambiguous_text_and_a_qr_with_a_128_bit_token(staff_client,
                                                                         make_patient):
    r = issue(staff_client, make_patient())
    assert r.status_code == 201
    code = r.json["code"]
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    assert set(code.replace("-", "")) <= set(CODE_ALPHABET)
    assert not set("01IOLSZB258") & set(code.replace("-", ""))
    assert len(r.json["token"]) >= 22  # 16 bytes base64url
    assert r.json["qr_svg"].startswith("<svg")


def test_a_phone_trades_the_code_once(client, staff_client, make_patient):
    patient = make_patient()
    code = issue(staff_client, patient).json["code"]
    first = client.post("/api/v1/enrol", json={"code": code.lower().replace("-", " ")})
    assert first.status_code == 201 and first.json["role"] == "patient"
    assert first.headers["Cache-Control"] == "no-store"
    second = client.post("/api/v1/enrol", json={"code": code})
    assert second.status_code == 400
    assert db.session.execute(db.select(db.func.count(Device.id))).scalar() == 1


def test_the_qr_token_enrols_too(client, staff_client, make_patient):
    token = issue(staff_client, make_patient()).json["token"]
    r = client.post("/api/v1/enrol", json={"token": token})
    assert r.status_code == 201
    me = client.get("/api/v1/device/me",
                    headers={"Authorization": f"Bearer {r.json['device_token']}"})
    assert me.status_code == 200 and me.json["centre_phone"]


def test_a_code_expires_after_72_hours(client, staff_client, make_patient, clock):
    patient = make_patient()
    late = issue(staff_client, patient).json["code"]
    in_time = issue(staff_client, patient).json["code"]
    clock.advance(hours=71, minutes=59)
    assert client.post("/api/v1/enrol", json={"code": in_time}).status_code == 201
    clock.advance(minutes=1)
    assert client.post("/api/v1/enrol", json={"code": late}).status_code == 400


def test_caregiver_codes_name_a_caregiver_of_this_patient(staff_client, make_patient):
    patient, other = make_patient(), make_patient()
    refused = issue(staff_client, patient, role="caregiver",
                    caregiver_id=other.caregivers[0].id)
    assert refused.status_code == 422 and "caregiver_id" in refused.json["error"]["fields"]
    ok = issue(staff_client, patient, role="caregiver", caregiver_id=patient.caregivers[0].id)
    assert ok.status_code == 201 and ok.json["role"] == "caregiver"


def test_revocation_takes_effect_on_the_next_request(client, staff_client, make_patient):
    patient = make_patient()
    code = issue(staff_client, patient).json["code"]
    enrolled = client.post("/api/v1/enrol", json={"code": code})
    headers = {"Authorization": f"Bearer {enrolled.json['device_token']}"}
    assert client.get("/api/v1/checkins", headers=headers).status_code == 200
    device_id = enrolled.json["device_id"]
    r = staff_client.post(f"/api/v1/staff/patients/{patient.id}/devices/{device_id}/revoke")
    assert r.status_code == 200 and r.json["revoked_at"]
    assert client.get("/api/v1/checkins", headers=headers).status_code == 401


def test_bad_codes_are_audited_and_answer_alike(client, staff_client, make_patient, clock):
    patient = make_patient()
    used = issue(staff_client, patient).json["code"]
    client.post("/api/v1/enrol", json={"code": used})
    answers = [client.post("/api/v1/enrol", json={"code": c}) for c in (used, "AAAA-AAAA-AAAA")]
    assert {r.status_code for r in answers} == {400}
    assert len({r.json["error"]["message"] for r in answers}) == 1
    denied = db.session.execute(db.select(AuditEvent).where(
        AuditEvent.action == "enrolment.redeem", AuditEvent.outcome == "denied")).scalars().all()
    assert len(denied) == 2
    assert clock() - dt.timedelta(hours=1) < denied[0].at <= clock()


def test_the_enrolment_endpoint_is_rate_limited(database_url, _schema, tmp_path):
    from server import create_app
    from tests.conftest import app_config

    app = create_app(app_config(database_url, str(tmp_path / "i"), RATELIMIT_AUTH="2 per minute"))
    client = app.test_client()
    codes = [client.post("/api/v1/enrol", json={"code": "AAAA-AAAA-AAAA"}).status_code
             for _ in range(4)]
    assert codes == [400, 400, 429, 429]
