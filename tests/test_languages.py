"""Languages on the server: set per patient and caregiver at enrolment, switchable from the
phone, and the texts a patient or caregiver receives (instructions, advice, pushes) are in
that person's language."""
from __future__ import annotations

import datetime as dt
import uuid

from conftest import START
from push_fixtures import push_app, subscribe_device

from server import i18n
from server.clinical import notify
from server.clinical.batch import Batch
from server.clock import now
from server.extensions import db
from server.models import AuditEvent, Caregiver, Device, Patient
from server.outbox import passes

pytestmark = push_app


def _enrol(staff_client, **fields):
    body = {"display_name": "Pat Example", "timezone": "Europe/Berlin", "product": "axi-cel",
            "infused_at": (START - dt.timedelta(days=3)).isoformat(), **fields}
    return staff_client.post("/api/v1/staff/patients", json=body)


def _checkin(client, headers, celsius):
    return client.post("/api/v1/checkins", json={"temperature": {"value": celsius, "unit": "C"}},
                       headers={**headers, "Idempotency-Key": str(uuid.uuid4())})


def test_staff_set_the_language_of_a_patient_and_of_a_caregiver(staff_client):
    r = _enrol(staff_client, language="de")
    assert r.status_code == 201 and r.json["language"] == "de"
    patient_id = r.json["id"]
    assert staff_client.get(f"/api/v1/staff/patients/{patient_id}").json["language"] == "de"
    r = staff_client.post(f"/api/v1/staff/patients/{patient_id}/caregivers",
                          json={"display_name": "Carer", "language": "es"})
    assert r.status_code == 201 and r.json["language"] == "es"
    assert staff_client.get(f"/api/v1/staff/patients/{patient_id}/caregivers").json[0][
        "language"] == "es"
    r = staff_client.patch(f"/api/v1/staff/patients/{patient_id}", json={"language": "es"})
    assert r.status_code == 200 and r.json["language"] == "es"


def test_without_a_choice_the_language_is_english(staff_client):
    r = _enrol(staff_client)
    assert r.status_code == 201 and r.json["language"] == "en"


def test_an_unknown_language_is_refused_naming_the_field_and_nothing_is_saved(staff_client):
    before = db.session.execute(db.select(db.func.count(Patient.id))).scalar()
    r = _enrol(staff_client, language="fr")
    assert r.status_code == 422
    assert list(r.json["error"]["fields"]) == ["language"]
    assert db.session.execute(db.select(db.func.count(Patient.id))).scalar() == before


def test_each_phone_gets_its_own_persons_language(client, make_patient, enrol):
    patient = make_patient(language="de")
    patient.caregivers[0].language = "es"
    db.session.commit()
    mine, carer = enrol(patient), enrol(patient, "caregiver")
    assert client.get("/api/v1/device/me", headers=mine).json["language"] == "de"
    assert client.get("/api/v1/device/me", headers=carer).json["language"] == "es"


def test_a_phone_changes_its_persons_language_only(client, make_patient, enrol):
    patient = make_patient()
    mine, carer = enrol(patient), enrol(patient, "caregiver")
    r = client.put("/api/v1/device/language", json={"language": "es"}, headers=carer)
    assert r.status_code == 200 and r.json == {"language": "es"}
    db.session.expire_all()
    assert db.session.get(Caregiver, patient.caregivers[0].id).language == "es"
    assert db.session.get(Patient, patient.id).language == "en"  # the patient's stays
    assert client.get("/api/v1/device/me", headers=carer).json["language"] == "es"
    assert client.get("/api/v1/device/me", headers=mine).json["language"] == "en"
    event = db.session.execute(db.select(AuditEvent).where(
        AuditEvent.action == "person.language")).scalar_one()
    assert event.patient_id == patient.id and event.detail["new"] == "es"


def test_a_bad_language_from_a_phone_is_refused_naming_the_field(client, make_patient, enrol):
    patient = make_patient(language="de")
    mine = enrol(patient)
    for body in ({"language": "xx"}, {}, {"language": 3}):
        r = client.put("/api/v1/device/language", json=body, headers=mine)
        assert r.status_code == 422 and list(r.json["error"]["fields"]) == ["language"]
    db.session.expire_all()
    assert db.session.get(Patient, patient.id).language == "de"


def test_the_instruction_after_a_check_in_is_in_the_recorders_language(client, make_patient,
                                                                        enrol, centre):
    patient = make_patient(language="de")
    patient.caregivers[0].language = "es"
    db.session.commit()
    mine, carer = enrol(patient), enrol(patient, "caregiver")
    r = _checkin(client, mine, 38.6)
    assert r.status_code == 201
    assert r.json["instruction"]["text"] == (
        f"Rufen Sie jetzt das Zentrum an, Tag und Nacht erreichbar: {centre.phone_24h}.")
    r = _checkin(client, carer, 36.8)
    assert r.json["instruction"]["text"] == "Gracias. Su registro se ha guardado."


def test_a_late_entry_names_its_time_in_the_patients_zone_and_language(client, make_patient,
                                                                       enrol):
    patient = make_patient(language="de")
    mine = enrol(patient)
    observed = now() - dt.timedelta(hours=3)
    r = client.post("/api/v1/checkins", json={
        "temperature": {"value": 38.6, "unit": "C"}, "observed_at": observed.isoformat()},
        headers={**mine, "Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.json
    local = observed.astimezone(dt.timezone(dt.timedelta(hours=1)))  # Berlin in winter
    assert f"(Eintrag gemessen am {local:%d.%m.} {local:%H:%M}.)" in r.json["instruction"]["text"]


def test_the_phones_offline_advice_is_in_its_persons_language(client, make_patient, enrol,
                                                              centre):
    patient = make_patient(language="es")
    body = client.get("/api/v1/device/thresholds", headers=enrol(patient)).json
    assert body["instructions"]["urgent"]["text"] == (
        f"Llame ahora al centro, a su línea de 24 horas: {centre.phone_24h}.")


def test_english_stays_the_english_text(centre):
    from server.clinical.instructions import instruction
    assert instruction("urgent", centre)["text"] == (
        f"Call the centre now on its 24-hour line: {centre.phone_24h}.")
    assert i18n.gettext("xx", "Alert seen") == "Alert seen"  # unknown language: English


def test_pushes_reach_each_person_in_their_language(app, service, client, make_patient, enrol,
                                                    make_staff):
    """Through the loopback push service (it decrypts): a German patient, a Spanish
    caregiver, and staff in English, for the same urgent alert."""
    make_staff(handle="nurse-one", tier=1)
    patient = make_patient(language="de")
    patient.caregivers[0].language = "es"
    db.session.commit()
    mine, _carer = enrol(patient), enrol(patient, "caregiver")
    devices = db.session.execute(db.select(Device).order_by(Device.id)).scalars().all()
    sub_patient, sub_carer = (subscribe_device(service, d.id) for d in devices)
    assert _checkin(client, mine, 38.6).status_code == 201
    passes.run_pass()
    (got,) = service.for_endpoint(sub_patient.endpoint)
    assert got.payload["notification"]["title"] == "CARTwatch-Meldung"
    assert got.payload["notification"]["body"].startswith("Rufen Sie jetzt das Zentrum an")
    (got,) = service.for_endpoint(sub_carer.endpoint)
    assert got.payload["notification"]["title"] == "Aviso de CARTwatch"
    assert got.payload["notification"]["body"].startswith("Llame ahora al centro")


def test_a_reminder_in_a_batch_uses_the_caregivers_language(app, make_patient):
    patient = make_patient(language="de")
    caregiver = patient.caregivers[0]
    caregiver.language = "es"
    db.session.commit()
    running = Batch(now(), hold_intents=False)
    notify.load_family(running, [patient.id])
    with running.running():
        for recipient in notify.family(patient):
            notify.send(f"t:{notify.recipient_key(recipient)}", recipient, "reminder",
                        patient, now())
    db.session.commit()
    from server.models import NotificationIntent
    titles = {(i.recipient_kind, i.payload["notification"]["title"]) for i in
              db.session.execute(db.select(NotificationIntent)).scalars()}
    assert titles == {("patient", "Zeit für eine Kontrolle"),
                      ("caregiver", "Es hora de un control")}
