"""Patients and caregivers of a centre: create, list, change monitoring, all audited."""
from __future__ import annotations

import datetime as dt
import secrets

from .. import policy as P
from ..audit import trail as audit
from ..calendar import day_number
from ..clinical import schedule
from ..clock import now
from ..errors import ApiError
from ..extensions import db
from ..models import Caregiver, Device, Patient, Staff
from . import baselines

# Corrections of the record itself (a typing error at enrolment): each needs a reason, is
# audited with old and new values, and the calendar ones re-plan the check-in slots.
CORRECTABLE = ("infused_at", "enrolled_at", "product", "timezone", "display_name")

CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"


def new_patient_code() -> str:
    """A pseudonymous patient code such as 'P-7KQX4M'."""
    return "P-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


def check_calendar(infused_at: dt.datetime, enrolled_at: dt.datetime) -> None:
    """422 naming each field when the infusion or enrolment date cannot be right.

    A future infusion shows "day -90 of 30" and plans no check-ins; an enrolment before the
    infusion, or an infusion older than any window, is a typing error (POLICY.md "Time").
    """
    at = now()
    skew = dt.timedelta(minutes=P.CALENDAR_MAX_FUTURE_MINUTES)
    ahead = at + skew
    oldest = at - dt.timedelta(days=P.MAX_WINDOW_DAYS + P.INFUSED_MAX_PAST_EXTRA_DAYS)
    errors: dict[str, list[str]] = {}
    if infused_at > ahead:
        errors["infused_at"] = ["must not be in the future"]
    elif infused_at < oldest:
        errors["infused_at"] = [f"must be within the last "
                                f"{P.MAX_WINDOW_DAYS + P.INFUSED_MAX_PAST_EXTRA_DAYS} days"]
    if enrolled_at > ahead:
        errors["enrolled_at"] = ["must not be in the future"]
    elif "infused_at" not in errors and enrolled_at + skew < infused_at:
        errors["enrolled_at"] = ["must not be before the infusion"]
    if errors:
        raise ApiError(422, "validation_error", "Invalid input", errors)


def create_patient(staff: Staff, data: dict) -> Patient:
    """Enrol a patient at the caller's centre."""
    data = dict(data)
    data.setdefault("enrolled_at", now())
    check_calendar(data["infused_at"], data["enrolled_at"])
    patient = Patient(centre_id=staff.centre_id, code=data.pop("code", None) or new_patient_code(),
                      created_at=now(), **data)
    db.session.add(patient)
    schedule.replan(patient)
    db.session.flush()
    audit.record("patient.create", patient_id=patient.id)
    return patient


def list_patients(staff: Staff) -> list[Patient]:
    """The caller's centre's patients (scope filtered in the query, not after it)."""
    rows = db.session.execute(
        db.select(Patient).where(Patient.centre_id == staff.centre_id).order_by(Patient.id)
    ).scalars()
    patients = list(rows)
    audit.record_list_read("patient.list", [p.id for p in patients])
    return patients


def _jsonable(value):
    return value.isoformat() if isinstance(value, dt.datetime) else value


def correct_patient(patient: Patient, changes: dict) -> Patient:
    """Correct the record (dates, product, zone, name) with a reason; the slots are re-planned.

    The audit detail keeps old and new values (the record's history); a calendar change
    queues a re-plan of the slots.
    """
    reason = changes.pop("reason")
    changed = {key: value for key, value in changes.items() if getattr(patient, key) != value}
    if not changed:
        raise ApiError(422, "validation_error", "Invalid input",
                       {name: ["is already this value"] for name in changes})
    check_calendar(changed.get("infused_at", patient.infused_at),
                   changed.get("enrolled_at", patient.enrolled_at))
    detail = {"reason": reason, "fields": sorted(changed),
              "old": {k: _jsonable(getattr(patient, k)) for k in sorted(changed)},
              "new": {k: _jsonable(v) for k, v in sorted(changed.items())}}
    for key, value in changed.items():
        setattr(patient, key, value)
    if schedule.calendar_changed(changed):
        schedule.replan(patient)
    audit.record("patient.correct", patient_id=patient.id, detail=detail)
    return patient


def update_patient(patient: Patient, changes: dict, staff: Staff | None = None) -> Patient:
    """Change monitoring settings (window, baseline, end) of a patient."""
    end = changes.pop("end_monitoring", None)
    if "baseline_ice" in changes:  # kept in the baseline history, so it can be undone
        baselines.change(patient, "ice", changes.pop("baseline_ice"), staff)
    changed = {key for key, value in changes.items() if getattr(patient, key) != value}
    for key, value in changes.items():
        setattr(patient, key, value)
    if end is True and patient.monitoring_ended_at is None:
        patient.monitoring_ended_at = now()
        changed.add("monitoring_ended_at")
        _revoke_phones(patient)
    elif end is False and patient.monitoring_ended_at is not None:
        patient.monitoring_ended_at = None
        changed.add("monitoring_ended_at")
    if schedule.calendar_changed(changed):
        schedule.replan(patient)
    audit.record("patient.update", patient_id=patient.id, detail={"fields": sorted(changes)})
    return patient


def _revoke_phones(patient: Patient) -> None:
    """End every phone's token with the monitoring: a check-in after the end must not page
    staff who no longer watch this patient. The phones are told (410 monitoring_ended, with
    the centre's numbers) and show a closing screen; resuming monitoring needs new codes."""
    from .enrolment import revoke_device

    for device in devices_of(patient):
        if device.revoked_at is None:
            revoke_device(device, reason="monitoring_ended")


def add_caregiver(patient: Patient, display_name: str, language: str = "en") -> Caregiver:
    """Link a caregiver to a patient."""
    caregiver = Caregiver(patient_id=patient.id, display_name=display_name, language=language,
                          created_at=now())
    db.session.add(caregiver)
    db.session.flush()
    audit.record("caregiver.create", patient_id=patient.id, detail={"caregiver": caregiver.id})
    return caregiver


def person_of(device: Device) -> Patient | Caregiver:
    """The person a phone belongs to: its caregiver, or else the patient."""
    caregiver = db.session.get(Caregiver, device.caregiver_id) if device.caregiver_id else None
    return caregiver or device.patient


def set_language(device: Device, language: str) -> str:
    """Set the language of the phone's person (patient or caregiver): pushes follow it."""
    person = person_of(device)
    old = person.language
    person.language = language
    audit.record("person.language", patient_id=device.patient_id, actor=("device", device.id),
                 detail={"role": device.role, "old": old, "new": language})
    return language


def with_caregiver_phone(patient_ids: list[int]) -> set[int]:
    """The patients among these with a caregiver's phone enrolled and not revoked.

    A patient without one is alone at home: the `unanswered` notice (POLICY.md, closing
    the loop) reaches nobody who could act for a confused patient, so staff must see it.
    """
    if not patient_ids:
        return set()
    return set(db.session.execute(
        db.select(Device.patient_id).distinct().where(
            Device.patient_id.in_(patient_ids), Device.role == "caregiver",
            Device.revoked_at.is_(None))
    ).scalars())


def patient_summary(patient: Patient, reachable: set[int] | None = None) -> dict:
    """Fields every patient view shows, with the day since infusion computed locally.

    `reachable` is `with_caregiver_phone()` of a whole list, read once for all of it.
    """
    if reachable is None:
        reachable = with_caregiver_phone([patient.id])
    return {
        "day": day_number(patient.infused_at, now(), patient.timezone),
        "caregiver_enrolled": patient.id in reachable,
    }


def devices_of(patient: Patient) -> list[Device]:
    """A patient's devices, newest first."""
    return list(db.session.execute(
        db.select(Device).where(Device.patient_id == patient.id).order_by(Device.id.desc())
    ).scalars())
