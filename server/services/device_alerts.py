"""A phone's view of its own patient's alerts: what was found, what to do, where it stands.

The patient's and caregivers' home screens show one card per alert (issue 15, finding 3):
the finding in plain words with its value ("temperature 38.6 °C"), the instruction with the
number to call, and the alert's progress (sent to the centre → seen by the centre → closed),
including a worsening and the `unanswered` notice. The phone keeps the last answer and shows
it offline. Reason codes stay codes here: the app has the words (its i18n files).

Only the patient's own escalations; no staff names, notes or outcomes (POLICY.md privacy).
"""
from __future__ import annotations

import datetime as dt

from ..clinical.instructions import instruction
from ..clock import now
from ..extensions import db
from ..models import Escalation, NotificationIntent, Patient
from . import evidence

# A closed alert stays on the card this long, so the family sees "closed" rather than the
# card silently vanishing; afterwards only the history (entries screen) shows it.
CLOSED_SHOWN_FOR = dt.timedelta(hours=24)

# The values a reason may carry to the phone (raw samples and check-in ids stay behind).
_VALUE_BLOCKS = ("temperature", "ice", "vitals")


def _found(reason: dict) -> dict:
    """One reason in words: its code, severity, the value behind it, who recorded it, when."""
    source = reason.get("source") or {}
    news2 = reason.get("news2")
    return {
        "reason": reason["reason"], "severity": reason["severity"],
        **{block: reason.get(block) for block in _VALUE_BLOCKS},
        "news2": news2["total"] if news2 else None,
        "recorded_by": source.get("recorded_by"), "observed_at": source.get("observed_at"),
        "slots": reason.get("slots") or [],
    }


def _unanswered(escalation_ids: list[int]) -> dict[int, dt.datetime]:
    """When each escalation's family was last told "not answered yet: call" (outbox rows)."""
    if not escalation_ids:
        return {}
    rows = db.session.execute(
        db.select(NotificationIntent.escalation_id, db.func.max(NotificationIntent.created_at))
        .where(NotificationIntent.escalation_id.in_(escalation_ids),
               NotificationIntent.purpose == "unanswered")
        .group_by(NotificationIntent.escalation_id)).all()
    return {escalation_id: at for escalation_id, at in rows}


def for_patient(patient: Patient) -> list[dict]:
    """The patient's unresolved escalations and those closed within CLOSED_SHOWN_FOR,
    newest first, each with its findings in words, instruction and progress times."""
    since = now() - CLOSED_SHOWN_FOR
    rows = db.session.execute(
        db.select(Escalation).where(
            Escalation.patient_id == patient.id,
            db.or_(Escalation.state != "resolved", Escalation.resolved_at >= since))
        .order_by(Escalation.id.desc())).scalars().all()
    behind = evidence.for_escalations(list(rows))
    told = _unanswered([row.id for row in rows])
    out = []
    for row in rows:
        unanswered_at = told.get(row.id)
        if unanswered_at and row.acknowledged_at and unanswered_at <= row.acknowledged_at:
            unanswered_at = None  # answered since: the notice no longer applies
        advice = instruction(row.severity, patient.centre)
        out.append({
            "id": row.id, "state": row.state, "severity": row.severity,
            "reasons": list(row.reasons or []),
            "found": [_found(r) for r in behind.get(row.id, {}).get("reasons", [])],
            "instruction": {"action": advice["action"], "text": advice["text"],
                            "phone": advice["phone"]},
            "opened_at": row.opened_at, "raised_at": row.raised_at,
            "acknowledged_at": row.acknowledged_at, "resolved_at": row.resolved_at,
            "worsened_at": row.worsened_at, "unanswered_at": unanswered_at,
        })
    return out
