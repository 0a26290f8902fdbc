"""Push subscriptions, every delivery attempt, and the receipts service workers send back."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import now
from ..db_types import UTCDateTime
from ..extensions import db

RECEIPT_EVENTS = ("shown", "clicked")


class PushSubscription(db.Model):
    """A browser's PushSubscription, owned by a member of staff or an enrolled device."""

    __table_args__ = (
        Index("ix_push_sub_staff_active", "staff_id", "deactivated_at"),
        Index("ix_push_sub_device_active", "device_id", "deactivated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id"))
    endpoint: Mapped[str] = mapped_column(String(1024), unique=True)
    p256dh: Mapped[str] = mapped_column(String(100))
    auth: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)
    last_success_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    deactivated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    deactivated_reason: Mapped[str | None] = mapped_column(String(32))

    def info(self) -> dict:
        """The subscription in the browser's JSON shape, as pywebpush takes it."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class DeliveryAttempt(db.Model):
    """One POST of one outbox intent to one subscription, with the push service's answer."""

    id: Mapped[int] = mapped_column(primary_key=True)
    intent_id: Mapped[int] = mapped_column(ForeignKey("notification_intent.id"), index=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("push_subscription.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)
    status_code: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(8))  # notifications.results.OUTCOMES
    error: Mapped[str | None] = mapped_column(String(200))


class Receipt(db.Model):
    """A service worker's report that a notification was shown or clicked on a device."""

    id: Mapped[int] = mapped_column(primary_key=True)
    intent_id: Mapped[int] = mapped_column(ForeignKey("notification_intent.id"), index=True)
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("push_subscription.id"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    event: Mapped[str] = mapped_column(String(8))  # shown | clicked
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now)
