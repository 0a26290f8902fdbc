"""Resolved escalations of a centre, searched: by patient, resolution date, reason, outcome.

Nurses look back at how earlier alarms ended ("was the last fever a false alarm?"). The
search runs in SQL (a page at a time, newest resolution first) and is centre-scoped by a
join on the patient; the dates are calendar days in the centre's zone. The read is audited
like every list read: how many rows and the ids of the patients they name.
"""
from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func

from ..audit import trail as audit
from ..extensions import db
from ..models import Escalation, Finding, Patient, Staff
from .escalation_read import summary


def _day_start(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant a local calendar day begins in the centre's zone."""
    return dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(dt.UTC)


def search(caller: Staff, *, patient_id: int | None = None, resolved_from: dt.date | None = None,
           resolved_to: dt.date | None = None, reason: str | None = None,
           outcome: str | None = None, page: int = 1, per_page: int = 25) -> dict[str, Any]:
    """One page of the caller's centre's resolved escalations matching every filter given."""
    zone = ZoneInfo(caller.centre.timezone or "UTC")
    where = [Patient.centre_id == caller.centre_id, Escalation.state == "resolved"]
    if patient_id is not None:
        where.append(Escalation.patient_id == patient_id)
    if resolved_from is not None:
        where.append(Escalation.resolved_at >= _day_start(resolved_from, zone))
    if resolved_to is not None:  # inclusive: up to the start of the next local day
        where.append(Escalation.resolved_at < _day_start(resolved_to + dt.timedelta(days=1),
                                                         zone))
    if reason is not None:
        where.append(exists().where(Finding.escalation_id == Escalation.id,
                                    Finding.reason == reason))
    if outcome is not None:
        where.append(Escalation.outcome == outcome)
    base = db.select(Escalation).join(Patient, Patient.id == Escalation.patient_id).where(*where)
    total = db.session.execute(
        db.select(func.count()).select_from(base.subquery())).scalar_one()
    rows = db.session.execute(
        base.order_by(Escalation.resolved_at.desc(), Escalation.id.desc())
        .offset((page - 1) * per_page).limit(per_page)).scalars().all()
    audit.record_list_read("escalation.history", [row.patient_id for row in rows])
    return {"items": [summary(row) for row in rows], "page": page, "per_page": per_page,
            "total": total}
