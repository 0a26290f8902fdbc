"""FHIR access: registered backend-services clients, used assertion ids, tokens, export jobs."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import now
from ..db_types import UTCDateTime
from ..extensions import db

EXPORT_STATES = ("queued", "running", "done", "failed", "cancelled")


class FhirClient(db.Model):
    """An EHR or data warehouse allowed to read one centre's data (SMART Backend Services)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    jwks: Mapped[dict[str, Any]] = mapped_column(JSON)  # public keys only, checked on register
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)  # the most it may be granted
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class FhirAssertionUse(db.Model):
    """A client assertion's jti, kept until the assertion expires, so it is used only once."""

    __table_args__ = (UniqueConstraint("client_pk", "jti"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_pk: Mapped[int] = mapped_column(ForeignKey("fhir_client.id"))
    jti: Mapped[str] = mapped_column(String(255))
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


class FhirToken(db.Model):
    """A short-lived bearer token issued to a client; only its SHA-256 is kept."""

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_pk: Mapped[int] = mapped_column(ForeignKey("fhir_client.id"), index=True)
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


class FhirExport(db.Model):
    """A Bulk Data $export request: who asked, what, and where its NDJSON files are."""

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random, in the status URL
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"), index=True)
    owner_kind: Mapped[str] = mapped_column(String(16))  # staff | fhir_client
    owner_id: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(16))  # system | patient
    types: Mapped[list[str]] = mapped_column(JSON, default=list)
    since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    request_url: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    output: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(String(200))
