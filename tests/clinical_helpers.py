"""Small helpers shared by the clinical engine tests."""
from __future__ import annotations

import uuid

from server.extensions import db
from server.models import NotificationIntent


def post_checkin(client, headers, body):
    """POST a check-in with a fresh Idempotency-Key."""
    return client.post("/api/v1/checkins", json=body,
                       headers={**headers, "Idempotency-Key": str(uuid.uuid4())})


def intents(**where) -> list[NotificationIntent]:
    """Outbox rows matching column values, oldest first."""
    query = db.select(NotificationIntent).order_by(NotificationIntent.id)
    for key, value in where.items():
        query = query.where(getattr(NotificationIntent, key) == value)
    return list(db.session.execute(query).scalars())
