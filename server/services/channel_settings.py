"""Reading and replacing a recipient's channel list; the "send me a test" per channel.

Staff choose any kinds; a patient's or caregiver's list holds push and SMS only, and an SMS
needs the person's consent, recorded with who recorded it (the member of staff) and when.
Saving keeps a channel's webhook secret and SMS consent when its kind and address stay.
"""
from __future__ import annotations

import re
import secrets
import uuid

from notifications.channels import webhook

from ..audit import trail as audit
from ..clinical import notify
from ..clock import now
from ..errors import ApiError
from ..extensions import db
from ..models import ContactChannel, NotificationIntent, Staff
from ..models.channels import FAMILY_KINDS
from . import push_subscriptions

E164 = re.compile(r"\+[1-9][0-9]{6,14}")
MAX_CHANNELS = 5


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "validation_error", "Invalid input", {field: [message]})


def listing(kind: str, recipient_id: int) -> list[dict]:
    """The list as the API shows it (instants as datetimes: ChannelOut writes them)."""
    rows = db.session.execute(
        db.select(ContactChannel).where(ContactChannel.recipient_kind == kind,
                                        ContactChannel.recipient_id == recipient_id)
        .order_by(ContactChannel.position, ContactChannel.id)).scalars()
    return [{"id": r.id, "position": r.position, "kind": r.kind,
             "delay_seconds": r.delay_seconds, "address": r.address,
             "secret": r.secret if r.kind == "webhook" else None,
             "routing_key_set": bool(r.secret) if r.kind == "pagerduty" else None,
             "consent_at": r.consent_at,
             "consent_by_staff_id": r.consent_by_staff_id,
             "opted_out_at": r.opted_out_at}
            for r in rows]


def _check(kind: str, items: list[dict]) -> None:
    if len(items) > MAX_CHANNELS:
        raise _invalid("channels", f"at most {MAX_CHANNELS} channels")
    for index, item in enumerate(items):
        where = f"channels.{index}"
        if kind != "staff" and item["kind"] not in FAMILY_KINDS:
            raise _invalid(f"{where}.kind", "patients and caregivers: push or sms only")
        address = item.get("address")
        if item["kind"] in ("sms", "voice") and not (address and E164.fullmatch(address)):
            raise _invalid(f"{where}.address", "a phone number in E.164 form, e.g. "
                           "+4930123456")
        if item["kind"] == "webhook":
            if problem := webhook.target_problem(address or ""):
                raise _invalid(f"{where}.address", problem)
        if item["kind"] == "pagerduty" and not re.fullmatch(
                r"[A-Za-z0-9]{20,64}", item.get("routing_key") or ""):
            raise _invalid(f"{where}.routing_key", "a PagerDuty Events v2 routing key")
        if kind != "staff" and item["kind"] == "sms" and item.get("consent") is not True:
            raise _invalid(f"{where}.consent", "an SMS needs the person's consent")


def replace(kind: str, recipient_id: int, items: list[dict], by: Staff,
            patient_id: int | None = None) -> list[dict]:
    """Replace a recipient's list (validated first: a bad item changes nothing)."""
    _check(kind, items)
    old = list(db.session.execute(
        db.select(ContactChannel).where(ContactChannel.recipient_kind == kind,
                                        ContactChannel.recipient_id == recipient_id)).scalars())
    kept = {(r.kind, r.address): r for r in old}
    at = now()
    for row in old:
        db.session.delete(row)
    db.session.flush()
    for position, item in enumerate(items):
        address = item.get("address") if item["kind"] != "pagerduty" else None
        before = kept.get((item["kind"], address))
        row = ContactChannel(recipient_kind=kind, recipient_id=recipient_id,
                             patient_id=patient_id, position=position, kind=item["kind"],
                             delay_seconds=item.get("delay_seconds", 0), address=address,
                             created_at=at)
        if item["kind"] == "webhook":
            row.secret = before.secret if before and before.secret else secrets.token_urlsafe(32)
        if item["kind"] == "pagerduty":
            row.secret = item["routing_key"]
        if kind != "staff" and item["kind"] == "sms":
            row.consent_at = before.consent_at if before else at
            row.consent_by_staff_id = before.consent_by_staff_id if before else by.id
            row.opted_out_at = before.opted_out_at if before else None
        db.session.add(row)
    audit.record("channel.settings.update", patient_id=patient_id,
                 detail={"recipient": f"{kind}{recipient_id}",
                         "kinds": [i["kind"] for i in items]})
    return listing(kind, recipient_id)


def send_test(staff: Staff, position: int) -> NotificationIntent:
    """Queue a test through one of the caller's channels (push: every subscription)."""
    channel = db.session.execute(
        db.select(ContactChannel).where(ContactChannel.recipient_kind == "staff",
                                        ContactChannel.recipient_id == staff.id,
                                        ContactChannel.position == position)).scalar()
    if channel is None:
        raise _invalid("position", "no channel at this position")
    if channel.kind == "push":
        return push_subscriptions.send_test(staff)
    at = now()
    intent = NotificationIntent(
        dedupe_key=f"test:{staff.id}:{uuid.uuid4().hex}", recipient_kind="staff",
        recipient_id=staff.id, purpose="test", urgency="normal", topic="test",
        payload={"kind": "test", "severity": None, "escalation_id": None,
                 "web_push": notify.WEB_PUSH_MAGIC}, created_at=at, state="pending",
        next_attempt_at=at, attempts=0, channel_id=channel.id, channel_kind=channel.kind)
    db.session.add(intent)
    audit.record("channel.test", detail={"staff": staff.id, "channel": channel.kind})
    return intent
