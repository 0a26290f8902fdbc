"""Failed password attempts per (account, address), for throttling guesses (login_throttle)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime
from ..extensions import db


class LoginThrottle(db.Model):
    """One account (a hash of the email typed, known or not) seen from one address."""

    __table_args__ = (UniqueConstraint("account", "address", name="uq_login_throttle_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(64), index=True)  # sha256 of the email
    address: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer, default=0)  # since the last success here
    last_failure_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    succeeded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # known-good address
