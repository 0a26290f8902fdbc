"""Every /api/v1 answer is `no-store` from server/security.py alone, not only plain GETs.

Writes, downloads (CSV, PDF; the SVG in test_measures_api.py), provider XML and errors.
"""
from __future__ import annotations


def _no_store(response) -> None:
    assert response.headers.get("Cache-Control") == "no-store", (
        response.status_code, response.headers.get("Cache-Control"))


def test_writes_and_downloads_are_never_cached(client, staff_client, make_patient, enrol):
    patient = make_patient()
    device = enrol(patient)
    _no_store(client.post("/api/v1/checkins", headers=device,
                          json={"temperature": {"value": 39.4, "unit": "C"}}))
    _no_store(client.put("/api/v1/device/language", headers=device, json={"language": "en"}))
    _no_store(client.get("/api/v1/device/thresholds", headers=device))
    base = f"/api/v1/staff/patients/{patient.id}"
    _no_store(staff_client.post(f"{base}/caregivers", json={"display_name": "Second"}))
    _no_store(staff_client.post(f"{base}/enrolment-codes", json={"role": "patient"}))
    _no_store(staff_client.get(f"{base}/summary.pdf"))
    _no_store(staff_client.get(f"{base}/timeline"))
    _no_store(staff_client.get("/api/v1/staff/quality?format=csv"))
    _no_store(staff_client.get("/api/v1/staff/admin/outcomes.csv"))
    _no_store(staff_client.get("/api/v1/staff/admin/outcomes.json"))
    _no_store(staff_client.post("/api/v1/push/test"))
    _no_store(staff_client.get("/api/v1/push/status"))
    _no_store(staff_client.get("/api/v1/push/key"))
    escalations = staff_client.get("/api/v1/staff/escalations").json
    assert escalations, "the fever check-in opens an escalation"
    _no_store(staff_client.get(f"/api/v1/staff/escalations/{escalations[0]['id']}"))
    _no_store(staff_client.get(
        f"/api/v1/push/escalations/{escalations[0]['id']}/deliveries"))
    _no_store(staff_client.post(f"/api/v1/staff/escalations/{escalations[0]['id']}/acknowledge"))


def test_errors_and_provider_callbacks_are_never_cached(client):
    _no_store(client.get("/api/v1/staff/patients"))  # 401
    _no_store(client.post("/api/v1/channels/twilio/sms", data={"From": "+1", "Body": "STOP"}))
    _no_store(client.post("/api/v1/push/ack", json={"token": "forged"}))
