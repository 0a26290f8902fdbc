"""Leases: claim due rows exclusively, reap expired leases, finish only while holding one.

Claims are exclusive: on PostgreSQL `SELECT … FOR UPDATE SKIP LOCKED` then an UPDATE to a
unique lease owner; on SQLite a single `UPDATE … WHERE id IN (due rows)` under the write
lock SQLite takes for every writer (BEGIN IMMEDIATE), then a SELECT by owner. A row is
finished only by the owner of its lease, so two workers never send one row twice.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid

from ..extensions import db
from .rows import NI, Job

log = logging.getLogger("server.outbox")

LEASE = dt.timedelta(minutes=2)  # > 2 x send timeout: renewed at half-time meanwhile
BATCH = 50


def new_owner() -> str:
    """A lease owner unique to this pass: host, process and a random part."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def reap(at: dt.datetime) -> int:
    """Return rows whose lease expired (a worker died mid-delivery) to the queue.

    A reaped row is due again now, behind every row already waiting: keeping its old
    `next_attempt_at` would sort it first in every later claim, so a row that kills its
    batch would drag whatever falls due with it into every failing batch.
    """
    count = db.session.execute(
        db.update(NI).where(NI.state == "leased", NI.lease_until < at)
        .values(state="pending", lease_owner=None, lease_until=None, next_attempt_at=at)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if count:
        log.warning("reaped %d expired outbox leases", count)
    return count


def claim(owner: str, at: dt.datetime, limit: int = BATCH) -> list[int]:
    """Lease up to `limit` due rows to `owner`; return their ids (oldest due first)."""
    due = (db.select(NI.id).where(NI.state == "pending", NI.next_attempt_at <= at)
           .order_by(NI.next_attempt_at, NI.id).limit(limit))
    lease = dict(state="leased", lease_owner=owner, lease_until=at + LEASE,
                 attempts=NI.attempts + 1)
    if db.session.get_bind().dialect.name == "postgresql":
        ids = list(db.session.execute(due.with_for_update(skip_locked=True)).scalars())
        if ids:
            db.session.execute(db.update(NI).where(NI.id.in_(ids)).values(**lease)
                               .execution_options(synchronize_session=False))
    else:  # SQLite: one statement under the database write lock is the claim
        db.session.execute(db.update(NI).where(NI.id.in_(due.scalar_subquery()),
                                               NI.state == "pending").values(**lease)
                           .execution_options(synchronize_session=False))
    db.session.commit()
    return list(db.session.execute(
        db.select(NI.id).where(NI.lease_owner == owner, NI.state == "leased")
        .order_by(NI.next_attempt_at, NI.id)).scalars())


def finish(job: Job, owner: str, **values) -> bool:
    """Write the outcome, only while `owner` still holds the lease."""
    table = NI.__table__  # Core statement: no ORM bookkeeping for a keyed single-row update
    done = db.session.connection().execute(
        table.update().where(table.c.id == job.id, table.c.lease_owner == owner,
                             table.c.state == "leased")
        .values(lease_owner=None, lease_until=None, **values)
    ).rowcount == 1
    if not done:
        log.warning("outbox row %s: lease lost before finishing", job.id)
    return done


def renew(owner: str, at: dt.datetime) -> None:
    """Extend the leases of the rows `owner` has not finished yet (a long, slow batch)."""
    db.session.execute(db.update(NI).where(NI.lease_owner == owner, NI.state == "leased")
                       .values(lease_until=at + LEASE)
                       .execution_options(synchronize_session=False))
