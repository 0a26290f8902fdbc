"""Push subscriptions, receipts, the staff test message and per-escalation delivery state."""
from __future__ import annotations

import datetime as dt
import uuid

from .. import transaction
from ..audit import trail as audit
from ..auth.identity import Actor
from ..clinical import channel_plan, notify
from ..clock import now
from ..errors import ApiError
from ..extensions import db
from ..models import (
    DeliveryAttempt,
    Escalation,
    NotificationIntent,
    PushSubscription,
    Receipt,
    Staff,
)

SHOWN_WARNING_AFTER = dt.timedelta(hours=24)  # dashboard: no device showed a push for 24 h


def _owner(actor: Actor) -> dict:
    if actor.kind == "staff":
        return {"staff_id": actor.staff.id, "device_id": None}
    return {"staff_id": None, "device_id": actor.device.id}


def subscribe(actor: Actor, data: dict) -> tuple[PushSubscription, bool]:
    """Register (or move to this owner, re-activating) a browser subscription."""
    owner = _owner(actor)
    row = db.session.execute(
        db.select(PushSubscription).where(PushSubscription.endpoint == data["endpoint"])
    ).scalar_one_or_none()
    created = row is None
    if created:
        row = PushSubscription(endpoint=data["endpoint"], created_at=now())
        db.session.add(row)
    row.p256dh = data["keys"]["p256dh"]
    row.auth = data["keys"]["auth"]
    row.staff_id, row.device_id = owner["staff_id"], owner["device_id"]
    row.deactivated_at = None
    row.deactivated_reason = None
    db.session.flush()
    patient_id = actor.device.patient_id if actor.device else None
    audit.record("push.subscribe", patient_id=patient_id, detail={"subscription": row.id})
    return row, created


def unsubscribe(actor: Actor, endpoint: str) -> bool:
    """Deactivate the caller's subscription for `endpoint`; False when it is not theirs."""
    owner = _owner(actor)
    row = db.session.execute(
        db.select(PushSubscription).where(PushSubscription.endpoint == endpoint,
                                          PushSubscription.staff_id == owner["staff_id"],
                                          PushSubscription.device_id == owner["device_id"])
    ).scalar_one_or_none()
    if row is None:
        return False
    if row.deactivated_at is None:
        row.deactivated_at = now()
        row.deactivated_reason = "unsubscribed"
    patient_id = actor.device.patient_id if actor.device else None
    audit.record("push.unsubscribe", patient_id=patient_id, detail={"subscription": row.id})
    return True


def _addressed_to(intent: NotificationIntent, actor: Actor) -> bool:
    if actor.kind == "staff":
        return intent.recipient_kind == "staff" and intent.recipient_id == actor.staff.id
    device = actor.device
    if intent.recipient_kind == "patient":
        return device.role == "patient" and device.patient_id == intent.recipient_id
    if intent.recipient_kind == "caregiver":
        return device.caregiver_id == intent.recipient_id
    return False


def record_receipt(actor: Actor, intent_id: int, event: str) -> Receipt:
    """Store a `shown` / `clicked` report for an intent addressed to the caller (once each)."""
    intent = db.session.get(NotificationIntent, intent_id)
    if intent is None or not _addressed_to(intent, actor):
        transaction.refuse("push.receipt.refused", outcome="denied",
                         detail={"intent": intent_id})
        raise ApiError(404, "not_found", "Not found")
    owner = _owner(actor)
    existing = db.session.execute(
        db.select(Receipt).where(Receipt.intent_id == intent_id, Receipt.event == event,
                                 Receipt.staff_id == owner["staff_id"],
                                 Receipt.device_id == owner["device_id"])
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    subscription_id = None
    if actor.device is not None:
        subscription_id = db.session.execute(
            db.select(PushSubscription.id).where(PushSubscription.device_id == actor.device.id)
            .order_by(PushSubscription.deactivated_at.is_not(None), PushSubscription.id.desc())
            .limit(1)).scalar()
    receipt = Receipt(intent_id=intent_id, event=event, at=now(),
                      subscription_id=subscription_id, **owner)
    db.session.add(receipt)
    return receipt


def send_test(staff: Staff) -> NotificationIntent:
    """Queue a test notification to the caller's own subscriptions."""
    at = now()
    intent = NotificationIntent(
        dedupe_key=f"test:{staff.id}:{uuid.uuid4().hex}", recipient_kind="staff",
        recipient_id=staff.id, purpose="test", urgency="normal", topic="test",
        payload={"web_push": notify.WEB_PUSH_MAGIC,
                 "notification": {"title": "CARTwatch test", "body": "Notifications work "
                                  "on this device.", "navigate": notify._url("/staff/"),
                                  "tag": f"test-{staff.id}", "silent": False},
                 "kind": "test", "severity": None, "escalation_id": None},
        created_at=at, state="pending", next_attempt_at=at, attempts=0)
    db.session.add(intent)
    audit.record("push.test", detail={"staff": staff.id})
    return intent


def staff_status(staff: Staff) -> dict:
    """The caller's subscriptions and when a device last showed a push (24 h warning)."""
    active = db.session.execute(
        db.select(db.func.count(PushSubscription.id)).where(
            PushSubscription.staff_id == staff.id, PushSubscription.deactivated_at.is_(None))
    ).scalar()
    last_shown = db.session.execute(
        db.select(db.func.max(Receipt.at)).where(Receipt.staff_id == staff.id)).scalar()
    stale = last_shown is None or now() - last_shown > SHOWN_WARNING_AFTER
    return {"subscriptions": active, "last_shown_at": last_shown,
            "warning": bool(staff.on_duty and stale)}


def escalation_deliveries(escalation_id: int, staff: Staff) -> dict:
    """Per recipient of an escalation: state, attempts, devices reached, shown / clicked."""
    escalation = db.session.get(Escalation, escalation_id)
    if escalation is None or escalation.patient.centre_id != staff.centre_id:
        transaction.refuse("push.deliveries.refused", outcome="denied",
                         detail={"escalation": escalation_id})
        raise ApiError(404, "not_found", "Not found")
    intents = list(db.session.execute(
        db.select(NotificationIntent).where(NotificationIntent.escalation_id == escalation_id)
        .order_by(NotificationIntent.id)).scalars())
    ids = [i.id for i in intents]
    attempts = db.session.execute(
        db.select(DeliveryAttempt).where(DeliveryAttempt.intent_id.in_(ids))).scalars().all()
    receipts = db.session.execute(
        db.select(Receipt).where(Receipt.intent_id.in_(ids))).scalars().all()
    channel_attempts = channel_plan.attempts_for(ids)
    handles = dict(db.session.execute(
        db.select(Staff.id, Staff.handle).where(Staff.centre_id == staff.centre_id)).all())
    items = []
    for intent in intents:
        mine = [a for a in attempts if a.intent_id == intent.id]
        seen = [r for r in receipts if r.intent_id == intent.id]
        shown = [r for r in seen if r.event == "shown"]
        clicked = [r for r in seen if r.event == "clicked"]
        who = (handles.get(intent.recipient_id, f"staff {intent.recipient_id}")
               if intent.recipient_kind == "staff" else intent.recipient_kind)
        items.append({
            "intent_id": intent.id, "purpose": intent.purpose, "recipient": who,
            "recipient_kind": intent.recipient_kind, "recipient_id": intent.recipient_id,
            "state": intent.state, "attempts": len(mine), "created_at": intent.created_at,
            "sent_at": intent.sent_at, "last_error": intent.last_error,
            "devices_reached": len({a.subscription_id for a in mine if a.outcome == "ok"}),
            "shown_devices": len({(r.device_id, r.staff_id, r.subscription_id) for r in shown}),
            "shown_at": min((r.at for r in shown), default=None),
            "clicked_at": min((r.at for r in clicked), default=None),
            "channel": intent.channel_kind or "push",
            "channel_attempts": [  # SMS / voice / webhook: each send and its last status
                {"kind": a.kind, "at": a.at, "outcome": a.outcome, "status": a.status,
                 "status_at": a.status_at}
                for a in channel_attempts if a.intent_id == intent.id],
        })
    audit.record("push.deliveries.read", patient_id=escalation.patient_id,
                 detail={"escalation": escalation_id})
    return {"escalation_id": escalation_id, "undeliverable_at": escalation.undeliverable_at,
            "undeliverable_reason": escalation.undeliverable_reason, "items": items}
