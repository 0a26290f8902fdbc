"""Ending a patient's monitoring revokes the phones at once; they are told, with the numbers."""
from __future__ import annotations

import uuid

from server.extensions import db
from server.models import Escalation, NotificationIntent

FEVER = {"temperature": {"value": 39.2, "unit": "C"}}


def checkin(client, headers):
    return client.post("/api/v1/checkins", json=FEVER,
                       headers={**headers, "Idempotency-Key": str(uuid.uuid4())})


def end(staff_client, patient, value=True):
    r = staff_client.patch(f"/api/v1/staff/patients/{patient.id}", json={"end_monitoring": value})
    assert r.status_code == 200, r.json


def test_after_the_end_no_phone_can_check_in_or_page_anyone(client, staff_client,
                                                            make_patient, enrol):
    patient = make_patient()
    phones = [enrol(patient), enrol(patient, "caregiver")]
    end(staff_client, patient)
    for headers in phones:
        r = checkin(client, headers)
        assert r.status_code == 410, r.json
        assert r.json["error"]["code"] == "monitoring_ended"
    assert db.session.execute(db.select(Escalation)).first() is None
    assert db.session.execute(db.select(NotificationIntent)).first() is None


def test_the_phone_learns_the_centre_numbers_and_nothing_else(client, staff_client,
                                                              make_patient, enrol, centre):
    patient = make_patient(display_name="Secret Canary-Name")
    headers = enrol(patient)
    end(staff_client, patient)
    r = client.get("/api/v1/device/me", headers=headers)
    assert r.status_code == 410
    assert r.json["error"]["contact"] == {
        "centre_name": centre.name, "centre_phone": centre.phone_24h,
        "emergency_number": centre.emergency_number}
    assert set(r.json["error"]) == {"status", "code", "message", "contact"}
    assert patient.code.encode() not in r.data and b"Canary" not in r.data


def test_the_devices_are_revoked_and_stay_revoked_if_monitoring_resumes(
        client, staff_client, make_patient, enrol):
    patient = make_patient()
    headers = enrol(patient)
    end(staff_client, patient)
    devices = staff_client.get(f"/api/v1/staff/patients/{patient.id}/devices").json
    assert devices and all(d["revoked_at"] for d in devices)
    assert {d["revoked_reason"] for d in devices} == {"monitoring_ended"}
    end(staff_client, patient, False)
    assert client.get("/api/v1/device/me", headers=headers).status_code == 410
    assert checkin(client, enrol(patient)).status_code == 201  # a newly enrolled phone works


def test_a_phone_revoked_on_its_own_is_not_given_the_closing_answer(
        client, staff_client, make_patient, enrol):
    """A lost phone revoked before the end stays a plain 401: its finder learns nothing."""
    patient = make_patient()
    lost = enrol(patient)
    device_id = client.get("/api/v1/device/me", headers=lost).json["device_id"]
    staff_client.post(f"/api/v1/staff/patients/{patient.id}/devices/{device_id}/revoke")
    end(staff_client, patient)
    assert client.get("/api/v1/device/me", headers=lost).status_code == 401


def test_the_refusal_is_audited(client, staff_client, make_patient, enrol):
    from server.models import AuditEvent

    patient = make_patient()
    headers = enrol(patient)
    end(staff_client, patient)
    checkin(client, headers)
    reasons = db.session.execute(db.select(AuditEvent.detail).where(
        AuditEvent.patient_id == patient.id, AuditEvent.outcome == "denied")).scalars().all()
    assert any((d or {}).get("reason") == "monitoring_ended" for d in reasons)
