"""Staff sign-in: password then TOTP (enrolled on first login); sessions kept server-side."""
from __future__ import annotations

import datetime as dt
import secrets

import pyotp
from flask import current_app

from .. import transaction
from ..audit import trail as audit
from ..auth.identity import new_csrf_token
from ..auth.passwords import verify_password
from ..auth.tokens import hash_secret
from ..clock import now
from ..errors import ApiError
from ..extensions import db
from ..models import Staff, StaffSession
from . import login_throttle

LOCK_AFTER_FAILURES = 10  # wrong TOTP codes after a right password
LOCK_MINUTES = 15
TOTP_ISSUER = "CARTwatch"

FAILED = ApiError(401, "login_failed", "Email, password or code not accepted")


def _new_session(staff: Staff, stage: str) -> tuple[str, StaffSession]:
    raw = secrets.token_urlsafe(32)
    session = StaffSession(id_hash=hash_secret(raw), staff_id=staff.id, stage=stage,
                           csrf_token=new_csrf_token(), created_at=now(), last_seen_at=now())
    db.session.add(session)
    return raw, session


def _refuse(staff: Staff, action: str) -> None:
    """Refuse a sign-in step of a known account without counting it against the account."""
    audit.record(action, outcome="denied", actor=("staff", staff.id))
    transaction.keep()  # with the address's failure count, which outlives the 401
    raise FAILED


def _fail(staff: Staff | None, action: str) -> None:
    """Count a failed TOTP step on the account (only someone with the password gets there)."""
    if staff is not None:
        # one atomic increment: concurrent guesses (several workers) must not lose counts
        failures = db.session.execute(
            db.update(Staff).where(Staff.id == staff.id)
            .values(failed_logins=Staff.failed_logins + 1).returning(Staff.failed_logins)
        ).scalar_one()
        if failures >= LOCK_AFTER_FAILURES:
            staff.locked_until = now() + dt.timedelta(minutes=LOCK_MINUTES)
            staff.failed_logins = 0
    audit.record(action, outcome="denied", actor=("staff" if staff else "anonymous",
                                                  staff.id if staff else None))
    transaction.keep()  # the counts are the refusal: they outlive the 401
    raise FAILED


def password_step(email: str, password: str, address: str) -> tuple[str, StaffSession, dict]:
    """Check email + password; open a half session that only the TOTP step can finish.

    Wrong passwords are throttled per (account, address) (login_throttle), not by locking
    the account, so that a stranger's guesses cannot lock a nurse out; TOTP guesses, which
    need the password, still lock the account.
    """
    try:
        login_throttle.check(email, address)
    except ApiError:
        transaction.refuse("login.password", outcome="denied", detail={"reason": "delayed"})
        raise
    staff = db.session.execute(
        db.select(Staff).where(Staff.email == email.strip().lower())
    ).scalar_one_or_none()
    password_ok = verify_password(staff.password_hash if staff else None, password)
    locked = staff is not None and staff.locked_until is not None and staff.locked_until > now()
    if staff is None or not staff.active or not password_ok:
        login_throttle.failed(email, address)
        if staff is None:
            _fail(None, "login.password")
        _refuse(staff, "login.password")
    login_throttle.password_ok(email, address)
    if locked:
        _refuse(staff, "login.password")
    raw, session = _new_session(staff, "totp")
    info: dict = {"next": "totp" if staff.totp_enrolled_at else "totp_enrol"}
    if staff.totp_enrolled_at is None:
        if not staff.totp_secret:
            staff.totp_secret = pyotp.random_base32()
        info["totp_secret"] = staff.totp_secret
        info["totp_uri"] = pyotp.TOTP(staff.totp_secret).provisioning_uri(
            name=staff.email, issuer_name=TOTP_ISSUER)
    audit.record("login.password", actor=("staff", staff.id))
    return raw, session, info


def totp_step(half: StaffSession | None, code: str, address: str) -> tuple[str, StaffSession]:
    """Check a TOTP code once; replace the half session with a new, full one."""
    if half is None or half.stage != "totp" or half.ended_at is not None:
        _fail(None, "login.totp")
    staff = half.staff
    if staff.locked_until is not None and staff.locked_until > now():
        _fail(None, "login.totp")
    totp = pyotp.TOTP(staff.totp_secret)
    counter = _matching_counter(totp, code.strip(), now())
    if counter is None or (staff.totp_last_counter is not None
                           and counter <= staff.totp_last_counter):
        _fail(staff, "login.totp")
    staff.totp_last_counter = counter  # a code works once
    staff.failed_logins = 0
    if staff.totp_enrolled_at is None:
        staff.totp_enrolled_at = now()
    half.ended_at = now()  # new session id at login
    raw, session = _new_session(staff, "active")
    login_throttle.signed_in(staff.email, address)
    audit.record("login.success", actor=("staff", staff.id))
    return raw, session


def _matching_counter(totp: pyotp.TOTP, code: str, at: dt.datetime) -> int | None:
    """The time-step counter the code belongs to, allowing one step of clock drift."""
    if not code.isdigit() or len(code) != 6:
        return None
    base = totp.timecode(at)
    for counter in (base, base - 1, base + 1):
        if secrets.compare_digest(totp.generate_otp(counter), code):
            return counter
    return None


def logout(session: StaffSession) -> None:
    """End a session server-side: the cookie is worthless afterwards."""
    session.ended_at = now()
    audit.record("logout", actor=("staff", session.staff_id))


def end_sessions(staff: Staff, keep: StaffSession | None = None) -> int:
    """End every open session of a member but `keep`: after a credential reset, a stolen or
    forgotten session must not outlive the credential it was opened with."""
    query = db.update(StaffSession).where(StaffSession.staff_id == staff.id,
                                          StaffSession.ended_at.is_(None))
    if keep is not None:
        query = query.where(StaffSession.id_hash != keep.id_hash)
    return db.session.execute(query.values(ended_at=now())).rowcount


def cookie_kwargs() -> dict:
    """Cookie attributes: HttpOnly, SameSite=Lax, Path=/, Secure outside development."""
    return {
        "httponly": True,
        "samesite": "Lax",
        "secure": current_app.config["SESSION_COOKIE_SECURE"],
        "path": "/",
        "max_age": current_app.config["STAFF_ABSOLUTE_HOURS"] * 3600,
    }
