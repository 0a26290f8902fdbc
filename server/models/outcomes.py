"""Registry outcomes of an escalation: ASTCT grades and dated treatments (issue 18).

One row per escalation, written when staff resolve it with any of these fields or amend them
later; CIBMTR-style registries ask per patient for the highest grade per syndrome and for
tocilizumab, steroids, admission and ICU with their dates, which a free-text note cannot give.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import now
from ..db_types import UTCDateTime
from ..extensions import db


class EscalationOutcome(db.Model):
    """Grades (CRS, ICANS: 1–4 or unknown) and treatments [{code, date}] of one escalation."""

    id: Mapped[int] = mapped_column(primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalation.id"), unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    crs_grade: Mapped[int | None] = mapped_column(Integer)
    icans_grade: Mapped[int | None] = mapped_column(Integer)
    # [{"code": "tocilizumab", "date": "2026-03-05"}, ...] sorted by date then code; dates are
    # calendar days in the patient's zone (when it was given, as a chart records it)
    treatments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
