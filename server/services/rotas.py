"""Rota administration: a centre's rotas and overrides (admins, own centre, audited), and the
on-call view the admin page and the queue's coverage banner read."""
from __future__ import annotations

import datetime as dt

from sqlalchemy.exc import IntegrityError

from .. import transaction
from ..audit import trail as audit
from ..clinical import oncall
from ..clock import now
from ..errors import ApiError
from ..extensions import db
from ..models import Rota, RotaOverride, Staff
from . import rota_notices

VIEW_HOURS = 48  # the on-call view: now and the next 48 h
MAX_OVERRIDE = dt.timedelta(days=62)


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "validation_error", "Invalid input", {field: [message]})


def _not_found(what: str, ident: int) -> ApiError:
    transaction.refuse("rota.refused", outcome="denied", detail={what: ident})
    return ApiError(404, "not_found", "Not found")


def centre_rota(admin: Staff, rota_id: int) -> Rota:
    """A rota of the admin's centre, or 404 (other centres' rotas do not exist here)."""
    rota = db.session.get(Rota, rota_id)
    if rota is None or rota.centre_id != admin.centre_id:
        raise _not_found("rota", rota_id)
    return rota


def _check_shape(pattern: str, handoffs: list[str], weekday: int | None) -> None:
    if len(set(handoffs)) != len(handoffs):
        raise _invalid("handoffs", "each handoff time once")
    if pattern == "weekly":
        if weekday is None:
            raise _invalid("weekday", "a weekly rota needs its handoff weekday (0 Monday)")
        if len(handoffs) != 1:
            raise _invalid("handoffs", "a weekly rota has one handoff time")
    elif weekday is not None:
        raise _invalid("weekday", "only a weekly rota has a weekday")


def _check_people(admin: Staff, tier: int, people: list[int]) -> None:
    found = {s.id: s for s in db.session.execute(
        db.select(Staff).where(Staff.id.in_(people))).scalars()}
    for i, staff_id in enumerate(people):
        member = found.get(staff_id)
        if member is None or member.centre_id != admin.centre_id or not member.active:
            raise _invalid(f"people.{i}", "not an active member of this centre's staff")
        if member.tier != tier:
            raise _invalid(f"people.{i}", f"{member.handle} is not in tier {tier}")


def list_rotas(admin: Staff) -> list[Rota]:
    """The centre's rotas with their overrides, by tier."""
    rows = oncall.centre_rotas(admin.centre_id)
    audit.record("rota.list", detail={"count": len(rows)})
    return rows


def create_rota(admin: Staff, data: dict) -> Rota:
    """A tier's rota (one per tier and centre)."""
    _check_shape(data["pattern"], data["handoffs"], data.get("weekday"))
    _check_people(admin, data["tier"], data["people"])
    rota = Rota(centre_id=admin.centre_id, created_at=now(), updated_at=now(), **data)
    db.session.add(rota)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ApiError(409, "conflict", "This tier already has a rota",
                       {"tier": ["already has a rota"]}) from None
    audit.record("rota.create", detail={"rota": rota.id, "tier": rota.tier})
    return rota


def update_rota(admin: Staff, rota: Rota, changes: dict) -> Rota:
    """Change a rota's pattern, handoff times, weekday, start date or people."""
    merged = {"pattern": rota.pattern, "handoffs": rota.handoffs, "weekday": rota.weekday,
              "people": rota.people, **changes}
    _check_shape(merged["pattern"], merged["handoffs"], merged["weekday"])
    if "people" in changes:
        _check_people(admin, rota.tier, changes["people"])
    for key, value in changes.items():
        setattr(rota, key, value)
    rota.updated_at = now()
    audit.record("rota.update", detail={"rota": rota.id, "fields": sorted(changes)})
    return rota


def delete_rota(admin: Staff, rota: Rota) -> None:
    """Remove a rota and its overrides: the tier goes back to the manual toggle."""
    audit.record("rota.delete", detail={"rota": rota.id, "tier": rota.tier})
    db.session.delete(rota)


def list_overrides(admin: Staff, rota: Rota) -> list[RotaOverride]:
    """A rota's overrides, by start."""
    audit.record("rota.read", detail={"rota": rota.id})
    return list(rota.overrides)


def create_override(admin: Staff, rota: Rota, data: dict) -> RotaOverride:
    """A swap (the whole shift holding `starts_at`), a cover or an absence (an interval)."""
    kind, staff_id, starts_at = data["kind"], data.get("staff_id"), data["starts_at"]
    tz = admin.centre.timezone
    if kind == "absence":
        if staff_id is not None:
            raise _invalid("staff_id", "an absence has nobody on duty")
    elif staff_id is None:
        raise _invalid("staff_id", f"a {kind} needs the member of staff on duty")
    else:
        _check_people(admin, rota.tier, [staff_id])
    if kind == "swap":
        if data.get("ends_at") is not None:
            raise _invalid("ends_at", "a swap is the whole shift holding starts_at")
        shift = next((s for s in oncall.shifts(rota, tz, starts_at, starts_at
                                               + dt.timedelta(microseconds=1))
                      if s.start <= starts_at < s.end), None)
        if shift is None:
            raise _invalid("starts_at", "not within a shift of this rota")
        starts_at, ends_at = shift.start, shift.end
    else:
        ends_at = data.get("ends_at")
        if ends_at is None:
            raise _invalid("ends_at", "required for a cover or an absence")
        if not starts_at < ends_at <= starts_at + MAX_OVERRIDE:
            raise _invalid("ends_at", "after starts_at and at most 62 days later")
    row = RotaOverride(rota_id=rota.id, kind=kind, staff_id=staff_id, starts_at=starts_at,
                       ends_at=ends_at, created_by=admin.id, created_at=now())
    db.session.add(row)
    db.session.flush()
    audit.record("rota.override.create", detail={"rota": rota.id, "override": row.id,
                                                 "kind": kind, "staff": staff_id})
    return row


def delete_override(admin: Staff, rota: Rota, override_id: int) -> None:
    """Remove an override: the rota's own person is on duty again."""
    row = db.session.get(RotaOverride, override_id)
    if row is None or row.rota_id != rota.id:
        raise _not_found("override", override_id)
    audit.record("rota.override.delete", detail={"rota": rota.id, "override": row.id})
    db.session.delete(row)


def _person(staff: dict[int, Staff], staff_id: int | None) -> dict | None:
    member = staff.get(staff_id) if staff_id is not None else None
    if member is None:
        return None
    return {"id": member.id, "handle": member.handle, "name": member.name,
            "on_duty": member.on_duty, "active": member.active}


def oncall_view(admin: Staff, at: dt.datetime, hours: int = VIEW_HOURS) -> dict:
    """Who is on duty at `at` per tier, each rota's segments over the next `hours`, gaps."""
    tz = admin.centre.timezone
    rotas = oncall.centre_rotas(admin.centre_id)
    staff = {s.id: s for s in db.session.execute(
        db.select(Staff).where(Staff.centre_id == admin.centre_id)).scalars()}
    end = at + dt.timedelta(hours=hours)
    tiers = oncall.tiers_at([s for s in staff.values() if s.active], rotas, tz, at)
    body = {"at": at, "until": end, "timezone": tz,
            "now": [[_person(staff, sid) for _kind, sid in tier] for tier in tiers],
            "rotas": []}
    for rota in rotas:
        body["rotas"].append({
            "rota_id": rota.id, "tier": rota.tier,
            "segments": [{"starts_at": s.start, "ends_at": s.end,
                          "person": _person(staff, s.staff_id), "override_id": s.override_id,
                          "pageable": oncall.pageable(staff, s.staff_id)}
                         for s in oncall.segments(rota, tz, at, end)],
            "gaps": [{"starts_at": g[0], "ends_at": g[1]}
                     for g in oncall.gaps(rota, tz, staff, at, end)]})
    audit.record("oncall.read", detail={"rotas": len(rotas)})
    return body


def coverage(caller: Staff, at: dt.datetime) -> dict:
    """The queue's banner: tiers with nobody on duty now or within the warning lead."""
    lead = rota_notices.warning_lead()
    tz = caller.centre.timezone
    staff = {s.id: s for s in db.session.execute(
        db.select(Staff).where(Staff.centre_id == caller.centre_id)).scalars()}
    gaps = []
    for rota in oncall.centre_rotas(caller.centre_id):
        for start, end in oncall.gaps(rota, tz, staff, at, at + lead + rota_notices.EDGE):
            gaps.append({"tier": rota.tier, "starts_at": start, "ends_at": end,
                         "now": start <= at})
    return {"gaps": gaps, "lead_hours": lead.total_seconds() / 3600}
