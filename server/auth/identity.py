"""Who is calling: a staff session (cookie), an enrolled device (bearer token), or nobody.

Resolved once per request into g.actor. Views then ask for the identity they need with
require_staff / require_device, and for patients through the scoped loaders, so that a
device reaches only its own patient and staff only their own centre's patients.
"""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from functools import wraps

from flask import current_app, g, request
from sqlalchemy.orm import make_transient_to_detached

from .. import transaction
from ..clock import now
from ..db_types import READ_ONLY
from ..errors import ApiError
from ..extensions import db
from ..models import Device, Patient, Staff, StaffSession
from .tokens import constant_time_equal, hash_secret

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
MONITORING_ENDED = "monitoring_ended"  # Device.revoked_reason and the 410's error code
BACKGROUND_HEADER = "X-CW-Background"  # set by the staff app's polls
# Posted by the service worker, which cannot send the header: receipts (the SameSite=Lax
# cookie already stops cross-site posts) and acknowledge (authorised by its signed token).
CSRF_EXEMPT_PATHS = frozenset({"/api/v1/push/receipts", "/api/v1/push/ack"})


@dataclass
class Actor:
    """The caller of this request."""

    kind: str  # staff | device | anonymous
    staff: Staff | None = None
    device: Device | None = None
    session: StaffSession | None = None
    problem: str | None = None  # why a presented credential was refused

    @property
    def id(self) -> int | None:
        """The staff or device id, for audit rows."""
        if self.staff is not None:
            return self.staff.id
        if self.device is not None:
            return self.device.id
        return None


def session_cookie_name() -> str:
    """`__Host-` prefixed when Secure (browsers refuse the prefix on insecure cookies)."""
    return "__Host-cw_session" if current_app.config["SESSION_COOKIE_SECURE"] else "cw_session"


def load_actor() -> None:
    """Resolve g.actor from the Authorization header or the session cookie."""
    g.actor = Actor("anonymous")
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        g.actor = _device_actor(header[7:].strip())
        return
    cookie = request.cookies.get(session_cookie_name())
    if cookie:
        g.actor = _staff_actor(cookie)


def _device_actor(token: str) -> Actor:
    device = _find_device(hash_secret(token))
    if device is None:
        return Actor("anonymous", problem="unknown_token")
    if device.revoked_at is not None and device.revoked_reason == MONITORING_ENDED:
        error = monitoring_ended(device)
        transaction.refuse("access.refused", patient_id=device.patient_id, outcome="denied",
                         detail={"device": device.id, "reason": MONITORING_ENDED})
        raise error
    if device.revoked_at is not None:
        return Actor("anonymous", device=None, problem="revoked_device")
    current = now()
    if device.last_seen_at is None or current - device.last_seen_at > dt.timedelta(minutes=5):
        device.last_seen_at = current  # coarse, so reads do not write on every request
    return Actor("device", device=device)


def monitoring_ended(device: Device) -> ApiError:
    """410 for a phone whose patient's monitoring ended: the closing screen's numbers only."""
    centre = device.patient.centre
    return ApiError(410, MONITORING_ENDED, "Monitoring has ended for this phone", extra={
        "contact": {"centre_name": centre.name, "centre_phone": centre.phone_24h,
                    "emergency_number": centre.emergency_number}})


def _find_device(token_hash: str) -> Device | None:
    """The device with this token, attached to the request's session.

    On SQLite every request transaction takes the single writer lock at BEGIN. A check-in
    would hold it from this lookup (the request's first statement) through validation to
    its COMMIT; read in a separate snapshot instead, the device costs the writer nothing
    and the lock is taken later, when the check-in locks its patient.
    """
    if db.engine.dialect.name != "sqlite":
        return db.session.execute(
            db.select(Device).where(Device.token_hash == token_hash)).scalar_one_or_none()
    table = Device.__table__
    with db.engine.connect() as reader:
        row = reader.execution_options(**{READ_ONLY: True}).execute(
            db.select(table).where(table.c.token_hash == token_hash)).mappings().first()
    if row is None:
        return None
    device = Device(**row)
    make_transient_to_detached(device)  # as if loaded: clean, so no second read or write
    return db.session.merge(device, load=False)


def session_expired(session: StaffSession, at: dt.datetime) -> bool:
    """Idle and absolute limits for staff sessions."""
    cfg = current_app.config
    idle = dt.timedelta(minutes=cfg["STAFF_IDLE_MINUTES"])
    absolute = dt.timedelta(hours=cfg["STAFF_ABSOLUTE_HOURS"])
    return at - session.last_seen_at > idle or at - session.created_at > absolute


def _staff_actor(cookie: str) -> Actor:
    session = db.session.get(StaffSession, hash_secret(cookie))
    current = now()
    if session is None or session.ended_at is not None:
        return Actor("anonymous", problem="no_session")
    if session_expired(session, current):
        session.ended_at = current
        db.session.commit()
        return Actor("anonymous", problem="session_expired")
    if not session.staff.active:
        return Actor("anonymous", problem="inactive_staff")
    if session.stage != "active":
        return Actor("anonymous", session=session, problem="totp_pending")
    if request.headers.get(BACKGROUND_HEADER) != "1":
        session.last_seen_at = current  # polls do not count as activity for the idle limit
    return Actor("staff", staff=session.staff, session=session)


def check_csrf() -> None:
    """Cookie-authenticated writes must echo the session's CSRF token in a header."""
    actor: Actor = g.actor
    if request.method in SAFE_METHODS or actor.kind != "staff":
        return  # sign-in steps are protected by SameSite=Lax and the one-time TOTP
    if request.path in CSRF_EXEMPT_PATHS:
        return
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent or not constant_time_equal(sent, actor.session.csrf_token):
        transaction.refuse("csrf.refused", outcome="denied")
        raise ApiError(403, "csrf_failed", "Missing or wrong CSRF token")


def new_csrf_token() -> str:
    """A fresh CSRF token for a new session."""
    return secrets.token_urlsafe(32)


def _refuse(status: int, action: str, patient_id: int | None = None):
    transaction.refuse(action, patient_id=patient_id, outcome="denied",
                     detail={"endpoint": request.endpoint})
    if status == 401:
        raise ApiError(401, "unauthorised", "Authentication required")
    if status == 403:
        raise ApiError(403, "forbidden", "Not allowed")
    raise ApiError(404, "not_found", "Not found")


def require_staff(*roles: str):
    """Decorator: a logged-in member of staff, optionally with one of the given roles."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            actor: Actor = g.actor
            if actor.kind != "staff":
                _refuse(401, "access.refused")
            if roles and actor.staff.role not in roles:
                _refuse(403, "access.refused")
            return view(*args, **kwargs)

        return wrapped

    return decorator


def require_device(view):
    """Decorator: an enrolled, unrevoked device."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if g.actor.kind != "device":
            _refuse(401, "access.refused")
        return view(*args, **kwargs)

    return wrapped


def current_staff() -> Staff:
    """The calling member of staff (after require_staff)."""
    return g.actor.staff


def current_device() -> Device:
    """The calling device (after require_device)."""
    return g.actor.device


def staff_patient(patient_id: int) -> Patient:
    """Load a patient of the caller's centre, or refuse with 404 (no existence leak)."""
    patient = db.session.get(Patient, patient_id)
    if patient is None or patient.centre_id != current_staff().centre_id:
        _refuse(404, "patient.refused", patient_id=patient_id)
    return patient


def actor_patient(patient_id: int) -> Patient:
    """Load a patient the caller may see: staff of its centre or one of its devices."""
    actor: Actor = g.actor
    if actor.kind == "staff":
        return staff_patient(patient_id)
    if actor.kind == "device" and actor.device.patient_id == patient_id:
        return actor.device.patient
    _refuse(401 if actor.kind == "anonymous" else 404, "patient.refused", patient_id=patient_id)
    raise AssertionError("unreachable")
