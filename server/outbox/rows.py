"""The parts of an outbox row delivery needs, read before any network I/O."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..models import NotificationIntent

NI = NotificationIntent
STAFF_ALERT_PURPOSES = ("escalation", "renotify")
FINAL_STATES = ("sent", "failed", "expired", "undeliverable", "cancelled")


@dataclass(frozen=True)
class Job:
    """The parts of an intent delivery needs, read before any network I/O."""

    id: int
    recipient_kind: str
    recipient_id: int
    escalation_id: int | None
    purpose: str
    urgency: str
    topic: str | None
    payload: dict
    created_at: dt.datetime
    attempts: int
    channel_kind: str | None = None  # None: Web Push; else notifications.channels kind

    @property
    def staff_alert(self) -> bool:
        """A staff notification about an escalation (carries an acknowledge token)."""
        return (self.recipient_kind == "staff" and self.escalation_id is not None
                and self.purpose in STAFF_ALERT_PURPOSES)


def job_of(intent: NotificationIntent) -> Job:
    """The Job of an intent row."""
    return Job(intent.id, intent.recipient_kind, intent.recipient_id, intent.escalation_id,
               intent.purpose, intent.urgency, intent.topic, dict(intent.payload or {}),
               intent.created_at, intent.attempts, intent.channel_kind)


@dataclass
class Row:
    """A leased row being delivered: the subscriptions to send to and their answers so far."""

    job: Job
    todo: list[tuple[int, dict]]  # (subscription id, info)
    delivered_before: bool  # a retried or reaped row already reached some subscription
    results: list = field(default_factory=list)
    channel_message: dict | None = None  # a channel row: what its adapter sends
