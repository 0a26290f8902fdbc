"""Centres, staff, patients, caregivers and their enrolled devices."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import policy as P
from ..clock import now
from ..db_types import UTCDateTime
from ..extensions import db

STAFF_ROLES = ("nurse", "physician", "admin")
PRODUCTS = ("tisa-cel", "axi-cel", "brexu-cel", "liso-cel", "ide-cel", "cilta-cel", "obe-cel")
DEVICE_ROLES = ("patient", "caregiver")
TIME_FORMATS = ("24h", "12h")


class Centre(db.Model):
    """A treating centre: its numbers, time zone and allowed threshold overrides."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    phone_24h: Mapped[str] = mapped_column(String(40))
    emergency_number: Mapped[str] = mapped_column(String(20), default="112")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    threshold_overrides: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # policy v2: the centre's own check-in times per period ("0-14", "15-30", "31-"; any
    # subset, the rest default), acknowledgement lapse hours, and the days after infusion a
    # patient stays near the centre and does not drive (clinical/centre_settings.py checks)
    schedule: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ack_lapse_hours: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    proximity_days: Mapped[int] = mapped_column(Integer, default=P.PROXIMITY_DAYS)
    driving_days: Mapped[int] = mapped_column(Integer, default=P.DRIVING_DAYS)
    # how the staff app shows clock times: "24h" (default) or "12h" (the centre chooses)
    time_format: Mapped[str] = mapped_column(String(3), default="24h", server_default="24h")
    # the sentence patients copy in the handwriting check; None: the app's, in the patient's
    # language (a centre override is in the centre's language, e.g. a local saying)
    handwriting_sentence: Mapped[str | None] = mapped_column(String(200))
    # FHIR: Patient / RelatedPerson carry names only when the centre turns this on (default
    # off: an EHR matches patients by their code, and names stay in CARTwatch)
    fhir_share_names: Mapped[bool] = mapped_column(Boolean, default=False,
                                                   server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)


class Staff(db.Model):
    """A member of a centre's staff; tier places them on the escalation ladder."""

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    handle: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    tier: Mapped[int] = mapped_column(Integer, default=1)
    on_duty: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enrolled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    totp_last_counter: Mapped[int | None] = mapped_column(Integer)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)

    centre: Mapped[Centre] = relationship()


class StaffSession(db.Model):
    """A server-side staff session: the cookie holds a random id, the table holds its hash."""

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    stage: Mapped[str] = mapped_column(String(16))  # "totp" (password ok) or "active"
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    staff: Mapped[Staff] = relationship()


class Patient(db.Model):
    """A monitored patient, known to the system by a pseudonymous code."""

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    infused_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    enrolled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    product: Mapped[str] = mapped_column(String(16))
    window_days: Mapped[int] = mapped_column(Integer, default=30)
    monitoring_ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    baseline_ice: Mapped[int] = mapped_column(Integer, default=10)
    baseline_handwriting_checkin_id: Mapped[int | None] = mapped_column(Integer)
    baseline_tremor_checkin_id: Mapped[int | None] = mapped_column(Integer)
    city: Mapped[str | None] = mapped_column(String(120))
    place_of_care: Mapped[str | None] = mapped_column(String(120))
    # the app, instructions and pushes for the patient (server/languages.py)
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)

    centre: Mapped[Centre] = relationship()
    caregivers: Mapped[list[Caregiver]] = relationship(back_populates="patient")


class Caregiver(db.Model):
    """A caregiver linked to one patient, who may log checks on the patient's behalf."""

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)
    # the caregiver's own language: a caregiver may not read the patient's
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")

    patient: Mapped[Patient] = relationship(back_populates="caregivers")


class Device(db.Model):
    """An enrolled phone of a patient or caregiver; only a hash of its bearer token is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    caregiver_id: Mapped[int | None] = mapped_column(ForeignKey("caregiver.id"))
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # "staff" (one phone, e.g. lost) or "monitoring_ended" (the phone is told, with numbers)
    revoked_reason: Mapped[str | None] = mapped_column(String(32))

    patient: Mapped[Patient] = relationship()


class EnrolmentCode(db.Model):
    """A single-use code (typed) and token (in the QR) that a phone exchanges for a device."""

    __table_args__ = (UniqueConstraint("code_hash"), UniqueConstraint("token_hash"))

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    caregiver_id: Mapped[int | None] = mapped_column(ForeignKey("caregiver.id"))
    role: Mapped[str] = mapped_column(String(16))
    code_hash: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64))
    created_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id"))
