"""The triage queue in one read: unresolved escalations with patient, day and ladder state."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy.orm import contains_eager

from ..audit import trail as audit
from ..clinical.ladder import STAFF_PURPOSES
from ..clock import now
from ..extensions import db
from ..models import AuditEvent, Escalation, NotificationIntent, Patient, Staff
from ..models.push import Receipt
from . import escalation_read, evidence, patients, reported
from .timeline import SEVERITY_RANK

AUDIT_EVERY = dt.timedelta(minutes=5)  # a polled queue is re-audited when it changes or this


def _deliveries(escalation_ids: list[int]) -> dict[int, list[NotificationIntent]]:
    """Staff notifications written for these escalations (the outbox rows)."""
    if not escalation_ids:
        return {}
    rows = db.session.execute(
        db.select(NotificationIntent).where(
            NotificationIntent.escalation_id.in_(escalation_ids),
            NotificationIntent.recipient_kind == "staff",
            NotificationIntent.purpose.in_(STAFF_PURPOSES),
        ).order_by(NotificationIntent.id)
    ).scalars()
    out: dict[int, list[NotificationIntent]] = defaultdict(list)
    for row in rows:
        out[row.escalation_id].append(row)
    return out


def _shown_counts(intent_ids: list[int]) -> dict[int, dict[str, int]]:
    """Devices that showed / were clicked per intent, from the push receipts."""
    if not intent_ids:
        return {}
    rows = db.session.execute(
        db.select(Receipt.intent_id, Receipt.event, db.func.count())
        .where(Receipt.intent_id.in_(intent_ids)).group_by(Receipt.intent_id, Receipt.event)
    ).all()
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for intent_id, event, count in rows:
        out[intent_id][event] = count
    return out


def _ladder(escalation: Any, intents: list[NotificationIntent], staff: dict[int, Staff],
            shown: dict[int, dict[str, int]]) -> dict[str, Any]:
    notified: dict[int, dict[str, Any]] = {}
    for intent in intents:
        member = staff.get(intent.recipient_id)
        entry = notified.setdefault(intent.recipient_id, {
            "staff": {"id": intent.recipient_id, "handle": member.handle if member else None,
                      "name": member.name if member else None,
                      "tier": member.tier if member else None},
            "first_at": intent.created_at, "sent": 0, "shown": 0, "clicked": 0,
            "state": intent.state})
        entry["sent"] += 1 if intent.sent_at is not None else 0
        entry["state"] = intent.state
        counts = shown.get(intent.id, {})
        entry["shown"] += counts.get("shown", 0)
        entry["clicked"] += counts.get("clicked", 0)
    return {
        "level": getattr(escalation, "ladder_level", None),
        "notified": list(notified.values()),
        "undeliverable_at": escalation.undeliverable_at,
        "undeliverable_reason": escalation.undeliverable_reason,
    }


def queue(caller: Staff) -> list[dict[str, Any]]:
    """Unresolved escalations of the caller's centre, most severe and longest waiting first.

    Instants are datetimes; the API's QueueItem schema writes them (isoformat)."""
    rows = list(db.session.execute(
        db.select(Escalation).join(Patient, Patient.id == Escalation.patient_id)
        .where(Patient.centre_id == caller.centre_id, Escalation.state != "resolved")
        .options(contains_eager(Escalation.patient))  # one query, not one per card
    ).scalars())
    intents = _deliveries([e.id for e in rows])
    ids = {i.recipient_id for group in intents.values() for i in group}
    staff = {s.id: s for s in db.session.execute(
        db.select(Staff).where(Staff.id.in_(ids))).scalars()} if ids else {}
    shown = _shown_counts([i.id for group in intents.values() for i in group])
    words = reported.for_escalations([e.id for e in rows])
    reachable = patients.with_caregiver_phone([e.patient_id for e in rows])
    behind = evidence.for_escalations(rows)
    current = now()
    out = []
    for e in rows:
        patient = e.patient
        item = escalation_read.summary(e)  # datetimes: the schema writes them (isoformat)
        item["patient"] = evidence.patient_block(patient, current, patient.id in reachable)
        item["evidence"] = behind[e.id]
        item["ladder"] = _ladder(e, intents.get(e.id, []), staff, shown)
        item["reported"] = words[e.id]
        out.append(item)
    out.sort(key=lambda i: (SEVERITY_RANK.get(i["severity"], 9),
                            i["raised_at"] or i["opened_at"], i["id"]))
    _audit_read(caller, [i["id"] for i in out])
    return out


def _audit_read(caller: Staff, escalation_ids: list[int]) -> None:
    """Audit a queue read, but not every poll: once per change of what is shown or 5 min."""
    ids = sorted(escalation_ids)
    last = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.actor_kind == "staff",
                                    AuditEvent.actor_id == caller.id,
                                    AuditEvent.action == "queue.read")
        .order_by(AuditEvent.id.desc()).limit(1)
    ).scalar_one_or_none()
    if (last is not None and (last.detail or {}).get("escalations") == ids
            and now() - last.at < AUDIT_EVERY):
        return
    audit.record("queue.read", detail={"escalations": ids})
