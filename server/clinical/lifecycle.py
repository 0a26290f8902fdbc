"""Time-driven changes of an escalation (policy v2): acknowledgements lapse, routine follow-up.

POLICY.md "Acknowledged is not resolved (v2)" and "Routine follow-up (v2)", after on-call
practice (an acknowledgement not followed by resolution re-triggers; a routine item does
not wait forever). Each is one persisted step, like the ladder's: `schedule_*` writes it when
the escalation is acknowledged or opened, `run_*` runs from `jobs.run_due_work` with the
patient locked by the claim. A step carries the ladder epoch it was written in, so an
acknowledgement undone, a raise or a worsening makes it stale without hunting it down.
"""
from __future__ import annotations

import datetime as dt

from .. import policy as P
from ..audit import trail as audit
from ..extensions import db
from ..models import Centre, Escalation, EscalationEvent, ScheduledStep
from . import ladder, notify
from .batch import Batch
from .history import add_event


def lapse_hours(centre: Centre, severity: str) -> float | None:
    """How long an acknowledgement of `severity` holds at this centre (None: never lapses).

    A stored value outside the policy's bounds (written before validation existed, or by
    hand) is ignored in favour of the default, never trusted.
    """
    default = P.ACK_LAPSE_HOURS.get(severity)
    if default is None:
        return None
    value = (centre.ack_lapse_hours or {}).get(severity, default)
    low, high = P.ACK_LAPSE_BOUNDS_HOURS
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        return default
    return value


def schedule_ack_lapse(escalation: Escalation, at: dt.datetime) -> None:
    """On acknowledgement: the step that opens it again if it is still unresolved then."""
    hours = lapse_hours(escalation.patient.centre, escalation.severity)
    if hours is None:
        return
    db.session.add(ScheduledStep(
        kind="ack_lapse", due_at=at + dt.timedelta(hours=hours), patient_id=escalation.patient_id,
        escalation_id=escalation.id, epoch=escalation.ladder_epoch, created_at=at))


def run_ack_lapse(row: ScheduledStep, running: Batch) -> bool:
    """Still acknowledged and unresolved: open again, tier 1 `renotify`, ladder from tier 1.

    The patient and caregivers are not told again, and no `unanswered` notice follows.
    """
    at = running.at
    escalation = db.session.get(Escalation, row.escalation_id)
    if escalation is None or escalation.state != "acknowledged" \
            or row.epoch != escalation.ladder_epoch:
        return False
    patient = escalation.patient
    tiers = notify.staff_tiers(patient.centre_id)
    escalation.state = "open"
    escalation.acknowledged_at = None
    escalation.acknowledged_by_id = None
    escalation.ladder_epoch += 1
    escalation.ack_lapsed_at = at
    ladder.begin(escalation, at, tiers)
    epoch = escalation.ladder_epoch
    for recipient in tiers[0] if tiers else []:
        notify.send(f"escalation:{escalation.id}:{epoch}-lapse:{notify.recipient_key(recipient)}",
                    recipient, "renotify", patient, at, severity=escalation.severity,
                    escalation_id=escalation.id, tag=f"escalation-{escalation.id}")
    ladder.schedule_followups(escalation, at, unanswered=False)
    add_event(escalation, "ack_lapsed", at)
    audit.record("escalation.ack_lapsed", patient_id=patient.id,
                 detail={"escalation": escalation.id})
    return True


def schedule_followup(escalation: Escalation, at: dt.datetime) -> None:
    """On opening a routine escalation: the one follow-up 12 h later."""
    if escalation.severity != "routine":
        return
    db.session.add(ScheduledStep(
        kind="followup", due_at=at + dt.timedelta(hours=P.ROUTINE_FOLLOWUP_HOURS),
        patient_id=escalation.patient_id, escalation_id=escalation.id,
        epoch=escalation.ladder_epoch, created_at=at))


def _ever_acknowledged(escalation_id: int) -> bool:
    return db.session.execute(
        db.select(EscalationEvent.id).where(EscalationEvent.escalation_id == escalation_id,
                                            EscalationEvent.kind == "acknowledged").limit(1)
    ).first() is not None


def run_followup(row: ScheduledStep, running: Batch) -> bool:
    """Still routine, unresolved and never acknowledged: every tier on duty, once (`renotify`)."""
    at = running.at
    escalation = db.session.get(Escalation, row.escalation_id)
    if escalation is None or escalation.state != "open" or escalation.severity != "routine" \
            or escalation.followed_up_at is not None or _ever_acknowledged(escalation.id):
        return False
    patient = escalation.patient
    for tier in notify.staff_tiers(patient.centre_id):
        for recipient in tier:
            notify.send(f"followup:{escalation.id}:{notify.recipient_key(recipient)}",
                        recipient, "renotify", patient, at, severity=escalation.severity,
                        escalation_id=escalation.id, tag=f"escalation-{escalation.id}")
    escalation.followed_up_at = at
    add_event(escalation, "followed_up", at)
    audit.record("escalation.followed_up", patient_id=patient.id,
                 detail={"escalation": escalation.id})
    return True
