"""The history of a patient's baselines (handwriting, tremor, ICE): who changed which, when, why.

The patient row holds the baseline in force; this table keeps every change with the value it
replaced, so staff can see the history and go back to an earlier baseline (issue 16).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import now
from ..db_types import UTCDateTime
from ..extensions import db

BASELINE_KINDS = ("handwriting", "tremor", "ice")
BASELINE_REASON_MAX = 500


class BaselineChange(db.Model):
    """One change of one baseline: a check-in id (handwriting, tremor) or a score (ICE)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    checkin_id: Mapped[int | None] = mapped_column(Integer)
    value: Mapped[int | None] = mapped_column(Integer)
    previous_checkin_id: Mapped[int | None] = mapped_column(Integer)
    previous_value: Mapped[int | None] = mapped_column(Integer)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))  # None: first sample
    reason: Mapped[str | None] = mapped_column(String(BASELINE_REASON_MAX))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)
