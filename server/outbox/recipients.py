"""Who a leased row goes to: its recipient's working subscriptions, or its channel target."""
from __future__ import annotations

import datetime as dt

from .. import policy as P
from ..clinical import channel_plan
from ..extensions import db
from ..models import DeliveryAttempt, Device, Escalation, PushSubscription, Staff
from ..services import channel_send
from .rows import NI, Row, job_of


def active_subscriptions(kind: str, recipient_id: int) -> list[PushSubscription]:
    """Working subscriptions of a recipient: staff, the patient's phones, a caregiver's."""
    query = db.select(PushSubscription).where(PushSubscription.deactivated_at.is_(None))
    if kind == "staff":
        query = query.join(Staff, Staff.id == PushSubscription.staff_id).where(
            Staff.id == recipient_id, Staff.active.is_(True))
    else:
        query = query.join(Device, Device.id == PushSubscription.device_id).where(
            Device.revoked_at.is_(None))
        if kind == "patient":
            query = query.where(Device.patient_id == recipient_id, Device.role == "patient")
        else:
            query = query.where(Device.caregiver_id == recipient_id)
    return list(db.session.execute(query.order_by(PushSubscription.id)).scalars())


def delivered_to(intent_id: int) -> set[int]:
    """The subscriptions an intent already reached."""
    return set(db.session.execute(
        db.select(DeliveryAttempt.subscription_id).where(
            DeliveryAttempt.intent_id == intent_id, DeliveryAttempt.outcome == "ok")
    ).scalars())


def load(ids: list[int], owner: str,
         recheck: bool = False) -> tuple[dict[int, Row], set[int]]:
    """Read the leased rows and their recipients' subscriptions, then end the transaction.

    Staff alerts whose escalation was acknowledged or resolved meanwhile are cancelled.
    `recheck`: look up earlier deliveries even on a first attempt (a batch retried row by
    row after it failed partway).
    """
    loaded: dict[int, Row] = {}
    cancelled: set[int] = set()
    intents = db.session.execute(
        db.select(NI).where(NI.id.in_(ids), NI.lease_owner == owner, NI.state == "leased")
    ).scalars().all()
    recipients: dict[tuple[str, int], list[PushSubscription]] = {}
    for intent in intents:
        job = job_of(intent)
        if (job.staff_alert and job.urgency == "high" and intent.shown_deadline is None
                and intent.sent_at is None and job.attempts == 1
                and job.channel_kind is None):  # channels report through their callbacks
            intent.shown_deadline = job.created_at + dt.timedelta(
                minutes=P.PUSH_SHOWN_WITHIN_MINUTES)
        if job.staff_alert and not still_open(job.escalation_id):
            intent.state, intent.lease_owner, intent.lease_until = "cancelled", None, None
            intent.shown_deadline = None  # acknowledged or resolved meanwhile: no stale alarm
            cancelled.add(intent.id)
            continue
        if intent.chain and intent.dedupe_key != intent.chain and job.attempts == 1 \
                and channel_plan.earlier_confirmed(intent):  # shown already: no fallback
            intent.state, intent.lease_owner, intent.lease_until = "cancelled", None, None
            cancelled.add(intent.id)
            continue
        if job.channel_kind is not None:
            found = channel_send.target(intent)
            loaded[job.id] = Row(job, [] if found is None else [(0, found)], False,
                                 channel_message=channel_send.message(intent))
            continue
        key = (job.recipient_kind, job.recipient_id)
        if key not in recipients:
            recipients[key] = active_subscriptions(*key)
        done = delivered_to(job.id) if job.attempts > 1 or recheck else set()  # a retry
        todo = [(s.id, s.info()) for s in recipients[key] if s.id not in done]
        loaded[job.id] = Row(job, todo, bool(done))
    db.session.commit()  # no transaction (nor SQLite write lock) is held during network I/O
    return loaded, cancelled


def still_open(escalation_id: int) -> bool:
    """Whether the escalation is still open (not acknowledged nor resolved)."""
    escalation = db.session.get(Escalation, escalation_id)
    return escalation is not None and escalation.state == "open"
