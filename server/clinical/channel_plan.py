"""Channel lists and fallback chains: which channels a notification goes through, and when.

A recipient without a channel list gets Web Push only, as before. With one (`ContactChannel`
rows by position, e.g. push at 0 s, SMS at 120 s, call at 300 s), `notify.send` writes one
outbox row per channel, a *chain*: the first under the notification's own dedupe key, the
later ones due after their delay (counted from the notification). Rules:

- A later row is cancelled when it comes due if the alert was acknowledged or resolved
  meanwhile (staff alerts, as before), or an earlier row of its chain was confirmed: a
  `shown` receipt (push shown on a device; an SMS the provider reports `delivered`; a call
  that was answered). So "SMS after 2 min" means "after 2 min without `shown`".
- A failed or unanswered row (no working subscription, the provider refused, an SMS
  `failed` / `undelivered`, a call `no-answer` / `busy` / `failed`, or answered without the
  acknowledging key, a push not shown within its deadline) makes the next row of its chain
  due at once instead of after its delay (`fallback`). Only the last row's failure flags
  the escalation and, for the top tier, moves the ladder to the next tier (outbox.flagging).
Patients' and caregivers' chains are the same, with push and SMS only (SMS needs consent).
"""
from __future__ import annotations

import datetime as dt

from ..audit import trail as audit
from ..extensions import db
from ..models import ChannelAttempt, ContactChannel, NotificationIntent, Receipt
from .batch import current

NI = NotificationIntent
STAFF_CHAIN_PURPOSES = ("escalation", "renotify")
FAMILY_CHAIN_PURPOSES = ("reminder", "missed_checkin", "escalation", "acknowledged",
                         "unanswered")
PAGE_KINDS = ("webhook", "pagerduty")
# Rota notices (handoff, a tier without cover): a person's push, SMS or call, never a pager
STAFF_NOTICE_PURPOSES = ("handoff", "coverage")
FINAL_FAILED = ("failed", "expired", "undeliverable", "cancelled")


def channel_list(kind: str, recipient_id: int) -> list[ContactChannel]:
    """A recipient's channels by position (empty: Web Push only)."""
    running = current()
    cache = None if running is None else running.channel_lists
    key = (kind, recipient_id)
    if cache is not None and key in cache:
        return cache[key]
    rows = list(db.session.execute(
        db.select(ContactChannel).where(ContactChannel.recipient_kind == kind,
                                        ContactChannel.recipient_id == recipient_id)
        .order_by(ContactChannel.position, ContactChannel.id)).scalars())
    if cache is not None:
        cache[key] = rows
    return rows


def expand(values: dict) -> list[dict]:
    """The outbox rows for one notification: itself, or one per channel of its recipient."""
    kind, purpose = values["recipient_kind"], values["purpose"]
    notice = kind == "staff" and purpose in STAFF_NOTICE_PURPOSES
    purposes = STAFF_CHAIN_PURPOSES if kind == "staff" else FAMILY_CHAIN_PURPOSES
    if purpose not in purposes and not notice:
        return [values]
    channels = channel_list(kind, values["recipient_id"])
    if notice:
        channels = [c for c in channels if c.kind not in PAGE_KINDS]
    if not channels:
        return [values]
    rows = []
    for index, channel in enumerate(channels):
        row = dict(values, channel_id=channel.id,
                   channel_kind=None if channel.kind == "push" else channel.kind,
                   chain=values["dedupe_key"])
        if index:
            row["dedupe_key"] = f"{values['dedupe_key']}#c{index}"[:160]
            row["next_attempt_at"] = values["created_at"] + dt.timedelta(
                seconds=channel.delay_seconds)
        rows.append(row)
    return rows


def earlier_confirmed(intent: NotificationIntent) -> bool:
    """An earlier row of the intent's chain was shown / delivered / answered."""
    if not intent.chain:
        return False
    earlier = db.select(NI.id).where(NI.chain == intent.chain, NI.id < intent.id)
    return db.session.execute(
        db.select(Receipt.id).where(Receipt.intent_id.in_(earlier), Receipt.event == "shown")
        .limit(1)).first() is not None


def fallback(intent_id: int, at: dt.datetime, reason: str) -> bool:
    """The row failed or was not answered: bring the next row of its chain forward.

    True when a later row of the chain is still to come (so the caller does not flag the
    escalation nor skip a tier); False for a row outside a chain or its last one.
    """
    intent = db.session.get(NI, intent_id)
    if intent is None or not intent.chain:
        return False
    later = list(db.session.execute(
        db.select(NI).where(NI.chain == intent.chain, NI.id > intent.id)
        .order_by(NI.id)).scalars())
    following = next((row for row in later if row.state not in FINAL_FAILED), None)
    if following is None:  # the last channel (or every later one) failed too
        return False
    if following.state == "pending" and following.next_attempt_at > at:
        following.next_attempt_at = at  # already sent or in flight: it answers for itself
    audit.record("channel.fallback", patient_id=intent.patient_id, outcome="failed",
                 detail={"intent": intent.id, "next": following.id, "reason": reason[:40],
                         "channel": following.channel_kind or "push"})
    return True


def attempts_for(intent_ids: list[int]) -> list[ChannelAttempt]:
    """Every channel attempt of these rows (the escalation page's delivery list)."""
    if not intent_ids:
        return []
    return list(db.session.execute(
        db.select(ChannelAttempt).where(ChannelAttempt.intent_id.in_(intent_ids))
        .order_by(ChannelAttempt.id)).scalars())
