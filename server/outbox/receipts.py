"""Urgent staff notices past their deadline without a `shown` receipt are flagged."""
from __future__ import annotations

import datetime as dt

from ..extensions import db
from ..models import Receipt
from .flagging import flag_unreachable
from .rows import NI, job_of


def check_shown(at: dt.datetime, limit: int = 500) -> int:
    """Urgent staff notices past their deadline with no `shown` receipt: flag them."""
    query = (db.select(NI).where(NI.shown_deadline.is_not(None), NI.shown_deadline <= at)
             .order_by(NI.shown_deadline).limit(limit))
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    flagged = 0
    for intent in db.session.execute(query).scalars().all():
        intent.shown_deadline = None
        shown = db.session.execute(
            db.select(Receipt.id).where(Receipt.intent_id == intent.id).limit(1)
        ).first() is not None
        if not shown:
            flagged += flag_unreachable(job_of(intent), at, "not_shown")
    db.session.commit()
    return flagged
