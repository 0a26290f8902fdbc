"""Write notification intents into the outbox: recipients, dedupe keys, name-free payloads."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from flask import current_app, has_app_context
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from ..models import Caregiver, NotificationIntent, Patient, Staff
from .instructions import instruction, unanswered_text

WEB_PUSH_MAGIC = 8030  # Declarative Web Push: the payload is a notification by itself

Recipient = tuple[str, int]  # (kind, id): ("staff", 3), ("patient", 1), ("caregiver", 2)


def family(patient: Patient) -> list[Recipient]:
    """The patient and every caregiver of the patient."""
    caregivers = db.session.execute(
        db.select(Caregiver.id).where(Caregiver.patient_id == patient.id).order_by(Caregiver.id)
    ).scalars()
    return [("patient", patient.id)] + [("caregiver", cid) for cid in caregivers]


def caregivers(patient: Patient) -> list[Recipient]:
    """Every caregiver of the patient."""
    return [r for r in family(patient) if r[0] == "caregiver"]


def staff_tiers(centre_id: int) -> list[list[Recipient]]:
    """On-duty, active staff of a centre by tier, lowest first (empty tiers skipped)."""
    rows = db.session.execute(
        db.select(Staff.id, Staff.tier).where(
            Staff.centre_id == centre_id, Staff.on_duty.is_(True), Staff.active.is_(True)
        ).order_by(Staff.tier, Staff.id)
    ).all()
    tiers: dict[int, list[Recipient]] = defaultdict(list)
    for staff_id, tier in rows:
        tiers[tier].append(("staff", staff_id))
    return [tiers[t] for t in sorted(tiers)]


def _url(path: str) -> str:
    base = current_app.config.get("PUBLIC_URL", "") if has_app_context() else ""
    return base.rstrip("/") + path


def _texts(purpose: str, kind: str, severity: str | None, patient: Patient) -> tuple[str, str]:
    centre = patient.centre
    if kind == "staff":
        label = (severity or "").capitalize()
        if purpose == "renotify":
            return (f"{label} alert still open", "Not yet acknowledged. Open CARTwatch.")
        return (f"{label} alert", "A patient needs review. Open CARTwatch to acknowledge.")
    if purpose == "reminder":
        return ("Time for a check-in", "Please record a check-in in CARTwatch.")
    if purpose == "missed_checkin":
        return ("Check-in not received", "Please help record a check-in in CARTwatch now.")
    if purpose == "acknowledged":
        return ("Alert seen", "The centre has seen your alert and will contact you.")
    if purpose == "unanswered":
        return unanswered_text(severity or "urgent", centre)
    advice = instruction(severity, centre)
    return ("CARTwatch alert", advice["text"])


def payload(purpose: str, kind: str, severity: str | None, escalation_id: int | None,
            patient: Patient, tag: str) -> dict:
    """The push payload (Declarative Web Push shape): no names, no clinical values."""
    title, body = _texts(purpose, kind, severity, patient)
    path = f"/staff/#/escalations/{escalation_id}" if kind == "staff" and escalation_id \
        else "/staff/" if kind == "staff" else "/app/"
    return {
        "web_push": WEB_PUSH_MAGIC,
        "notification": {"title": title, "body": body, "navigate": _url(path), "tag": tag,
                         "silent": False},
        "kind": purpose, "severity": severity, "escalation_id": escalation_id,
    }


def send(key: str, recipient: Recipient, purpose: str, patient: Patient, at: dt.datetime, *,
         severity: str | None = None, escalation_id: int | None = None, tag: str = "") -> bool:
    """Insert one intent unless its dedupe key exists; True when a row was written."""
    kind, recipient_id = recipient
    values = dict(
        dedupe_key=key, recipient_kind=kind, recipient_id=recipient_id, patient_id=patient.id,
        escalation_id=escalation_id, purpose=purpose,
        urgency="high" if severity in ("urgent", "emergency") else "normal",
        payload=payload(purpose, kind, severity, escalation_id, patient,
                        tag or f"{purpose}-{escalation_id or patient.id}"),
        created_at=at, state="pending", next_attempt_at=at, attempts=0,
    )
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(NotificationIntent).values(**values).on_conflict_do_nothing(
        index_elements=["dedupe_key"])
    return db.session.execute(stmt).rowcount == 1


def recipient_key(recipient: Recipient) -> str:
    """The recipient part of a dedupe key, e.g. `staff3`."""
    return f"{recipient[0]}{recipient[1]}"
