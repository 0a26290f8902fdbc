"""Admin API: staff accounts, centre settings and the audit log, scoped to the admin's centre."""
from __future__ import annotations

import pytest
from conftest import PASSWORD, signed_in

from server.extensions import db
from server.models import AuditEvent, Centre, Staff


def _actions(**where) -> list[str]:
    query = db.select(AuditEvent.action)
    for key, value in where.items():
        query = query.where(getattr(AuditEvent, key) == value)
    return list(db.session.execute(query.order_by(AuditEvent.id)).scalars())




def test_admin_creates_staff_with_checked_password(staff_client):
    body = {"handle": "nurse-new", "name": "New Nurse", "email": "New@Example.org",
            "role": "nurse", "tier": 2, "password": PASSWORD}
    r = staff_client.post("/api/v1/staff/admin/staff", json=body)
    assert r.status_code == 201, r.json
    assert r.json["email"] == "new@example.org"
    assert r.json["tier"] == 2 and r.json["totp_enrolled"] is False
    assert "password" not in r.json
    assert r.headers["Cache-Control"] == "no-store"
    assert "staff.create" in _actions(actor_id=staff_client.staff.id)


def test_weak_initial_password_is_refused(staff_client):
    body = {"handle": "nurse-weak", "name": "Weak", "email": "weak@example.org",
            "role": "nurse", "password": "password1234"}
    r = staff_client.post("/api/v1/staff/admin/staff", json=body)
    assert r.status_code == 422
    assert "password" in r.json["error"]["fields"]


def test_duplicate_email_is_a_conflict(staff_client, make_staff):
    make_staff(handle="nurse-a")
    body = {"handle": "nurse-b", "name": "B", "email": "nurse-a@example.org",
            "role": "nurse", "password": PASSWORD}
    assert staff_client.post("/api/v1/staff/admin/staff", json=body).status_code == 409


def test_new_staff_can_log_in_and_is_shown_totp_enrolment(staff_client, app):
    body = {"handle": "doc", "name": "Doc", "email": "doc@example.org", "role": "physician",
            "password": PASSWORD}
    staff_client.post("/api/v1/staff/admin/staff", json=body)
    r = app.test_client().post("/api/v1/auth/login",
                               json={"email": "doc@example.org", "password": PASSWORD})
    assert r.status_code == 200
    assert r.json["next"] == "totp_enrol" and r.json["totp_uri"].startswith("otpauth://")


def test_list_shows_only_own_centre(staff_client, make_staff, other_centre):
    make_staff(handle="nurse-a")
    make_staff(handle="nurse-b", centre_id=other_centre.id)
    r = staff_client.get("/api/v1/staff/admin/staff")
    assert r.status_code == 200
    assert {s["handle"] for s in r.json} == {"admin-a", "nurse-a"}


def test_update_tier_and_duty(staff_client, make_staff):
    nurse = make_staff(handle="nurse-a")
    r = staff_client.patch(f"/api/v1/staff/admin/staff/{nurse.id}",
                           json={"tier": 3, "on_duty": False})
    assert r.status_code == 200
    assert (r.json["tier"], r.json["on_duty"]) == (3, False)
    event = db.session.execute(db.select(AuditEvent).where(
        AuditEvent.action == "staff.update")).scalar_one()
    assert event.detail == {"staff": nurse.id, "fields": ["on_duty", "tier"]}


def test_staff_of_other_centre_is_not_found(staff_client, make_staff, other_centre):
    stranger = make_staff(handle="nurse-b", centre_id=other_centre.id)
    r = staff_client.patch(f"/api/v1/staff/admin/staff/{stranger.id}", json={"tier": 2})
    assert r.status_code == 404
    assert db.session.get(Staff, stranger.id).tier == 1
    assert "staff.refused" in _actions(outcome="denied")


def test_admin_cannot_lock_themselves_out(staff_client):
    me = staff_client.staff.id
    r = staff_client.patch(f"/api/v1/staff/admin/staff/{me}", json={"active": False})
    assert r.status_code == 422
    r = staff_client.patch(f"/api/v1/staff/admin/staff/{me}", json={"role": "nurse"})
    assert r.status_code == 422


@pytest.mark.parametrize("method,path", [
    ("get", "/api/v1/staff/admin/staff"),
    ("post", "/api/v1/staff/admin/staff"),
    ("get", "/api/v1/staff/admin/centre"),
    ("patch", "/api/v1/staff/admin/centre"),
    ("get", "/api/v1/staff/admin/audit"),
])
def test_nurse_is_refused_admin_endpoints(app, make_staff, method, path):
    client = signed_in(app, make_staff(handle="nurse-a"))
    r = getattr(client, method)(path, json={} if method != "get" else None)
    assert r.status_code == 403
    assert "access.refused" in _actions(outcome="denied")


def test_anonymous_is_refused(client):
    assert client.get("/api/v1/staff/admin/staff").status_code == 401


def test_centre_numbers_update(staff_client):
    r = staff_client.patch("/api/v1/staff/admin/centre",
                           json={"phone_24h": "+49 30 999 000", "emergency_number": "112"})
    assert r.status_code == 200
    assert r.json["phone_24h"] == "+49 30 999 000"
    assert "centre.update" in _actions()


def test_centre_refuses_unknown_zone_and_override(staff_client):
    r = staff_client.patch("/api/v1/staff/admin/centre", json={"timezone": "Mars/Base"})
    assert r.status_code == 422
    r = staff_client.patch("/api/v1/staff/admin/centre",
                           json={"threshold_overrides": {"not_a_threshold": 1}})
    assert r.status_code == 422


def test_audit_log_filters_by_patient_and_pages(staff_client, make_patient):
    patient = make_patient()
    other = make_patient()
    for _ in range(3):
        staff_client.get(f"/api/v1/staff/patients/{patient.id}")
    staff_client.get(f"/api/v1/staff/patients/{other.id}")
    r = staff_client.get(f"/api/v1/staff/admin/audit?patient_id={patient.id}&per_page=2")
    assert r.status_code == 200
    assert r.json["total"] == 3 and len(r.json["items"]) == 2
    assert {i["patient_code"] for i in r.json["items"]} == {patient.code}
    page2 = staff_client.get(f"/api/v1/staff/admin/audit?patient_id={patient.id}&per_page=2"
                             "&page=2").json
    assert page2["total"] == 4  # the first page's own read is audited too
    assert [i["action"] for i in page2["items"]] == ["patient.read", "patient.read"]
    assert "audit.read" in _actions(patient_id=patient.id)


def test_audit_log_filters_by_staff(staff_client, app, make_staff, make_patient):
    nurse = make_staff(handle="nurse-a")
    patient = make_patient()
    signed_in(app, nurse).get(f"/api/v1/staff/patients/{patient.id}")
    r = staff_client.get(f"/api/v1/staff/admin/audit?staff_id={nurse.id}")
    assert {i["actor_handle"] for i in r.json["items"]} == {"nurse-a"}
    assert "patient.read" in {i["action"] for i in r.json["items"]}


def test_audit_log_hides_other_centres(staff_client, app, make_staff, make_patient,
                                       other_centre):
    stranger = make_staff(handle="nurse-b", centre_id=other_centre.id)
    their_patient = make_patient(centre_id=other_centre.id)
    signed_in(app, stranger).get(f"/api/v1/staff/patients/{their_patient.id}")
    items = staff_client.get("/api/v1/staff/admin/audit?per_page=200").json["items"]
    assert all(i["patient_id"] != their_patient.id for i in items)
    assert all(i["actor_handle"] != "nurse-b" for i in items)
    r = staff_client.get(f"/api/v1/staff/admin/audit?patient_id={their_patient.id}")
    assert r.status_code == 404
    r = staff_client.get(f"/api/v1/staff/admin/audit?staff_id={stranger.id}")
    assert r.status_code == 404


def test_overrides_within_bounds_are_kept_and_used(staff_client):
    r = staff_client.patch("/api/v1/staff/admin/centre", json={
        "threshold_overrides": {"fever_c": 38.5, "handwriting_deviation": 1.5}})
    assert r.status_code == 200, r.json
    assert r.json["threshold_overrides"] == {"fever_c": 38.5, "handwriting_deviation": 1.5}
    assert r.json["override_bounds"]["fever_c"] == {"default": 38.0, "min": 37.5, "max": 38.5}
    from server.clinical.rules import effective_thresholds

    assert effective_thresholds(staff_client.staff.centre)["fever_c"] == 38.5


@pytest.mark.parametrize("overrides,field", [
    ({"fever_c": 39.0}, "threshold_overrides.fever_c"),
    ({"tremor_ratio": 1.0}, "threshold_overrides.tremor_ratio"),
    ({"fever_c": True}, "threshold_overrides.fever_c"),
])
def test_overrides_outside_bounds_are_refused(staff_client, overrides, field):
    r = staff_client.patch("/api/v1/staff/admin/centre", json={"threshold_overrides": overrides})
    assert r.status_code == 422
    assert field in r.json["error"]["fields"]
    assert db.session.get(Centre, staff_client.staff.centre_id).threshold_overrides in ({}, None)


def test_reset_totp_makes_next_login_enrol_again(staff_client, app, make_staff):
    nurse = make_staff(handle="nurse-a")
    r = staff_client.patch(f"/api/v1/staff/admin/staff/{nurse.id}", json={"reset_totp": True})
    assert r.status_code == 200 and r.json["totp_enrolled"] is False
    r = app.test_client().post("/api/v1/auth/login",
                               json={"email": nurse.email, "password": PASSWORD})
    assert r.json["next"] == "totp_enrol"


def test_deactivated_staff_cannot_log_in(staff_client, app, make_staff):
    nurse = make_staff(handle="nurse-a")
    staff_client.patch(f"/api/v1/staff/admin/staff/{nurse.id}", json={"active": False})
    r = app.test_client().post("/api/v1/auth/login",
                               json={"email": nurse.email, "password": PASSWORD})
    assert r.status_code == 401


@pytest.mark.parametrize("reset", [{"password": "a new long passphrase for nurse 7"},
                                   {"reset_totp": True}])
def test_a_reset_signs_the_member_out_everywhere(staff_client, app, make_staff, clock, reset):
    nurse = make_staff(handle="nurse-a")
    phone = signed_in(app, nurse)
    clock.advance(seconds=30)  # a TOTP code works once
    desk = signed_in(app, nurse)
    assert phone.get("/api/v1/auth/me").status_code == 200
    r = staff_client.patch(f"/api/v1/staff/admin/staff/{nurse.id}", json=reset)
    assert r.status_code == 200
    for client in (phone, desk):
        r = client.get("/api/v1/auth/me")
        assert r.status_code == 401, r.json
    assert staff_client.get("/api/v1/auth/me").status_code == 200  # the admin stays in


def test_an_admin_resetting_their_own_password_keeps_this_session_only(staff_client, app,
                                                                       clock):
    admin = staff_client.staff
    clock.advance(seconds=30)
    other = signed_in(app, admin)
    r = staff_client.patch(f"/api/v1/staff/admin/staff/{admin.id}",
                           json={"password": "a new long passphrase for admin 9"})
    assert r.status_code == 200
    assert other.get("/api/v1/auth/me").status_code == 401
    assert staff_client.get("/api/v1/auth/me").status_code == 200


def test_other_changes_leave_sessions_alone(staff_client, app, make_staff):
    nurse = make_staff(handle="nurse-a")
    phone = signed_in(app, nurse)
    staff_client.patch(f"/api/v1/staff/admin/staff/{nurse.id}", json={"on_duty": False})
    assert phone.get("/api/v1/auth/me").status_code == 200
