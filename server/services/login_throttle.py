"""Password guessing throttled per (account, address) with growing delays (NIST SP 800-63B §5.2.2).

A lock on the account alone let anyone who knew a nurse's email lock her out for a shift.
Here each address has its own allowance for each account: a few free failures, then a delay
that doubles with every further failure up to a ceiling, so one address can make only a few
guesses an hour while the nurse at her own desk is not affected. A looser per-account cap
catches guessing spread over many addresses: once reached, addresses that never signed in
to the account wait out a cool-off, while addresses that have (known-good) still get in.
The account is the hash of the email as typed, so an unknown email is throttled exactly like
a real one and the answers do not reveal which emails exist. Refused attempts are not
checked against the password and do not count, so waiting is all it takes.
"""
from __future__ import annotations

import datetime as dt
import math

from flask import current_app
from sqlalchemy import case, func

from ..auth.tokens import hash_secret
from ..clock import now
from ..errors import ApiError
from ..extensions import db
from ..models import LoginThrottle

FREE_FAILURES = 3                              # per account and address, before any delay
FIRST_DELAY = dt.timedelta(seconds=30)         # after the first failure beyond the free ones
MAX_DELAY = dt.timedelta(minutes=15)           # the delay doubles up to this
FORGET_AFTER = dt.timedelta(hours=24)          # older failures no longer count
ACCOUNT_COOL_OFF = dt.timedelta(hours=1)       # new addresses wait this after the cap is met


def account_key(email: str) -> str:
    """The stored key of an account: a hash of the normalised email (known or not)."""
    return hash_secret(email.strip().lower())


def delay_after(failures: int) -> dt.timedelta:
    """How long an address waits after its n-th consecutive failure on one account."""
    if failures <= FREE_FAILURES:
        return dt.timedelta(0)
    return min(FIRST_DELAY * 2 ** (failures - FREE_FAILURES - 1), MAX_DELAY)


def _pair(account: str, address: str) -> LoginThrottle | None:
    return db.session.execute(db.select(LoginThrottle).where(
        LoginThrottle.account == account, LoginThrottle.address == address)).scalar_one_or_none()


def _delayed(until: dt.datetime, current: dt.datetime) -> ApiError:
    seconds = max(1, math.ceil((until - current).total_seconds()))
    error = ApiError(429, "login_delayed",
                     f"Too many failed sign-ins; try again in {seconds} seconds")
    error.data["headers"] = {"Retry-After": str(seconds)}
    return error


def check(email: str, address: str) -> None:
    """Refuse (429 with Retry-After) while this address, or new addresses, must wait."""
    account, current = account_key(email), now()
    pair = _pair(account, address)
    recent = current - FORGET_AFTER
    if pair is not None and pair.last_failure_at is not None and pair.last_failure_at > recent:
        until = pair.last_failure_at + delay_after(pair.failures)
        if current < until:
            raise _delayed(until, current)
    if pair is not None and pair.succeeded_at is not None:
        return  # a known-good address is held back only by its own failures
    total, last = db.session.execute(
        db.select(func.coalesce(func.sum(LoginThrottle.failures), 0),
                  func.max(LoginThrottle.last_failure_at))
        .where(LoginThrottle.account == account, LoginThrottle.last_failure_at > recent)
    ).one()
    if total >= current_app.config["LOGIN_ACCOUNT_FAILURE_CAP"] and last is not None:
        until = _aware(last) + ACCOUNT_COOL_OFF
        if current < until:
            raise _delayed(until, current)


def _aware(value: dt.datetime) -> dt.datetime:
    """An aggregate's datetime, in UTC whichever way the driver returned it."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _ensure(account: str, address: str) -> None:
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(insert(LoginThrottle).values(
        account=account, address=address, failures=0).on_conflict_do_nothing())


def failed(email: str, address: str) -> None:
    """Count a failure of this address on this account (one atomic increment, any worker)."""
    account, current = account_key(email), now()
    _prune(current)
    _ensure(account, address)
    stale = LoginThrottle.last_failure_at.is_(None) | (
        LoginThrottle.last_failure_at <= current - FORGET_AFTER)
    db.session.execute(
        db.update(LoginThrottle)
        .where(LoginThrottle.account == account, LoginThrottle.address == address)
        .values(failures=case((stale, 1), else_=LoginThrottle.failures + 1),
                last_failure_at=current))


def _prune(current: dt.datetime) -> None:
    """Drop pairs whose failures no longer count and that never signed in: guesses at
    made-up emails must not grow the table without bound."""
    db.session.execute(db.delete(LoginThrottle).where(
        LoginThrottle.succeeded_at.is_(None),
        LoginThrottle.last_failure_at <= current - FORGET_AFTER))


def password_ok(email: str, address: str) -> None:
    """The right password from this address: its own failures start again from zero."""
    db.session.execute(
        db.update(LoginThrottle)
        .where(LoginThrottle.account == account_key(email), LoginThrottle.address == address)
        .values(failures=0))


def signed_in(email: str, address: str) -> None:
    """A full sign-in (password and TOTP) from this address: it is known-good from now on."""
    account = account_key(email)
    _ensure(account, address)
    db.session.execute(
        db.update(LoginThrottle)
        .where(LoginThrottle.account == account, LoginThrottle.address == address)
        .values(failures=0, succeeded_at=now()))


def forget(email: str) -> None:
    """An admin set a new password: earlier guesses at the old one no longer hold anyone back."""
    db.session.execute(
        db.update(LoginThrottle).where(LoginThrottle.account == account_key(email))
        .values(failures=0, last_failure_at=None))
