"""Escalations: open, attach, raise or re-alert on findings; acknowledge, undo, resolve."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import joinedload

from .. import policy as P
from .. import transaction
from ..audit import trail as audit
from ..calendar import day_number
from ..clock import now
from ..domain_errors import InvalidInput, NotFound, WrongState
from ..extensions import db
from ..models import Escalation, Finding, Patient, Staff
from ..models.clinical import OUTCOMES
from . import ladder, lifecycle, notify
from . import outcomes as registry
from .history import add_event

RANK = {name: rank for rank, name in enumerate(P.SEVERITIES)}


@dataclass(frozen=True)
class Found:
    """A finding ready to store: the rule's id, reason, severity and syndrome."""

    rule_id: str
    reason: str
    severity: str
    syndrome: str | None


def open_escalation(patient_id: int) -> Escalation | None:
    """The patient's one unresolved escalation, if any."""
    return db.session.execute(
        db.select(Escalation).where(Escalation.patient_id == patient_id,
                                    Escalation.state != "resolved")
    ).scalar_one_or_none()


def lock_patient(patient_id: int) -> Patient:
    """Serialise evaluations per patient (row lock on PostgreSQL; SQLite locks at BEGIN).

    FOR NO KEY UPDATE, not FOR UPDATE: the check-in row just inserted holds FOR KEY SHARE
    on its patient (the foreign key), and two check-ins of one patient each holding that
    and waiting for FOR UPDATE deadlocked (a 500 for one of them).

    The centre (thresholds, numbers) comes in the same statement; only the patient row is
    locked, so check-ins of one centre do not queue behind each other.
    """
    return db.session.execute(
        db.select(Patient).where(Patient.id == patient_id)
        .options(joinedload(Patient.centre, innerjoin=True))
        .with_for_update(key_share=True, of=Patient)
    ).scalar_one()


def _union(old: list[str], new: list[str]) -> list[str]:
    return old + [item for item in new if item not in old]


def realerts(escalation: Escalation, found: list[Found], patient: Patient,
             slot_at: dt.datetime | None) -> bool:
    """POLICY.md "Acknowledged is not resolved (v2)": is a non-raising finding a worsening?

    Only while acknowledged: an open escalation's ladder is still running, so a finding
    that does not raise it attaches silently. (a), the raise, is decided by the caller.
    """
    if escalation.state != "acknowledged":
        return False
    for f in found:
        if f.severity == "emergency":  # (b) even one already among the reasons
            return True
        if f.syndrome and f.syndrome not in escalation.syndromes:  # (c) a new syndrome
            return True
        if f.rule_id in P.REALERT_ALWAYS_RULES:  # (d) R-MISSED-REPEATED on any day
            return True
        if f.rule_id == "R-MISSED" and slot_at is not None and day_number(
                patient.infused_at, slot_at, patient.timezone) <= P.REALERT_MISSED_LAST_DAY:
            return True  # (d) R-MISSED on days 0–14
    return False


def _restart(escalation: Escalation, at: dt.datetime, tiers) -> None:
    """Open again, unacknowledged, on a new ladder epoch starting at tier 1."""
    escalation.state = "open"
    escalation.acknowledged_at = None
    escalation.acknowledged_by_id = None
    escalation.ladder_epoch += 1
    ladder.begin(escalation, at, tiers)
    ladder.cancel_pending(escalation.id, kinds=("ladder", "unanswered", "ack_lapse"))


def record_findings(patient: Patient, found: list[Found], at: dt.datetime,
                    observed_at: dt.datetime, *, checkin_id: int | None = None,
                    slot_at: dt.datetime | None = None) -> tuple[Escalation, str]:
    """Store findings on the patient's open escalation (opening or raising it as needed)."""
    severity = max((f.severity for f in found), key=RANK.__getitem__)
    syndromes = sorted({f.syndrome for f in found if f.syndrome})
    reasons = _union([], [f.reason for f in found])
    escalation = open_escalation(patient.id)
    change = "opened" if escalation is None \
        else "raised" if RANK[severity] > RANK[escalation.severity] \
        else "worsened" if realerts(escalation, found, patient, slot_at) else "attached"
    # read before anything is changed, so the ladder's fields go out with the escalation's
    # first INSERT or UPDATE instead of a second UPDATE after it
    tiers = None if change == "attached" else notify.staff_tiers(patient.centre_id)
    if escalation is None:
        escalation = Escalation(patient_id=patient.id, state="open", severity=severity,
                                syndromes=syndromes, reasons=reasons, opened_at=at,
                                observed_at=observed_at, ladder_epoch=0)
        ladder.begin(escalation, at, tiers)
        db.session.add(escalation)
        db.session.flush()
    else:
        escalation.syndromes = sorted(set(escalation.syndromes) | set(syndromes))
        escalation.reasons = _union(list(escalation.reasons), reasons)
        escalation.observed_at = min(escalation.observed_at, observed_at)
        if change == "raised":
            escalation.severity = severity
            escalation.raised_at = at
        elif change == "worsened":
            escalation.worsened_at = at
        if change in ("raised", "worsened"):
            _restart(escalation, at, tiers)
    for f in found:
        db.session.add(Finding(escalation_id=escalation.id, patient_id=patient.id,
                               checkin_id=checkin_id, slot_at=slot_at, rule_id=f.rule_id,
                               reason=f.reason, severity=f.severity, syndrome=f.syndrome,
                               observed_at=observed_at, created_at=at))
    add_event(escalation, change, at,
              new_reasons=reasons if change in ("raised", "worsened") else None)
    audit.record(f"escalation.{change}", patient_id=patient.id,
                 detail={"escalation": escalation.id})
    if change != "attached":
        ladder.start(escalation, at, tiers)
    if change == "opened":
        lifecycle.schedule_followup(escalation, at)
    return escalation, change


def reference(escalation: Escalation | None, change: str | None = None) -> dict | None:
    """The short form a check-in response and lists carry."""
    if escalation is None:
        return None
    return {"id": escalation.id, "state": escalation.state, "severity": escalation.severity,
            "syndromes": list(escalation.syndromes), "reasons": list(escalation.reasons),
            "change": change}


def staff_escalation(escalation_id: int, staff: Staff) -> Escalation:
    """Load an escalation of the caller's centre, or refuse with 404 (audited)."""
    escalation = db.session.get(Escalation, escalation_id) if 0 < escalation_id < 2**31 else None
    if escalation is None or escalation.patient.centre_id != staff.centre_id:
        transaction.refuse("escalation.refused", outcome="denied",
                         detail={"escalation": escalation_id})
        raise NotFound()
    return escalation


def _staff_escalation_to_change(escalation_id: int, staff: Staff) -> Escalation:
    """`staff_escalation`, then its patient's lock and a fresh read of its state.

    Check-ins and due work lock the patient before they touch an escalation or its ladder
    steps; staff actions do the same, so they queue instead of deadlocking (acknowledge
    updating the escalation, then waiting on a step the sweep holds while the sweep waits
    on the escalation) and never act on a state a concurrent raise has just changed.
    """
    escalation = staff_escalation(escalation_id, staff)
    lock_patient(escalation.patient_id)
    db.session.refresh(escalation)
    return escalation


def _conflict(escalation: Escalation, action: str) -> WrongState:
    transaction.refuse(f"escalation.{action}", patient_id=escalation.patient_id, outcome="denied",
                     detail={"escalation": escalation.id, "state": escalation.state})
    return WrongState(f"Escalation is {escalation.state}")


def acknowledge(escalation_id: int, staff: Staff) -> Escalation:
    """Stop the ladder and tell the patient and caregivers the centre has seen the alert."""
    escalation = _staff_escalation_to_change(escalation_id, staff)
    if escalation.state != "open":
        raise _conflict(escalation, "acknowledge")
    at = now()
    escalation.state = "acknowledged"
    escalation.acknowledged_at = at
    escalation.acknowledged_by_id = staff.id
    ladder.cancel_pending(escalation.id)
    lifecycle.schedule_ack_lapse(escalation, at)
    for recipient in notify.family(escalation.patient):
        notify.send(f"acknowledged:{escalation.id}:{escalation.ladder_epoch}:"
                    f"{notify.recipient_key(recipient)}", recipient, "acknowledged",
                    escalation.patient, at, severity=escalation.severity,
                    escalation_id=escalation.id, tag=f"escalation-{escalation.id}")
    notify.page_update(escalation, "acknowledge", at)  # PagerDuty / webhooks
    add_event(escalation, "acknowledged", at, staff.id)
    audit.record("escalation.acknowledge", patient_id=escalation.patient_id,
                 detail={"escalation": escalation.id})
    return escalation


def unacknowledge(escalation_id: int, staff: Staff) -> Escalation:
    """Undo an acknowledgement: the escalation is open again and its ladder resumes."""
    escalation = _staff_escalation_to_change(escalation_id, staff)
    if escalation.state != "acknowledged":
        raise _conflict(escalation, "unacknowledge")
    at = now()
    escalation.state = "open"
    escalation.acknowledged_at = None
    escalation.acknowledged_by_id = None
    escalation.ladder_epoch += 1
    escalation.ladder_level = 1
    ladder.cancel_pending(escalation.id, kinds=("ack_lapse",))
    ladder.schedule_followups(escalation, at)
    add_event(escalation, "unacknowledged", at, staff.id)
    audit.record("escalation.unacknowledge", patient_id=escalation.patient_id,
                 detail={"escalation": escalation.id})
    return escalation


def resolve(escalation_id: int, staff: Staff, outcome: str, note: str | None,
            outcomes: dict | None = None) -> Escalation:
    """Close an escalation with an outcome and a note, and the registry outcomes if given.

    The outcomes' dates are checked before anything changes, so a refused date loses
    nothing: the escalation stays as it was and can be resolved again.
    """
    if outcome not in OUTCOMES:
        raise InvalidInput({"outcome": [f"must be one of {', '.join(OUTCOMES)}"]})
    escalation = _staff_escalation_to_change(escalation_id, staff)
    if escalation.state == "resolved":
        raise _conflict(escalation, "resolve")
    at = now()
    if outcomes is not None and registry.given(outcomes):
        registry.check_dates(escalation.patient, outcomes.get("treatments") or [], at)
    escalation.state = "resolved"
    escalation.resolved_at = at
    escalation.resolved_by_id = staff.id
    escalation.outcome = outcome
    escalation.note = note
    ladder.cancel_pending(escalation.id, kinds=ladder.ESCALATION_STEP_KINDS)
    notify.page_update(escalation, "resolve", at)
    add_event(escalation, "resolved", at, staff.id)
    audit.record("escalation.resolve", patient_id=escalation.patient_id,
                 detail={"escalation": escalation.id, "outcome": outcome})
    if outcomes is not None and registry.given(outcomes):
        registry.store(escalation, staff, outcomes, at)
    return escalation


def amend_outcomes(escalation_id: int, staff: Staff, data: dict):
    """Record or replace a resolved escalation's registry outcomes (409 while unresolved)."""
    escalation = _staff_escalation_to_change(escalation_id, staff)
    if escalation.state != "resolved":
        raise _conflict(escalation, "outcomes.amend")
    row = registry.store(escalation, staff, data)
    return row
