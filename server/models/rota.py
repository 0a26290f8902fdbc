"""Rotas: who of a tier is on duty when, in the centre's zone, and admins' overrides of it.

One rota per centre and tier. The shift grid is wall-clock local time (so a 12 h shift
across a DST change lasts 11 or 13 h); clinical/oncall.py turns it into UTC instants.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..db_types import UTCDateTime
from ..extensions import db

PATTERNS = ("daily", "weekly")  # daily: handoffs every day; weekly: once a week
OVERRIDE_KINDS = ("swap", "cover", "absence")  # one shift; an interval; nobody (a gap)


class Rota(db.Model):
    """A tier's rota: handoff times, the people in turn and the local date it starts."""

    __table_args__ = (UniqueConstraint("centre_id", "tier", name="uq_rota_centre_tier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    tier: Mapped[int] = mapped_column(Integer)
    pattern: Mapped[str] = mapped_column(String(8))
    # local "HH:MM" handoff times: daily, each starts a shift ("07:00", "19:00"); weekly, one
    handoffs: Mapped[list[Any]] = mapped_column(JSON)
    weekday: Mapped[int | None] = mapped_column(Integer)  # weekly: 0 Monday .. 6 Sunday
    starts_on: Mapped[dt.date] = mapped_column(Date)  # local date of the first shift
    people: Mapped[list[Any]] = mapped_column(JSON)  # staff ids in turn, shift 0 first
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)

    overrides: Mapped[list[RotaOverride]] = relationship(
        back_populates="rota", cascade="all, delete-orphan", order_by="RotaOverride.starts_at")


class RotaOverride(db.Model):
    """From `starts_at` to `ends_at` (UTC) `staff_id` is on duty instead of the rota's person.

    `swap` spans exactly one shift, `cover` any interval; `absence` has no staff: nobody of
    the rota is on duty then (recorded so the coverage warning asks for cover).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    rota_id: Mapped[int] = mapped_column(ForeignKey("rota.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)

    rota: Mapped[Rota] = relationship(back_populates="overrides")
