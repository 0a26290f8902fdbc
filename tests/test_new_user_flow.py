"""What a new user does after `make run`: demo set-up, sign in, enrol a phone, check in."""
from __future__ import annotations

import re
import uuid

import pyotp

from server.clock import now


def test_demo_then_login_enrol_and_check_in(app, runner):
    out = runner.invoke(args=["demo"])
    assert out.exit_code == 0, out.output
    email, password = re.search(r"staff login: (\S+)\s+password: (\S+)", out.output).groups()
    code = re.search(r"enrolment code for \S+: ([A-Z0-9-]+)", out.output).group(1)
    again = runner.invoke(args=["demo"])  # idempotent: same admin, a fresh code
    assert again.exit_code == 0 and password in again.output and code not in again.output

    staff = app.test_client()
    first = staff.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert first.status_code == 200 and first.json["next"] == "totp_enrol"
    totp = staff.post("/api/v1/auth/totp",
                      json={"code": pyotp.TOTP(first.json["totp_secret"]).at(now())})
    assert totp.status_code == 200
    staff.environ_base["HTTP_X_CSRF_TOKEN"] = totp.json["csrf_token"]
    patient = staff.post("/api/v1/staff/patients", json={
        "display_name": "New Patient", "timezone": "Europe/Berlin", "product": "cilta-cel",
        "infused_at": "2026-03-05T09:30:00+01:00", "window_days": 100})
    assert patient.status_code == 201 and patient.json["day"] == 5
    issued = staff.post(f"/api/v1/staff/patients/{patient.json['id']}/enrolment-codes",
                        json={"role": "patient"})
    assert issued.status_code == 201

    phone = app.test_client()
    enrolled = phone.post("/api/v1/enrol", json={"code": issued.json["code"]})
    assert enrolled.status_code == 201
    bearer = {"Authorization": f"Bearer {enrolled.json['device_token']}"}
    posted = phone.post("/api/v1/checkins", json={"temperature": {"value": 37.4, "unit": "C"}},
                        headers={**bearer, "Idempotency-Key": str(uuid.uuid4())})
    assert posted.status_code == 201
    listed = phone.get("/api/v1/checkins", headers=bearer)
    assert [c["id"] for c in listed.json] == [posted.json["id"]]
    seen_by_staff = staff.get(f"/api/v1/staff/patients/{patient.json['id']}/checkins")
    assert seen_by_staff.json[0]["temperature"]["celsius"] == 37.4


def test_openapi_document_lists_the_checkin_schema(client):
    doc = client.get("/api/openapi.json").json
    assert doc["info"]["title"] == "CARTwatch API"
    assert "/api/v1/checkins" in doc["paths"]
    assert "CheckIn" in doc["components"]["schemas"]
