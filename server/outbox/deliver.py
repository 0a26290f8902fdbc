"""Deliver a batch of leased rows: send outside any transaction, commit each answer at once.

Each answer is committed (attempt, subscription, and with a row's last answer the row)
before the next send starts, so a crash repeats at most the sends in flight once their
leases expire (see sending for NOTIFICATIONS_SEND_THREADS).
"""
from __future__ import annotations

import datetime as dt
import logging

from flask import current_app
from sqlalchemy.exc import OperationalError

from ..clock import now
from ..extensions import db
from ..services import channel_send, push_health
from . import payloads
from .decide import decide
from .flagging import close
from .lease import LEASE, finish, renew
from .recipients import load
from .rows import Row
from .sending import send_each

log = logging.getLogger("server.outbox")

WRITE_TRIES = 3


def _ttl() -> dt.timedelta:
    return dt.timedelta(seconds=current_app.config.get("NOTIFICATIONS_TTL_SECONDS", 3600))


def apply(row: Row, owner: str, at: dt.datetime) -> str:
    """Decide the row's next state from its answers and write it (while holding the lease)."""
    job = row.job
    nxt = decide(row, row.results, at, _ttl())
    first_sent = {"sent_at": nxt.sent_at} if nxt.sent_at is not None else {}
    if nxt.state == "retry":
        finish(job, owner, state="pending", next_attempt_at=nxt.next_attempt_at,
               last_error=nxt.error, **first_sent)
        return "retry"
    return close(job, owner, nxt.state, nxt.error, at, flag=nxt.flag, **first_sent)


def _outcome(row: Row, subscription_id: int, result, owner: str, at: dt.datetime) -> str | None:
    """Record one answer; once all of the row's subscriptions answered, finish the row."""
    if row.job.channel_kind is not None:
        channel_send.record_attempt(row.job.id, row.job.channel_kind, row.todo[0][1],
                                    result, at)
    else:
        push_health.record_attempt(row.job.id, subscription_id, result, at)
    return apply(row, owner, at) if len(row.results) == len(row.todo) else None


def _written(write, *args):
    """Call `write(*args, now())` and commit it; on OperationalError (e.g. a deadlock with
    another worker) roll back and write again: the send happened, recording it again beats
    re-sending it once its lease expires."""
    for attempt in range(1, WRITE_TRIES + 1):
        try:
            value = write(*args, now())
            db.session.commit()
            return value
        except OperationalError:
            db.session.rollback()
            if attempt == WRITE_TRIES:
                raise
            log.warning("writing a dispatch outcome (%s) failed; again (%d)",
                        write.__name__, attempt)
    return None


def deliver_batch(ids: list[int], owner: str, states: dict[int, str] | None = None,
                  recheck: bool = False) -> dict[int, str]:
    """Deliver leased rows to every working subscription; return each row's new state.

    `states`, if given, is filled as rows are decided, so a caller whose batch failed
    partway still knows which rows were finished (they are committed).

    Each answer of a push service is committed before the next send starts: its attempt,
    the subscription's state and, with a row's last answer, the row's state. A crash thus
    repeats only the sends in flight (one, unless NOTIFICATIONS_SEND_THREADS > 1) once
    their leases expire: at least once, and the Topic header and notification tag make a
    repeat replace rather than add on the device. Rows with nobody left to send to are
    decided first; leases are renewed while a long batch goes on.
    """
    states = {} if states is None else states
    loaded, cancelled = load(ids, owner, recheck)
    states.update({i: "cancelled" if i in cancelled else "lost" for i in ids if i not in loaded})
    for row in loaded.values():
        if not row.todo:
            states[row.job.id] = _written(apply, row, owner)
    sends = [(row, sid, info) for row in loaded.values() for sid, info in row.todo]
    messages = {row.job.id: payloads.message(row.job) for row in loaded.values()
                if row.todo and row.job.channel_kind is None}
    renew_at = now() + LEASE / 2
    for (row, subscription_id, _info), result in send_each(sends, messages):
        row.results.append(result)
        state = _written(_outcome, row, subscription_id, result, owner)
        if state is not None:
            states[row.job.id] = state
        if now() >= renew_at:
            _written(renew, owner)
            renew_at = now() + LEASE / 2
    return states


def deliver(intent_id: int, owner: str) -> str:
    """Deliver one leased row (see deliver_batch)."""
    return deliver_batch([intent_id], owner)[intent_id]
