"""A check-in: one set of observations recorded by a patient's or caregiver's device."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import now
from ..db_types import UTCDateTime
from ..extensions import db


class CheckIn(db.Model):
    """Observations as entered (unit kept) plus the normalised values the rules read."""

    __table_args__ = (Index("ix_checkin_patient_observed", "patient_id", "observed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id"))
    recorded_by: Mapped[str] = mapped_column(String(16))  # patient | caregiver
    observed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)
    temperature_c: Mapped[float | None] = mapped_column(Float)
    temperature_value: Mapped[float | None] = mapped_column(Float)
    temperature_unit: Mapped[str | None] = mapped_column(String(1))
    ice_orientation: Mapped[int | None] = mapped_column(Integer)
    ice_naming: Mapped[int | None] = mapped_column(Integer)
    ice_commands: Mapped[int | None] = mapped_column(Integer)
    ice_writing: Mapped[int | None] = mapped_column(Integer)
    ice_attention: Mapped[int | None] = mapped_column(Integer)
    ice_total: Mapped[int | None] = mapped_column(Integer)
    ice_self: Mapped[bool | None] = mapped_column(Boolean)  # v2: self-check, patient alone
    heart_rate: Mapped[int | None] = mapped_column(Integer)
    systolic_bp: Mapped[int | None] = mapped_column(Integer)
    spo2: Mapped[int | None] = mapped_column(Integer)
    respiratory_rate: Mapped[int | None] = mapped_column(Integer)  # v2, breaths /min
    # v2 R-ANTIPYRETIC: fever medicine in the last 6 h; None = not asked, False = answered no
    antipyretic: Mapped[bool | None] = mapped_column(Boolean)
    antipyretic_kind: Mapped[str | None] = mapped_column(String(16))
    # v2 R-OTHER: the patient's or caregiver's own words, trimmed, never escaped or rewritten
    # (shown to staff as text, never in a push payload)
    other_text: Mapped[str | None] = mapped_column(Text)
    # ble: the values read from a Bluetooth LE device, {value name: {model, raw hex}}, for
    # staff ("from device (model)") and audit; a value not named here was typed by hand
    device_readings: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    tremor_rating: Mapped[str | None] = mapped_column(String(16))
    tremor_motion: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    tremor_features: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    handwriting_judgement: Mapped[str | None] = mapped_column(String(16))
    handwriting_strokes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    handwriting_features: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    symptoms: Mapped[list[str]] = mapped_column(JSON, default=list)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    @property
    def ice(self) -> dict[str, int] | None:
        """The ICE items as a mapping, or None when no ICE check was part of this entry."""
        if self.ice_total is None:
            return None
        return {
            "orientation": self.ice_orientation,
            "naming": self.ice_naming,
            "commands": self.ice_commands,
            "writing": self.ice_writing,
            "attention": self.ice_attention,
        }
