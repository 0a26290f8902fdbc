"""The escalation ladder: tier 1 at once, then re-notify and add a tier every interval."""
from __future__ import annotations

import datetime as dt

from .. import policy as P
from ..extensions import db
from ..models import Escalation, ScheduledStep
from . import notify
from .batch import Batch

STAFF_PURPOSES = ("escalation", "renotify")  # the staff alerts the triage ladder shows
ESCALATION_STEP_KINDS = ("ladder", "unanswered", "ack_lapse", "followup")
# Why a staff alert did not arrive: Escalation.undeliverable_reason is one of these, or
# "<code>:staff<id>" naming the recipient (outbox/flagging.py); the staff app words each
# one (pwa/staff/js/i18n.js, checked by tests/browser/test_staff_wording.py).
UNDELIVERABLE_REASONS = ("no_staff_on_duty", "no_subscription", "push_failed",
                         "subscription_gone", "push_refused", "not_shown",
                         "channel_failed", "not_answered")  # channels: SMS/voice/webhook


def _minutes(table: dict, severity: str) -> dt.timedelta | None:
    value = table.get(severity)
    return None if value is None else dt.timedelta(minutes=value)


def begin(escalation: Escalation, at: dt.datetime,
          tiers: list[list[notify.Recipient]]) -> None:
    """Set the ladder's fields for a (re)start at tier 1 with the centre's on-duty `tiers`.

    `record_findings` calls it before it first flushes the escalation, so a new one is
    inserted with them rather than inserted and then updated.
    """
    escalation.ladder_level = 1
    escalation.ladder_started_at = at
    if not tiers:  # nobody on duty: make it visible rather than silent
        escalation.undeliverable_at = at
        escalation.undeliverable_reason = "no_staff_on_duty"


def start(escalation: Escalation, at: dt.datetime,
          tiers: list[list[notify.Recipient]] | None = None) -> None:
    """Notify tier 1 and the family (urgent/emergency) and persist the ladder's next steps.

    With `tiers`, `begin` has already run with them; without, it runs here.
    """
    patient = escalation.patient
    if tiers is None:
        tiers = notify.staff_tiers(patient.centre_id)
        begin(escalation, at, tiers)
    epoch = escalation.ladder_epoch
    for recipient in tiers[0] if tiers else []:
        notify.send(f"escalation:{escalation.id}:{epoch}-0:{notify.recipient_key(recipient)}",
                    recipient, "escalation", patient, at, severity=escalation.severity,
                    escalation_id=escalation.id, tag=f"escalation-{escalation.id}")
    if escalation.severity in ("urgent", "emergency"):
        for recipient in notify.family(patient):
            notify.send(f"escalation:{escalation.id}:{epoch}-family:"
                        f"{notify.recipient_key(recipient)}",
                        recipient, "escalation", patient, at, severity=escalation.severity,
                        escalation_id=escalation.id, tag=f"escalation-{escalation.id}")
    schedule_followups(escalation, at)


def schedule_followups(escalation: Escalation, at: dt.datetime, *,
                       unanswered: bool = True) -> None:
    """Persist the next ladder step and (unless `unanswered` is false: an acknowledgement
    that lapsed tells the family nothing again) the `unanswered` notice for this epoch."""
    common = dict(patient_id=escalation.patient_id, escalation_id=escalation.id,
                  epoch=escalation.ladder_epoch, created_at=at)
    if step := _minutes(P.LADDER_MINUTES, escalation.severity):
        db.session.add(ScheduledStep(kind="ladder", due_at=at + step, step=1, **common))
    if not unanswered:
        return
    if wait := _minutes(P.UNANSWERED_MINUTES, escalation.severity):
        db.session.add(ScheduledStep(kind="unanswered", due_at=at + wait, **common))


def _live(row: ScheduledStep) -> Escalation | None:
    escalation = db.session.get(Escalation, row.escalation_id)
    if escalation is None or escalation.state != "open" or row.epoch != escalation.ladder_epoch:
        return None
    return escalation


def run_step(row: ScheduledStep, running: Batch) -> bool:
    """One ladder step: add the next tier and re-notify every tier reached; persist the next."""
    at = running.at
    escalation = _live(row)
    if escalation is None:
        return False
    patient = escalation.patient
    tiers = notify.staff_tiers(patient.centre_id)
    escalation.ladder_level = min(escalation.ladder_level + 1, max(len(tiers), 1))
    for tier in tiers[:escalation.ladder_level]:
        for recipient in tier:
            notify.send(f"escalation:{escalation.id}:{row.epoch}-{row.step}:"
                        f"{notify.recipient_key(recipient)}",
                        recipient, "renotify", patient, at, severity=escalation.severity,
                        escalation_id=escalation.id, tag=f"escalation-{escalation.id}")
    interval = _minutes(P.LADDER_MINUTES, escalation.severity)
    if interval is not None:
        due = row.due_at + interval
        while due <= at:  # after downtime, keep the grid but do not fire a burst
            due += interval
        db.session.add(ScheduledStep(kind="ladder", due_at=due, step=row.step + 1,
                                     patient_id=row.patient_id, escalation_id=escalation.id,
                                     epoch=row.epoch, created_at=at))
    return True


def run_unanswered(row: ScheduledStep, running: Batch) -> bool:
    """Still unacknowledged: tell the patient and caregivers to call themselves."""
    at = running.at
    escalation = _live(row)
    if escalation is None:
        return False
    for recipient in notify.family(escalation.patient):
        notify.send(f"unanswered:{escalation.id}:{row.epoch}:{notify.recipient_key(recipient)}",
                    recipient, "unanswered", escalation.patient, at,
                    severity=escalation.severity, escalation_id=escalation.id,
                    tag=f"escalation-{escalation.id}")
    return True


def cancel_pending(escalation_id: int, kinds=("ladder", "unanswered")) -> None:
    """Cancel an escalation's pending steps (they would be skipped anyway; this shows it)."""
    db.session.execute(
        db.update(ScheduledStep)
        .where(ScheduledStep.escalation_id == escalation_id,
               ScheduledStep.state == "pending", ScheduledStep.kind.in_(kinds))
        .values(state="cancelled")
    )


def skip_to_next_tier(escalation_id: int, at: dt.datetime, reason: str) -> list[tuple]:
    """Push could not reach the current tier: flag the escalation, notify the next tier now.

    Runs in the caller's transaction; returns the recipients notified.
    """
    escalation = db.session.get(Escalation, escalation_id)
    if escalation is None or escalation.state == "resolved":
        return []
    escalation.undeliverable_at = at
    escalation.undeliverable_reason = reason[:64]
    tiers = notify.staff_tiers(escalation.patient.centre_id)
    if escalation.state != "open" or escalation.ladder_level >= len(tiers):
        return []
    escalation.ladder_level += 1
    notified = []
    for recipient in tiers[escalation.ladder_level - 1]:
        notify.send(f"escalation:{escalation.id}:{escalation.ladder_epoch}-skip"
                    f"{escalation.ladder_level}:{notify.recipient_key(recipient)}",
                    recipient, "renotify", escalation.patient, at,
                    severity=escalation.severity, escalation_id=escalation.id,
                    tag=f"escalation-{escalation.id}")
        notified.append(recipient)
    return notified


def recipient_unreachable(escalation: Escalation, recipient: tuple, at: dt.datetime,
                          reason: str) -> list[tuple]:
    """An alert did not reach `recipient`: flag the escalation; if the recipient is in the
    tier the ladder has reached, notify the next tier now (a lower tier already passed on:
    flag only, never skip twice). Runs in the caller's transaction; returns who was notified.
    """
    reason = reason[:64]
    tiers = notify.staff_tiers(escalation.patient.centre_id)
    level = escalation.ladder_level
    top = tiers[level - 1] if 0 < level <= len(tiers) else []
    if recipient in top:
        return skip_to_next_tier(escalation.id, at, reason)  # flags it and notifies at once
    escalation.undeliverable_at = at
    escalation.undeliverable_reason = reason
    return []
