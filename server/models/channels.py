"""Delivery channels beyond Web Push: each recipient's ordered list, and every attempt.

A `ContactChannel` row is one entry of a recipient's ordered list ("push; SMS after 2 min;
call after 5 min"): staff may use every kind, patients and caregivers `push` and `sms`
(an SMS needs recorded consent and is never sent after STOP). A `ChannelAttempt` is one
send through a non-push channel with the provider's answer and every later status
callback (the push attempts stay in `delivery_attempt`).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import now
from ..db_types import UTCDateTime
from ..extensions import db

CHANNEL_KINDS = ("push", "sms", "voice", "webhook", "pagerduty")
FAMILY_KINDS = ("push", "sms")


class ContactChannel(db.Model):
    """One channel of one recipient (`recipient_kind` staff / patient / caregiver)."""

    __table_args__ = (Index("ix_contact_channel_recipient", "recipient_kind", "recipient_id",
                            "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_kind: Mapped[str] = mapped_column(String(16))
    recipient_id: Mapped[int] = mapped_column(Integer)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(16))
    delay_seconds: Mapped[int] = mapped_column(Integer, default=0)
    address: Mapped[str | None] = mapped_column(String(1024), index=True)  # E.164 or URL
    secret: Mapped[str | None] = mapped_column(String(128))  # webhook HMAC / PD routing key
    consent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    consent_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    opted_out_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)


class ChannelAttempt(db.Model):
    """One send of an outbox intent through SMS, voice, a webhook or PagerDuty."""

    id: Mapped[int] = mapped_column(primary_key=True)
    intent_id: Mapped[int] = mapped_column(ForeignKey("notification_intent.id"), index=True)
    channel_id: Mapped[int | None] = mapped_column(Integer)  # no FK: lists are replaced
    kind: Mapped[str] = mapped_column(String(16))
    address: Mapped[str | None] = mapped_column(String(1024), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)
    status_code: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(8))  # notifications.results.OUTCOMES
    status: Mapped[str] = mapped_column(String(24))  # provider status: queued, delivered…
    status_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    provider_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    error: Mapped[str | None] = mapped_column(String(200))
