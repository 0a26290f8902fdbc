"""Timeline and overview API: one time axis in the patient's zone, centre-scoped, audited."""
from __future__ import annotations

import datetime as dt

from conftest import login

from server.extensions import db
from server.models import AuditEvent, Centre


def _post_checkin(client, headers, **body):
    body.setdefault("temperature", {"value": 37.2, "unit": "C"})
    r = client.post("/api/v1/checkins", json=body, headers=headers)
    assert r.status_code == 201, r.json
    return r.json


def test_timeline_lists_checkins_with_local_times(staff_client, make_patient, enrol, clock):
    patient = make_patient(timezone="America/New_York")
    phone = enrol(patient)
    _post_checkin(staff_client, phone, symptoms=["rigors"])
    clock.advance(hours=6)
    _post_checkin(staff_client, phone, temperature={"value": 100.8, "unit": "F"},
                  vitals={"heart_rate": 101, "spo2": 97})
    login(staff_client, staff_client.staff)  # the morning session has idled out
    r = staff_client.get(f"/api/v1/staff/patients/{patient.id}/timeline")
    assert r.status_code == 200, r.json
    assert r.headers["Cache-Control"] == "no-store"
    body = r.json
    assert body["patient"]["timezone"] == "America/New_York"
    assert body["patient"]["day"] == 8
    first, second = body["checkins"]
    assert first["observed_local"] == "2026-03-10T03:00:00-04:00"
    assert second["temperature_c"] == 38.22 and second["heart_rate"] == 101
    assert body["symptoms"] == [{"at": first["observed_at"], "local": first["observed_local"],
                                 "checkin_id": first["id"], "symptom": "rigors"}]
    assert body["thresholds"]["fever_c"] == 38.0
    events = db.session.execute(db.select(AuditEvent).where(
        AuditEvent.action == "timeline.read")).scalars().all()
    assert [e.patient_id for e in events] == [patient.id]


def test_late_entry_is_marked(staff_client, make_patient, enrol, clock):
    patient = make_patient()
    phone = enrol(patient)
    observed = (clock() - dt.timedelta(hours=3)).isoformat()
    _post_checkin(staff_client, phone, observed_at=observed)
    point = staff_client.get(f"/api/v1/staff/patients/{patient.id}/timeline").json["checkins"][0]
    assert point["late"] is True


def test_timeline_of_other_centre_is_not_found(staff_client, make_patient):
    other = Centre(name="B", phone_24h="+1 555", emergency_number="911", timezone="UTC")
    db.session.add(other)
    db.session.commit()
    stranger = make_patient(centre_id=other.id)
    r = staff_client.get(f"/api/v1/staff/patients/{stranger.id}/timeline")
    assert r.status_code == 404
    refused = db.session.execute(db.select(AuditEvent).where(
        AuditEvent.action == "patient.refused")).scalar_one()
    assert refused.patient_id == stranger.id and refused.outcome == "denied"


def test_timeline_needs_staff(client, make_patient, enrol):
    patient = make_patient()
    phone = enrol(patient)
    assert client.get(f"/api/v1/staff/patients/{patient.id}/timeline").status_code == 401
    r = client.get(f"/api/v1/staff/patients/{patient.id}/timeline", headers=phone)
    assert r.status_code == 401


def test_nurse_may_read_timeline(app, make_staff, make_patient):
    nurse = make_staff(handle="nurse-a")
    patient = make_patient()
    client = app.test_client()
    login(client, nurse)
    assert client.get(f"/api/v1/staff/patients/{patient.id}/timeline").status_code == 200


def test_overview_lists_centre_patients_with_last_checkin(staff_client, make_patient, enrol,
                                                          clock):
    seen = make_patient(code="P-AAAAAA")
    quiet = make_patient(code="P-BBBBBB", infused_at=clock() - dt.timedelta(days=2))
    other = Centre(name="B", phone_24h="+1 555", emergency_number="911", timezone="UTC")
    db.session.add(other)
    db.session.commit()
    make_patient(centre_id=other.id, code="P-CCCCCC")
    _post_checkin(staff_client, enrol(seen))
    r = staff_client.get("/api/v1/staff/overview")
    assert r.status_code == 200
    rows = {row["code"]: row for row in r.json}
    assert set(rows) == {"P-AAAAAA", "P-BBBBBB"}
    assert rows["P-AAAAAA"]["last_checkin_local"] == "2026-03-10T08:00:00+01:00"
    assert rows["P-BBBBBB"]["last_checkin_at"] is None
    assert rows["P-BBBBBB"]["day"] == 2 and quiet.id == rows["P-BBBBBB"]["id"]
    assert "patient.overview" in db.session.execute(
        db.select(AuditEvent.action)).scalars().all()


def _fever(client, phone, value=38.6):
    return _post_checkin(client, phone, temperature={"value": value, "unit": "C"})


def test_queue_shows_new_escalation_with_patient_and_ladder(staff_client, make_patient, enrol):
    patient = make_patient()
    _fever(staff_client, enrol(patient))
    r = staff_client.get("/api/v1/staff/queue")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    [item] = r.json
    assert (item["severity"], item["state"], item["reasons"]) == ("urgent", "open", ["fever"])
    assert item["patient"] == {"id": patient.id, "code": patient.code,
                               "display_name": "Pat Example", "timezone": "Europe/Berlin",
                               "product": "axi-cel", "day": 8, "window_days": 30,
                               "caregiver_enrolled": False}
    handles = [n["staff"]["handle"] for n in item["ladder"]["notified"]]
    assert handles == ["admin-a"]
    assert item["ladder"]["level"] == 1 and item["ladder"]["undeliverable_at"] is None
    assert "queue.read" in db.session.execute(db.select(AuditEvent.action)).scalars().all()


def test_queue_orders_by_severity_then_age(staff_client, make_patient, enrol, clock):
    older = make_patient()
    _fever(staff_client, enrol(older))
    clock.advance(minutes=5)
    newer = make_patient()
    _post_checkin(staff_client, enrol(newer), vitals={"systolic_bp": 80})
    clock.advance(minutes=5)
    third = make_patient()
    _fever(staff_client, enrol(third))
    order = [i["patient_id"] for i in staff_client.get("/api/v1/staff/queue").json]
    assert order == [newer.id, older.id, third.id]


def test_queue_follows_acknowledge_and_resolve(staff_client, make_patient, enrol):
    _fever(staff_client, enrol(make_patient()))
    [item] = staff_client.get("/api/v1/staff/queue").json
    r = staff_client.post(f"/api/v1/staff/escalations/{item['id']}/acknowledge")
    assert r.status_code == 200, r.json
    [item] = staff_client.get("/api/v1/staff/queue").json
    assert item["state"] == "acknowledged" and item["acknowledged_by"]["handle"] == "admin-a"
    r = staff_client.post(f"/api/v1/staff/escalations/{item['id']}/resolve",
                          json={"outcome": "advice_at_home", "note": "paracetamol, recheck"})
    assert r.status_code == 200, r.json
    assert staff_client.get("/api/v1/staff/queue").json == []


def test_queue_hides_other_centres(staff_client, make_patient, enrol):
    other = Centre(name="B", phone_24h="+1 555", emergency_number="911", timezone="UTC")
    db.session.add(other)
    db.session.commit()
    _fever(staff_client, enrol(make_patient(centre_id=other.id)))
    assert staff_client.get("/api/v1/staff/queue").json == []


def test_overview_shows_open_escalation_and_next_slot(staff_client, make_patient, enrol):
    patient = make_patient()
    _fever(staff_client, enrol(patient))
    [row] = staff_client.get("/api/v1/staff/overview").json
    assert row["open_escalation"]["severity"] == "urgent"
    assert row["next_due_local"] == "2026-03-10T14:00:00+01:00"  # day 8: 08, 14, 20 h


def test_timeline_includes_escalations(staff_client, make_patient, enrol):
    patient = make_patient()
    _fever(staff_client, enrol(patient))
    body = staff_client.get(f"/api/v1/staff/patients/{patient.id}/timeline").json
    [esc] = body["escalations"]
    assert esc["severity"] == "urgent" and esc["opened_local"] == "2026-03-10T08:00:00+01:00"


def test_polling_the_queue_is_audited_on_change_not_every_poll(staff_client, make_patient,
                                                               enrol, clock):
    def reads():
        return db.session.execute(db.select(AuditEvent.detail).where(
            AuditEvent.action == "queue.read")).scalars().all()

    staff_client.get("/api/v1/staff/queue")
    staff_client.get("/api/v1/staff/queue")
    assert reads() == [{"escalations": []}]
    _fever(staff_client, enrol(make_patient()))
    [item] = staff_client.get("/api/v1/staff/queue").json
    staff_client.get("/api/v1/staff/queue")
    assert reads() == [{"escalations": []}, {"escalations": [item["id"]]}]
    clock.advance(minutes=6)
    staff_client.get("/api/v1/staff/queue")
    assert len(reads()) == 3


def test_nurse_reads_queue_and_overview_but_anonymous_cannot(app, client, make_staff):
    nurse_client = app.test_client()
    login(nurse_client, make_staff(handle="nurse-a"))
    assert nurse_client.get("/api/v1/staff/queue").status_code == 200
    assert nurse_client.get("/api/v1/staff/overview").status_code == 200
    assert client.get("/api/v1/staff/queue").status_code == 401
    assert client.get("/api/v1/staff/overview").status_code == 401


MARKUP = '<img src=x onerror="document.title=\'pwned\'"> says "not herself" & <b>tired</b>'


def test_timeline_shows_the_v2_inputs(staff_client, make_patient, enrol):
    """Respiratory rate, fever medicine, free text (as written) and the ICE self-check."""
    patient = make_patient()
    phone = enrol(patient)
    _post_checkin(staff_client, phone, vitals={"respiratory_rate": 26}, antipyretic=True,
                  antipyretic_kind="ibuprofen", other=MARKUP,
                  ice={"orientation": 4, "naming": 3, "commands": 1, "writing": 1,
                       "attention": 1, "self": True})
    _post_checkin(staff_client, phone)
    first, second = staff_client.get(
        f"/api/v1/staff/patients/{patient.id}/timeline").json["checkins"]
    assert (first["respiratory_rate"], first["antipyretic"], first["antipyretic_kind"],
            first["other"], first["ice_self"]) == (26, True, "ibuprofen", MARKUP, True)
    assert (second["respiratory_rate"], second["antipyretic"], second["other"],
            second["ice_self"]) == (None, None, None, None)


def test_queue_card_carries_fever_medicine_and_free_text(staff_client, make_patient, enrol):
    """The fever medicine flag and the family's words travel with the escalation."""
    patient = make_patient()
    phone = enrol(patient)
    _fever(staff_client, phone)
    _post_checkin(staff_client, phone, temperature={"value": 38.9, "unit": "C"},
                  antipyretic=True, other=MARKUP)
    quiet = make_patient()
    _fever(staff_client, enrol(quiet))
    items = {i["patient_id"]: i for i in staff_client.get("/api/v1/staff/queue").json}
    reported = items[patient.id]["reported"]
    assert reported["antipyretic"] is True
    assert [t["text"] for t in reported["other"]] == [MARKUP]
    assert items[quiet.id]["reported"] == {"antipyretic": False, "kind": None,
                                               "other": []}
    detail = staff_client.get(f"/api/v1/staff/escalations/{items[patient.id]['id']}").json
    assert [c.get("other") for c in detail["checkins"]] == [None, MARKUP]
    assert [c.get("antipyretic") for c in detail["checkins"]] == [None, True]


def test_staff_see_whether_a_caregiver_phone_is_enrolled(staff_client, make_patient, enrol):
    """A patient alone gets the `unanswered` notice with nobody to act: the queue says so."""
    patient = make_patient()
    _fever(staff_client, enrol(patient))

    def flags():
        [item] = staff_client.get("/api/v1/staff/queue").json
        one = staff_client.get(f"/api/v1/staff/patients/{patient.id}").json
        [listed] = [p for p in staff_client.get("/api/v1/staff/patients").json
                    if p["id"] == patient.id]
        timeline = staff_client.get(f"/api/v1/staff/patients/{patient.id}/timeline").json
        return {item["patient"]["caregiver_enrolled"], one["caregiver_enrolled"],
                listed["caregiver_enrolled"], timeline["patient"]["caregiver_enrolled"]}

    assert flags() == {False}  # a caregiver on record, but no phone of theirs
    enrol(patient, role="caregiver")
    assert flags() == {True}
    [device] = [d for d in staff_client.get(f"/api/v1/staff/patients/{patient.id}/devices").json
                if d["role"] == "caregiver"]
    r = staff_client.post(f"/api/v1/staff/patients/{patient.id}/devices/{device['id']}/revoke",
                          json={})
    assert r.status_code == 200, r.json
    assert flags() == {False}


def test_timeline_service_returns_datetimes_and_the_schema_writes_iso(staff_client, make_patient,
                                                                      enrol):
    """Services hand the schema datetimes (issue 13.5); the wire keeps isoformat()'s shape."""
    from server.services import timeline

    patient = make_patient()
    _fever(staff_client, enrol(patient))
    data = timeline.patient_timeline(patient)
    [point] = data["checkins"]
    [escalation] = data["escalations"]
    for value in (data["now"], data["patient"]["infused_at"], point["observed_at"],
                  point["received_at"], escalation["opened_at"]):
        assert isinstance(value, dt.datetime)
    wire = staff_client.get(f"/api/v1/staff/patients/{patient.id}/timeline").json
    assert wire["checkins"][0]["observed_at"] == point["observed_at"].isoformat()
    assert wire["escalations"][0]["opened_at"] == escalation["opened_at"].isoformat()


def test_queue_service_returns_datetimes_and_the_schema_writes_iso(staff_client, make_patient,
                                                                   enrol):
    """The triage queue hands QueueItem datetimes (issue 13.5): the card's instants, the
    ladder's first notification and the family's words; the wire keeps isoformat()."""
    from server.services import triage

    patient = make_patient()
    phone = enrol(patient)
    _fever(staff_client, phone)
    _post_checkin(staff_client, phone, temperature={"value": 38.9, "unit": "C"}, other="cold")
    [item] = triage.queue(staff_client.staff)
    [notified] = item["ladder"]["notified"]
    [words] = item["reported"]["other"]
    for value in (item["opened_at"], item["observed_at"], notified["first_at"],
                  words["observed_at"]):
        assert isinstance(value, dt.datetime)
    [wire] = staff_client.get("/api/v1/staff/queue").json
    assert wire["opened_at"] == item["opened_at"].isoformat()
    assert wire["observed_at"] == item["observed_at"].isoformat()
    assert wire["ladder"]["notified"][0]["first_at"] == notified["first_at"].isoformat()
    assert wire["reported"]["other"][0]["observed_at"] == words["observed_at"].isoformat()
