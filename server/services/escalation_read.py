"""Read side of escalations: centre-scoped lists and descriptions for staff, a phone's view."""
from __future__ import annotations

from ..audit import trail as audit
from ..clinical import notify
from ..clock import now
from ..extensions import db
from ..models import CheckIn, Escalation, EscalationEvent, Patient, ScheduledStep, Staff
from . import checkins, evidence, patients


def _who(staff_id: int | None) -> dict | None:
    if staff_id is None:
        return None
    staff = db.session.get(Staff, staff_id)
    return {"id": staff.id, "handle": staff.handle, "name": staff.name}


def summary(escalation: Escalation) -> dict:
    """An escalation's state with who acknowledged / resolved it and when."""
    data = {name: getattr(escalation, name) for name in (
        "id", "patient_id", "state", "severity", "syndromes", "reasons", "opened_at",
        "raised_at", "observed_at", "acknowledged_at", "resolved_at", "outcome", "note",
        "undeliverable_at", "undeliverable_reason", "worsened_at", "ack_lapsed_at",
        "followed_up_at")}
    data["patient_code"] = escalation.patient.code
    data["acknowledged_by"] = _who(escalation.acknowledged_by_id)
    data["resolved_by"] = _who(escalation.resolved_by_id)
    return data


def list_for_staff(staff: Staff, state: str | None, severity: str | None,
                   patient_id: int | None) -> list[dict]:
    """The caller's centre's escalations, newest first, filtered in the query."""
    query = (db.select(Escalation).join(Patient, Patient.id == Escalation.patient_id)
             .where(Patient.centre_id == staff.centre_id))
    if state == "unresolved":
        query = query.where(Escalation.state != "resolved")
    elif state:
        query = query.where(Escalation.state == state)
    if severity:
        query = query.where(Escalation.severity == severity)
    if patient_id is not None:
        query = query.where(Escalation.patient_id == patient_id)
    rows = db.session.execute(query.order_by(Escalation.id.desc()).limit(500)).scalars().all()
    audit.record_list_read("escalation.list", [row.patient_id for row in rows])
    return [summary(row) for row in rows]


DEVICE_FIELDS = ("id", "state", "severity", "syndromes", "reasons", "opened_at", "raised_at",
                 "acknowledged_at")  # no staff names, notes or outcomes on a family's phone


def unresolved_for_patient(patient_id: int) -> list[dict]:
    """A phone's view: its patient's escalations the centre has not closed, newest first.

    Read from the escalations themselves, so a missed check-in (which has no check-in row)
    shows, and an acknowledgement or resolution shows as soon as staff make it.
    """
    rows = db.session.execute(
        db.select(Escalation).where(Escalation.patient_id == patient_id,
                                    Escalation.state != "resolved")
        .order_by(Escalation.id.desc())).scalars().all()
    return [{name: getattr(row, name) for name in DEVICE_FIELDS} for row in rows]


def describe(escalation: Escalation) -> dict:
    """Summary plus findings, the check-ins behind them, history and the ladder's state."""
    data = summary(escalation)
    data["findings"] = [
        {name: getattr(f, name) for name in (
            "id", "rule_id", "reason", "severity", "syndrome", "checkin_id", "slot_at",
            "observed_at", "created_at")}
        for f in escalation.findings]
    ids = sorted({f.checkin_id for f in escalation.findings if f.checkin_id})
    rows = db.session.execute(db.select(CheckIn).where(CheckIn.id.in_(ids))
                              .order_by(CheckIn.id)).scalars() \
        if ids else []
    data["checkins"] = [checkins.answer(row) for row in rows]
    data["evidence"] = evidence.for_escalations([escalation])[escalation.id]
    patient = escalation.patient
    data["patient"] = evidence.patient_block(
        patient, now(), patient.id in patients.with_caregiver_phone([patient.id]))
    events = db.session.execute(
        db.select(EscalationEvent).where(EscalationEvent.escalation_id == escalation.id)
        .order_by(EscalationEvent.id)).scalars()
    data["events"] = [{"at": e.at, "kind": e.kind, "severity": e.severity,
                       "by": _who(e.staff_id), "new_reasons": e.new_reasons} for e in events]
    pending = db.session.execute(
        db.select(ScheduledStep).where(ScheduledStep.escalation_id == escalation.id,
                                       ScheduledStep.state == "pending")
        .order_by(ScheduledStep.due_at)).scalars().all()
    data["ladder"] = {
        "level": escalation.ladder_level,
        "tiers_on_duty": len(notify.staff_tiers(escalation.patient.centre_id)),
        "started_at": escalation.ladder_started_at,
        "running": escalation.state == "open" and any(p.kind == "ladder" for p in pending),
        "pending": [{"kind": p.kind, "due_at": p.due_at, "step": p.step} for p in pending],
    }
    audit.record("escalation.read", patient_id=escalation.patient_id,
                 detail={"escalation": escalation.id})
    return data
