"""Rota notices: the incoming person's handoff notice and admins' coverage warnings.

`run(at)` is a function of (database, now) like the due-work pass; the worker calls it on
every tick and the scenario replay at each instant `next_at` names. Both notices go into
the outbox with a dedupe key naming the rota and the instant (the handoff, or the gap's
start), so a pass that runs twice, or two workers at once, writes one notice per handoff
and per gap and recipient; delivery is the outbox's (server/outbox).

Neither carries a patient name or clinical detail: the handoff lists how many escalations
are open and their ids (links into the staff app), the warning names a tier and a time.
"""
from __future__ import annotations

import datetime as dt

from flask import current_app, has_app_context

from ..calendar import zone
from ..clinical import channel_plan, notify, oncall
from ..extensions import db
from ..models import Centre, Escalation, NotificationIntent, Patient, Rota, Staff

HANDOFF_LATE = dt.timedelta(hours=1)  # a handoff older than this (worker down) is not told
DEFAULT_WARNING_HOURS = 2
_FIRST = object()  # no segment seen yet (None is a segment with nobody)
EDGE = dt.timedelta(microseconds=1)  # a gap starting exactly `lead` ahead is warned of


def warning_lead() -> dt.timedelta:
    """How far ahead a coverage gap is warned of (config ROTA_COVERAGE_WARNING_HOURS)."""
    hours = current_app.config.get("ROTA_COVERAGE_WARNING_HOURS", DEFAULT_WARNING_HOURS) \
        if has_app_context() else DEFAULT_WARNING_HOURS
    return dt.timedelta(hours=float(hours))


def _centres() -> list[Centre]:
    return list(db.session.execute(
        db.select(Centre).where(Centre.id.in_(db.select(Rota.centre_id))).order_by(Centre.id)
    ).scalars())


def _staff(centre_id: int) -> dict[int, Staff]:
    return {s.id: s for s in db.session.execute(
        db.select(Staff).where(Staff.centre_id == centre_id)).scalars()}


def open_escalations(centre_id: int) -> list[int]:
    """Ids of the centre's unresolved escalations, oldest first."""
    return list(db.session.execute(
        db.select(Escalation.id).join(Patient, Patient.id == Escalation.patient_id)
        .where(Patient.centre_id == centre_id, Escalation.state != "resolved")
        .order_by(Escalation.id)).scalars())


def _write(key: str, staff_id: int, purpose: str, at: dt.datetime, title: str, body: str,
           path: str, tag: str, extra: dict) -> bool:
    base = current_app.config.get("PUBLIC_URL", "") if has_app_context() else ""
    values = dict(
        dedupe_key=key, recipient_kind="staff", recipient_id=staff_id, patient_id=None,
        escalation_id=None, purpose=purpose, urgency="normal", topic=tag[:32],
        payload={"web_push": notify.WEB_PUSH_MAGIC,
                 "notification": {"title": title, "body": body, "tag": tag,
                                  "navigate": base.rstrip("/") + path, "silent": False},
                 "kind": purpose, "severity": None, "escalation_id": None, **extra},
        created_at=at, state="pending", next_attempt_at=at, attempts=0,
        channel_id=None, channel_kind=None, chain=None)
    rows = channel_plan.expand(values)  # the person's push, SMS or call, as for alerts
    # RETURNING, not rowcount: psycopg reports -1 for this multi-values INSERT
    written = db.session.execute(notify._insert(rows).returning(NotificationIntent.id))
    return written.first() is not None


def handoffs(rota: Rota, tz: str, staff: dict[int, Staff], at: dt.datetime):
    """(instant, incoming staff id) for each handoff in (at - HANDOFF_LATE, at]."""
    out = []
    previous: object = _FIRST
    for segment in oncall.segments(rota, tz, at - HANDOFF_LATE - oncall.LOOK_BACK,
                                   at + dt.timedelta(microseconds=1)):
        if previous is not _FIRST and segment.staff_id != previous \
                and at - HANDOFF_LATE < segment.start <= at \
                and oncall.pageable(staff, segment.staff_id):
            out.append((segment.start, segment.staff_id))
        previous = segment.staff_id
    return out


def _local(at: dt.datetime, tz: str) -> str:
    return at.astimezone(zone(tz)).strftime("%a %H:%M")


def run(at: dt.datetime) -> dict:
    """Write the handoff notices and coverage warnings due at `at`; return counts."""
    counts = {"handoff": 0, "coverage": 0}
    lead = warning_lead()
    for centre in _centres():
        staff = _staff(centre.id)
        admins = [s.id for s in staff.values() if s.role == "admin" and s.active]
        rotas = oncall.centre_rotas(centre.id)
        escalations = None
        for rota in rotas:
            for instant, staff_id in handoffs(rota, centre.timezone, staff, at):
                if escalations is None:
                    escalations = open_escalations(centre.id)
                counts["handoff"] += _write(
                    f"handoff:{rota.id}:{instant.isoformat()}:staff{staff_id}", staff_id,
                    "handoff", at, "You are on call",
                    f"Tier {rota.tier}. Open escalations: {len(escalations)}. Open CARTwatch.",
                    "/staff/#/queue", f"handoff-{rota.id}",
                    {"tier": rota.tier, "open_escalations": len(escalations),
                     "escalation_ids": escalations[:50]})
            for start, _end in oncall.gaps(rota, centre.timezone, staff, at, at + lead + EDGE):
                for admin_id in admins:
                    counts["coverage"] += _write(
                        f"coverage:{rota.id}:{start.isoformat()}:staff{admin_id}", admin_id,
                        "coverage", at, "Nobody on call",
                        f"Tier {rota.tier} has nobody on duty from "
                        f"{_local(max(start, at), centre.timezone)}. Open CARTwatch.",
                        "/staff/#/rota", f"coverage-{rota.id}",
                        {"tier": rota.tier, "gap_starts_at": start.isoformat()})
    return {k: v for k, v in counts.items() if v}


def next_at(after: dt.datetime, until: dt.datetime) -> dt.datetime | None:
    """The first instant in (after, until] at which `run` has something new to write.

    A handoff (any change of the rostered person) or a gap's start minus the warning lead.
    The scenario replay steps its clock to it.
    """
    lead = warning_lead()
    found = []
    for centre in _centres():
        staff = _staff(centre.id)
        for rota in oncall.centre_rotas(centre.id):
            previous: object = _FIRST
            for segment in oncall.segments(rota, centre.timezone, after, until):
                if previous is not _FIRST and segment.staff_id != previous \
                        and after < segment.start <= until:
                    found.append(segment.start)
                previous = segment.staff_id
            for start, _end in oncall.gaps(rota, centre.timezone, staff, after, until + lead):
                if after < start - lead <= until:
                    found.append(start - lead)
    return min(found, default=None)
