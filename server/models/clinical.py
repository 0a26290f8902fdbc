"""Escalations, their findings and history, and the persisted schedule of due work."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..db_types import UTCDateTime
from ..extensions import db
from .people import Patient

ESCALATION_STATES = ("open", "acknowledged", "resolved")
OUTCOMES = ("advice_at_home", "came_to_hospital", "admitted", "false_alarm", "other")
STEP_KINDS = ("plan", "reminder", "caregiver_reminder", "missed", "ladder", "unanswered",
              "ack_lapse", "followup")


class Escalation(db.Model):
    """A patient's alert: at most one unresolved per patient (partial unique index)."""

    __table_args__ = (
        Index("uq_escalation_one_unresolved", "patient_id", unique=True,
              sqlite_where=text("state != 'resolved'"),
              postgresql_where=text("state != 'resolved'")),
        Index("ix_escalation_state_severity", "state", "severity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default="open")
    severity: Mapped[str] = mapped_column(String(16))
    syndromes: Mapped[list[str]] = mapped_column(JSON, default=list)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)
    raised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    observed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    outcome: Mapped[str | None] = mapped_column(String(24))
    note: Mapped[str | None] = mapped_column(Text)
    # policy v2 lifecycle: the last re-alert on worsening while acknowledged, the last
    # acknowledgement lapse, the routine follow-up (shown on the staff queue card)
    worsened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ack_lapsed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    followed_up_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    undeliverable_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    undeliverable_reason: Mapped[str | None] = mapped_column(String(64))
    # The ladder: epoch grows on each (re)start so older steps know they are stale.
    ladder_epoch: Mapped[int] = mapped_column(Integer, default=0)
    ladder_started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ladder_level: Mapped[int] = mapped_column(Integer, default=1)  # tiers reached so far

    patient: Mapped[Patient] = relationship()
    findings: Mapped[list[Finding]] = relationship(back_populates="escalation",
                                                   order_by="Finding.id")


class Finding(db.Model):
    """One rule that fired, on one check-in (or one missed slot), within an escalation."""

    id: Mapped[int] = mapped_column(primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalation.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("check_in.id"), index=True)
    slot_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    rule_id: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16))
    syndrome: Mapped[str | None] = mapped_column(String(8))
    observed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)

    escalation: Mapped[Escalation] = relationship(back_populates="findings")


class EscalationEvent(db.Model):
    """The history of an escalation: opened, attached, raised, worsened, acknowledged, undone,
    ack_lapsed, followed_up, resolved."""

    id: Mapped[int] = mapped_column(primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalation.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)
    kind: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(16))
    syndromes: Mapped[list[str]] = mapped_column(JSON, default=list)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    observed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # of the escalation
    new_reasons: Mapped[list[str] | None] = mapped_column(JSON)  # raised / worsened: what came


class ScheduledStep(db.Model):
    """A unit of due work (reminder, missed check, ladder step...) found by (state, due_at).

    Rows are written when the work becomes known, so a restart loses nothing; a pass marks
    a row done in the same transaction as the notifications it writes.
    """

    __table_args__ = (Index("ix_step_state_due", "state", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(12), default="pending")  # pending|done|cancelled
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    escalation_id: Mapped[int | None] = mapped_column(ForeignKey("escalation.id"), index=True)
    slot_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    epoch: Mapped[int | None] = mapped_column(Integer)
    step: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    patient: Mapped[Patient] = relationship()

