"""Centre administration: staff accounts, the centre's numbers and overrides, the audit log."""
from __future__ import annotations

from typing import Any

from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError

from .. import policy as P
from .. import transaction
from ..audit import trail as audit
from ..auth.passwords import hash_password, password_problem
from ..clinical import centre_settings, rules
from ..clock import now
from ..errors import ApiError
from ..extensions import db
from ..models import AuditEvent, Centre, Device, Patient, ScheduledStep, Staff, StaffSession
from . import login_throttle, staff_auth


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "validation_error", "Invalid input", {field: [message]})


def list_staff(admin: Staff) -> list[Staff]:
    """The staff of the admin's centre, by tier then handle."""
    rows = list(db.session.execute(
        db.select(Staff).where(Staff.centre_id == admin.centre_id)
        .order_by(Staff.tier, Staff.handle)
    ).scalars())
    audit.record("staff.list", detail={"count": len(rows)})
    return rows


def centre_staff(admin: Staff, staff_id: int) -> Staff:
    """A member of the admin's centre, or 404 (other centres' staff do not exist here)."""
    staff = db.session.get(Staff, staff_id)
    if staff is None or staff.centre_id != admin.centre_id:
        transaction.refuse("staff.refused", outcome="denied", detail={"staff": staff_id})
        raise ApiError(404, "not_found", "Not found")
    return staff


def _check_password(password: str) -> str:
    problem = password_problem(password)
    if problem:
        raise _invalid("password", f"password {problem}")
    return hash_password(password)


def _flush_unique() -> None:
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ApiError(409, "conflict", "Handle or email already in use") from None


def create_staff(admin: Staff, data: dict) -> Staff:
    """Create a staff account at the admin's centre; TOTP is set up at its first login."""
    data = dict(data)
    password_hash = _check_password(data.pop("password"))
    data["email"] = data["email"].strip().lower()
    staff = Staff(centre_id=admin.centre_id, password_hash=password_hash, created_at=now(),
                  active=True, **data)
    db.session.add(staff)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ApiError(409, "conflict", "Handle or email already in use") from None
    audit.record("staff.create", detail={"staff": staff.id})
    _flush_unique()
    return staff


def update_staff(admin: Staff, staff: Staff, changes: dict,
                 keep: StaffSession | None = None) -> Staff:
    """Change a member's details, role, tier, duty, active flag or password.

    A password or TOTP reset ends the member's other sessions (all but `keep`, the caller's).
    """
    changes = dict(changes)
    resets = "password" in changes or bool(changes.get("reset_totp"))
    if staff.id == admin.id and (changes.get("active") is False
                                 or changes.get("role", "admin") != "admin"):
        raise _invalid("role" if "role" in changes else "active",
                       "an admin cannot lock themselves out")
    if "password" in changes:
        staff.password_hash = _check_password(changes.pop("password"))
        staff.failed_logins = 0
        staff.locked_until = None
        login_throttle.forget(staff.email)
    if changes.pop("reset_totp", False):
        staff.totp_secret = None
        staff.totp_enrolled_at = None
        staff.totp_last_counter = None
    if "email" in changes:
        changes["email"] = changes["email"].strip().lower()
    for key, value in changes.items():
        setattr(staff, key, value)
    detail: dict = {"staff": staff.id, "fields": sorted(changes)}
    if resets:
        detail["sessions_ended"] = staff_auth.end_sessions(staff, keep=keep)
    audit.record("staff.update", detail=detail)
    _flush_unique()
    return staff


def read_centre(admin: Staff) -> Centre:
    """The admin's centre (its numbers and threshold overrides)."""
    audit.record("centre.read")
    return admin.centre


def override_bounds() -> dict[str, dict[str, float]]:
    """Every threshold a centre may override: its default and safe bounds (policy.py)."""
    out = {name: {"default": P.THRESHOLDS[name], "min": low, "max": high}
           for name, (low, high) in P.THRESHOLD_BOUNDS.items()}
    for name, (default, (low, high)) in P.MEASURE_OVERRIDES.items():
        out[name] = {"default": default, "min": low, "max": high}
    return out


def validate_overrides(overrides: dict[str, Any]) -> dict[str, Any]:
    """Refuse unknown keys and values outside the safe bounds; the engine checks its own."""
    bounds = override_bounds()
    problems = rules.validate_overrides(
        {k: v for k, v in overrides.items() if k in P.THRESHOLD_BOUNDS})
    for name, value in overrides.items():
        if name in P.THRESHOLD_BOUNDS:
            continue
        if name not in bounds:
            problems[name] = "not an adjustable threshold"
        elif isinstance(value, bool) or not isinstance(value, int | float):
            problems[name] = "must be a number"
        elif not bounds[name]["min"] <= value <= bounds[name]["max"]:
            problems[name] = f"must be between {bounds[name]['min']} and {bounds[name]['max']}"
    if problems:
        raise ApiError(422, "validation_error", "Invalid input",
                       {f"threshold_overrides.{k}": [v] for k, v in problems.items()})
    return dict(overrides)


def update_centre(admin: Staff, changes: dict) -> Centre:
    """Change the centre's numbers, time zone, overrides or v2 settings (validated).

    New check-in times re-plan every monitored patient of the centre from now, so the next
    slot follows them (slots already due keep theirs).
    """
    centre = admin.centre
    changes, problems = centre_settings.check(dict(changes))
    if problems:
        raise ApiError(422, "validation_error", "Invalid input",
                       {name: [message] for name, message in problems.items()})
    if "threshold_overrides" in changes:
        changes["threshold_overrides"] = validate_overrides(changes["threshold_overrides"] or {})
    for key, value in changes.items():
        setattr(centre, key, value)
    if "schedule" in changes:
        _replan(centre.id)
    audit.record("centre.update", detail={"fields": sorted(changes)})
    return centre


def _replan(centre_id: int) -> None:
    """Queue a re-plan of the check-in slots of every monitored patient of the centre."""
    at = now()
    ids = db.session.execute(
        db.select(Patient.id).where(Patient.centre_id == centre_id,
                                    Patient.monitoring_ended_at.is_(None))).scalars()
    db.session.add_all([ScheduledStep(kind="plan", due_at=at, patient_id=pid, created_at=at)
                        for pid in ids])


def centre_defaults() -> dict[str, Any]:
    """The policy's defaults and bounds for the v2 centre settings (the admin form shows them)."""
    return {
        "schedule": {key: list(P.SCHEDULE[index][2])
                     for key, index in P.SCHEDULE_PERIODS.items()},
        "schedule_min_slots": dict(P.SCHEDULE_MIN_SLOTS),
        "schedule_min_gap_hours": P.SCHEDULE_MIN_GAP_HOURS,
        "ack_lapse_hours": dict(P.ACK_LAPSE_HOURS),
        "ack_lapse_bounds_hours": list(P.ACK_LAPSE_BOUNDS_HOURS),
        "proximity_days": P.PROXIMITY_DAYS, "driving_days": P.DRIVING_DAYS,
        "days_bounds": list(P.CENTRE_DAYS_BOUNDS),
    }


def audit_page(admin: Staff, patient: Patient | None, staff: Staff | None,
               page: int, per_page: int) -> dict[str, Any]:
    """The centre's audit events, newest first, filtered by patient or staff, one page.

    A centre sees only its own identities: a row naming another centre's patient (say its
    own nurse's refused probe) or an id that does not exist shows no patient at all, the
    same for both, so the page cannot tell which ids are real elsewhere; a row by another
    centre's member of staff about one of our patients shows no actor.
    """
    centre_patients = db.select(Patient.id).where(Patient.centre_id == admin.centre_id)
    centre_staff_ids = db.select(Staff.id).where(Staff.centre_id == admin.centre_id)
    query = db.select(AuditEvent).where(or_(
        AuditEvent.patient_id.in_(centre_patients),
        (AuditEvent.actor_kind == "staff") & AuditEvent.actor_id.in_(centre_staff_ids),
    ))
    if patient is not None:
        query = query.where(audit.concerns_patient(patient.id))
    if staff is not None:
        query = query.where(AuditEvent.actor_kind == "staff", AuditEvent.actor_id == staff.id)
    total = db.session.execute(
        db.select(db.func.count()).select_from(query.subquery())
    ).scalar_one()
    rows = list(db.session.execute(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * per_page).limit(per_page)
    ).scalars())
    handles = _handles(admin.centre_id, {r.actor_id for r in rows if r.actor_kind == "staff"})
    codes = _codes(admin.centre_id, {r.patient_id for r in rows if r.patient_id})
    devices = _devices(admin.centre_id, {r.actor_id for r in rows if r.actor_kind == "device"})
    items = [_item(r, handles, codes, devices) for r in rows]
    audit.record("audit.read", patient_id=patient.id if patient else None,
                 detail={"staff": staff.id if staff else None, "page": page})
    return {"items": items, "page": page, "per_page": per_page, "total": total}


def _item(row: AuditEvent, handles: dict[int, str], codes: dict[int, str],
          devices: set[int]) -> dict[str, Any]:
    """One audit row as this centre may see it (`handles`, `codes`, `devices`: its own)."""
    ours = row.patient_id in codes
    staff_actor = row.actor_kind == "staff"
    own = {"staff": handles, "device": devices}.get(row.actor_kind)
    actor_ours = own is None or row.actor_id in own
    detail = row.detail
    if isinstance(detail, dict) and isinstance(detail.get("patients"), list):
        detail = {**detail, "patients": [i for i in detail["patients"] if i in codes]}
    return {
        "id": row.id, "at": row.at, "actor_kind": row.actor_kind,
        "actor_id": row.actor_id if actor_ours else None,
        "actor_handle": handles.get(row.actor_id) if staff_actor else None,
        "action": row.action, "patient_id": row.patient_id if ours else None,
        "patient_code": codes.get(row.patient_id), "outcome": row.outcome, "detail": detail,
    }


def _handles(centre_id: int, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    query = db.select(Staff.id, Staff.handle).where(Staff.id.in_(ids),
                                                     Staff.centre_id == centre_id)
    return {row[0]: row[1] for row in db.session.execute(query).all()}


def _devices(centre_id: int, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    query = db.select(Device.id).join(Patient, Patient.id == Device.patient_id).where(
        Device.id.in_(ids), Patient.centre_id == centre_id)
    return set(db.session.execute(query).scalars())


def _codes(centre_id: int, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    query = db.select(Patient.id, Patient.code).where(Patient.id.in_(ids),
                                                       Patient.centre_id == centre_id)
    return {row[0]: row[1] for row in db.session.execute(query).all()}
