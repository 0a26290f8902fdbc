"""The audit page shows a centre only its own identities; list reads say whom they showed."""
from __future__ import annotations

import re

import pytest
from conftest import signed_in
from push_fixtures import open_escalation

from server.audit import trail as audit
from server.extensions import db
from server.models import AuditEvent, Device

AUDIT = "/api/v1/staff/admin/audit"




def _refusals(items: list[dict]) -> list[dict]:
    return [i for i in items if i["action"] == "patient.refused"]


def test_a_refused_probe_shows_no_code_and_no_difference_between_real_and_unreal_ids(
        staff_client, make_patient, other_centre):
    theirs = make_patient(centre_id=other_centre.id)
    unreal = theirs.id + 1000
    assert staff_client.get(f"/api/v1/staff/patients/{theirs.id}/timeline").status_code == 404
    assert staff_client.get(f"/api/v1/staff/patients/{unreal}/timeline").status_code == 404
    r = staff_client.get(AUDIT + "?per_page=200")
    assert theirs.code not in r.get_data(as_text=True)
    real_probe, unreal_probe = reversed(_refusals(r.json["items"]))
    assert real_probe["actor_handle"] == unreal_probe["actor_handle"] == "admin-a"
    assert real_probe["outcome"] == unreal_probe["outcome"] == "denied"
    for probe in (real_probe, unreal_probe):
        assert probe["patient_id"] is None and probe["patient_code"] is None
    strip = ("id", "at")
    assert {k: v for k, v in real_probe.items() if k not in strip} == \
        {k: v for k, v in unreal_probe.items() if k not in strip}


def test_another_centres_probe_of_our_patient_shows_the_patient_but_not_the_prober(
        staff_client, app, make_staff, make_patient, other_centre):
    ours = make_patient()
    stranger = make_staff(handle="nurse-b", centre_id=other_centre.id)
    assert signed_in(app, stranger).get(f"/api/v1/staff/patients/{ours.id}").status_code == 404
    r = staff_client.get(AUDIT + f"?patient_id={ours.id}")
    (probe,) = _refusals(r.json["items"])
    assert probe["patient_code"] == ours.code
    assert probe["actor_kind"] == "staff"
    assert probe["actor_id"] is None and probe["actor_handle"] is None
    assert "nurse-b" not in r.get_data(as_text=True)


def test_a_probe_of_another_centres_device_looks_like_a_probe_of_none(
        staff_client, make_patient, enrol, other_centre):
    theirs = make_patient(centre_id=other_centre.id)
    enrol(theirs)
    device = db.session.execute(db.select(Device.id).where(
        Device.patient_id == theirs.id)).scalar_one()
    db.session.commit()
    for device_id in (device, device + 1000):
        url = f"/api/v1/staff/patients/{theirs.id}/devices/{device_id}/revoke"
        assert staff_client.post(url).status_code == 404
    db.session.expire_all()
    assert db.session.get(Device, device).revoked_at is None
    r = staff_client.get(AUDIT + "?per_page=200")
    strip = ("id", "at")
    real_probe, unreal_probe = ({k: v for k, v in i.items() if k not in strip}
                                for i in _refusals(r.json["items"]))
    assert real_probe == unreal_probe
    assert real_probe["action"] == "patient.refused" and real_probe["patient_id"] is None


def test_another_centres_device_is_not_named(staff_client, make_patient, enrol, other_centre):
    ours, theirs = make_patient(), make_patient(centre_id=other_centre.id)
    enrol(ours)
    enrol(theirs)
    own_device, their_device = (db.session.execute(db.select(Device.id).where(
        Device.patient_id == p.id)).scalar_one() for p in (ours, theirs))
    audit.record("test.device", patient_id=ours.id, actor=("device", own_device))
    audit.record("test.device", patient_id=ours.id, actor=("device", their_device))
    db.session.commit()
    items = [i for i in staff_client.get(AUDIT).json["items"] if i["action"] == "test.device"]
    assert [i["actor_id"] for i in items] == [None, own_device]


@pytest.mark.parametrize(("url", "action"), [
    ("/api/v1/staff/patients", "patient.list"),
    ("/api/v1/staff/overview", "patient.overview"),
    ("/api/v1/staff/escalations", "escalation.list"),
])
def test_list_reads_record_whom_they_returned(staff_client, app, make_staff, make_patient,
                                              url, action):
    seen, other = make_patient(), make_patient()
    open_escalation(seen)
    nurse = make_staff(handle="nurse-a")
    assert signed_in(app, nurse).get(url).status_code == 200
    row = db.session.execute(db.select(AuditEvent).where(
        AuditEvent.action == action)).scalar_one()
    returned = sorted({seen.id} if action == "escalation.list" else {seen.id, other.id})
    assert row.detail["patients"] == returned
    db.session.commit()


def test_who_saw_a_patient_includes_the_list_reads_that_showed_it(
        staff_client, app, make_staff, make_patient):
    seen, unseen = make_patient(), make_patient()
    open_escalation(seen)
    nurse = signed_in(app, make_staff(handle="nurse-a"))
    nurse.get("/api/v1/staff/escalations")
    nurse.get("/api/v1/staff/overview")
    saw_seen = staff_client.get(AUDIT + f"?patient_id={seen.id}").json["items"]
    assert {(i["action"], i["actor_handle"]) for i in saw_seen} >= {
        ("escalation.list", "nurse-a"), ("patient.overview", "nurse-a")}
    saw_unseen = staff_client.get(AUDIT + f"?patient_id={unseen.id}").json["items"]
    assert ("patient.overview", "nurse-a") in {(i["action"], i["actor_handle"])
                                               for i in saw_unseen}
    assert "escalation.list" not in {i["action"] for i in saw_unseen}


def _audited_request_id(client, header: str | None) -> tuple[str, str]:
    headers = {"X-Request-Id": header} if header is not None else {}
    r = client.get("/api/v1/staff/patients", headers=headers)
    row = db.session.execute(db.select(AuditEvent.request_id).where(
        AuditEvent.action == "patient.list").order_by(AuditEvent.id.desc()).limit(1)).scalar()
    db.session.commit()
    return r.headers["X-Request-Id"], row


def test_a_short_token_request_id_is_kept(staff_client):
    token = "proxy-1.abc_DEF-" + "9" * 48
    assert len(token) == 64
    assert _audited_request_id(staff_client, token) == (token, token)


@pytest.mark.parametrize("given", [
    "x" * 65, "a b", "id;drop", "<script>", "ümlaut", "", "a/b", "x\tz",
])
def test_any_other_request_id_is_replaced_by_a_fresh_one(staff_client, given):
    answered, audited = _audited_request_id(staff_client, given)
    assert answered == audited
    assert re.fullmatch(r"[0-9a-f]{32}", answered)
    assert answered != given
