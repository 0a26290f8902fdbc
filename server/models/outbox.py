"""The notification outbox: the boundary between the clinical engine and push delivery."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import now
from ..db_types import UTCDateTime
from ..extensions import db

RECIPIENT_KINDS = ("staff", "patient", "caregiver")
PURPOSES = (
    "escalation", "renotify", "reminder", "missed_checkin", "acknowledged", "unanswered", "test",
    "resolved",  # channels: a paging system's resolve event
    "handoff", "coverage",  # rota: the incoming on-call person; admins, a tier uncovered
)


class NotificationIntent(db.Model):
    """One message for one recipient; delivered to each of the recipient's subscriptions.

    The dedupe key is unique, so a job that runs twice inserts nothing twice. The payload
    carries no names or clinical details: kind, severity, escalation id, URL.
    """

    __table_args__ = (Index("ix_outbox_state_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    recipient_kind: Mapped[str] = mapped_column(String(16))
    recipient_id: Mapped[int] = mapped_column(Integer)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"), index=True)
    escalation_id: Mapped[int | None] = mapped_column(Integer, index=True)
    purpose: Mapped[str] = mapped_column(String(24))
    urgency: Mapped[str] = mapped_column(String(8), default="normal")  # normal | high
    topic: Mapped[str | None] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(200))
    # urgent staff notices: when a `shown` receipt must have arrived (checked, then cleared)
    shown_deadline: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    # channels (server/clinical/channel_plan.py): the recipient's channel this row goes
    # through (None: Web Push as always) and the fallback chain it belongs to (the dedupe
    # key of the chain's first row); a later row of a chain waits for its delay
    channel_id: Mapped[int | None] = mapped_column(Integer)
    channel_kind: Mapped[str | None] = mapped_column(String(16))
    chain: Mapped[str | None] = mapped_column(String(160), index=True)
