"""One pass of due work (reminders, missed check-ins, ladder, notices) at a given instant.

`run_due_work(at)` is a function of (database, now): the worker calls it on a timer, tests
and the scenario runner call it at virtual times.

Unit of work: a batch. A pass claims up to `BATCH_ROWS` due rows, oldest first, runs their
handlers in that order, marks them done in one UPDATE and commits once; then it claims the
next batch, so rows a handler created already due are picked up in the same pass. The
claim, the done marks, the commit and the connection check-out are paid per batch, not per
row (on PostgreSQL they were 5 of the 10 round trips a reminder cost as its own
transaction). Each batch is a `batch.Batch` passed to every handler (`handler(row, batch)`).
Reads are per batch too: `schedule.load_checkins` reads the batch's check-ins and
`notify.load_family` its patients' caregivers in one query each, and each centre's on-duty
staff are read once. So are writes: rows are not flushed one by one (their new steps go out
together at the next flush), and the batch holds the notification intents for one INSERT
after the last row. A handler (or a flush) that raises rolls its batch back; the
rows are then claimed again and run in one savepoint each, flushed and with intents written
at once, so the failing row is marked failed and the others are kept.

Exactly once: every notification has a unique dedupe key, and a row's notifications, the
steps it adds and its done mark commit in the same transaction. A crash (or a failed
commit) loses the uncommitted batch whole: its rows are still pending and the next pass
redoes them, while a committed batch's rows are done and its dedupe keys taken, so nothing
is written twice. A pass that runs twice, or two workers at once, writes nothing twice.

Locks: on PostgreSQL the claim takes the rows and their patients in one statement, `FOR NO
KEY UPDATE OF scheduled_step, patient SKIP LOCKED`: it never waits, and a row whose patient
a check-in (or another worker) holds is left for a later batch or pass. A batch so owns
its patients before any handler runs (handlers use `row.patient`, loaded with its centre by
the claim) and never takes patient locks one by one in an order a check-in could cross.
Every check-in writes to the audit chain, whose lock is held to the commit: the audit
events a batch's handlers record (R-MISSED opening or raising an escalation) wait in
`audit.trail.held()`, outside the session, while the batch runs and are written, in the
order they were recorded, after its last handler and its done marks, just before the
commit. So a batch never holds the chain while it runs rows, the chain is the last lock it
takes, and a batch of missed rows is one transaction, not one per row (a rolled-back
savepoint drops its row's events).
On SQLite BEGIN IMMEDIATE serialises writers; a batch holds the write lock for at most
`BATCH_ROWS` rows, so a check-in waits for one short batch at most.

Cost: the only query that looks for work is the claim, `state = 'pending' AND due_at <= :at
ORDER BY due_at, id LIMIT :batch` on the composite index `ix_step_state_due (state,
due_at)` (each row joined to its patient and centre by primary key); done rows and future
rows are never read, so a pass costs O(due rows · log n), not O(enrolled patients).
`explain_due_query()` returns the plan of that claim; tests/test_due_work_index.py fills
20 000 rows (half done in the past, half pending in the future) and asserts the plan uses
the index on SQLite (`SEARCH scheduled_step USING INDEX ix_step_state_due (state=? AND
due_at<?)`, no temp B-tree for the ORDER BY) and on PostgreSQL after ANALYZE (`Index Scan
using ix_step_state_due`, no `Seq Scan`), that one pass issues the same number of
statements with 20 or 400 idle patients, and with 1 or 11 due rows that need no SQL of
their own.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

from sqlalchemy.orm import contains_eager

from .. import transaction
from ..audit import trail as audit
from ..extensions import db
from ..models import AuditEvent, Patient, ScheduledStep
from . import ladder, lifecycle, notify, schedule
from .batch import Batch

log = logging.getLogger(__name__)

HANDLERS = {
    "plan": schedule.plan,
    "reminder": schedule.run_reminder,
    "caregiver_reminder": schedule.run_caregiver_reminder,
    "missed": schedule.run_missed,
    "ladder": ladder.run_step,
    "unanswered": ladder.run_unanswered,
    "ack_lapse": lifecycle.run_ack_lapse,
    "followup": lifecycle.run_followup,
}
FAMILY_KINDS = ("reminder", "caregiver_reminder", "missed", "unanswered")  # notify the family
MAX_ROWS_PER_PASS = 10_000
BATCH_ROWS = 50  # rows per claim and per commit (SQLite: the write lock is held this long)


def due_query(at: dt.datetime, dialect: str, limit: int = BATCH_ROWS):
    """The claim: the oldest due rows with their patients (locked) and centres."""
    query = (db.select(ScheduledStep)
             .join(ScheduledStep.patient).join(Patient.centre)
             .options(contains_eager(ScheduledStep.patient).contains_eager(Patient.centre))
             .where(ScheduledStep.state == "pending", ScheduledStep.due_at <= at)
             .order_by(ScheduledStep.due_at, ScheduledStep.id).limit(limit)
             .execution_options(populate_existing=True))
    if dialect == "postgresql":
        query = query.with_for_update(key_share=True, skip_locked=True,
                                      of=[ScheduledStep.__table__, Patient.__table__])
    return query


def _claim(at: dt.datetime, limit: int) -> list[ScheduledStep]:
    dialect = db.session.get_bind().dialect.name
    return list(db.session.execute(due_query(at, dialect, limit)).scalars())


def _handle(row: ScheduledStep, running: Batch) -> bool:
    """Run one row's handler; return whether it acted.

    Not flushed here: the next query (or the batch's end) flushes, so the steps of several
    rows go out in one INSERT. A failure at that flush rolls the batch back like a failing
    handler, and the row-by-row redo flushes each row in its savepoint.
    """
    return HANDLERS[row.kind](row, running)


def _handle_isolated(row: ScheduledStep, running: Batch,
                     held: list[AuditEvent]) -> bool | None:
    """`_handle` inside a savepoint; None when it failed (rolled back to the savepoint)."""
    kind, row_id = row.kind, row.id
    kept = len(held)
    try:
        with db.session.begin_nested():  # released on success, rolled back on an exception
            acted = _handle(row, running)
            db.session.flush()  # the row's own failure, inside its savepoint
    except Exception:
        del held[kept:]  # the failed row's audit events go with the rest of its work
        log.exception("due step %s (%s) failed", row_id, kind)
        return None
    return acted


def _run_batch(rows: list[ScheduledStep], running: Batch, counts: Counter,
               isolate: bool) -> int:
    """Handle claimed rows in order, mark them done (or failed); return how many.

    The handlers' audit events are held back and flushed last, so the audit chain's lock
    is the last lock a batch takes. The batch ends early after a row that failed. With
    `isolate` each handler runs in a savepoint and a failing row is marked failed; without,
    a failure propagates.
    """
    done, failed = [], []
    at = running.at
    with audit.held() as held:
        for row in rows:
            if row.state != "pending":  # cancelled by an earlier row of this batch
                continue
            acted = _handle_isolated(row, running, held) if isolate else _handle(row, running)
            if acted is None:
                failed.append(row.id)
                counts["failed"] += 1
                break
            done.append(row.id)
            counts[row.kind if acted else f"{row.kind}.skipped"] += 1
        notify.write_held(running)
        _mark(done, "done", at)
        _mark(failed, "failed", at)
        db.session.flush()  # whatever the rows wrote, before the chain is taken
    if held:  # in the order they were recorded; the chain's lock is taken here, last
        audit.release(held)
        db.session.flush()
    return len(done) + len(failed)


def _mark(ids: list[int], state: str, at: dt.datetime) -> None:
    if ids:
        db.session.execute(db.update(ScheduledStep).where(ScheduledStep.id.in_(ids))
                           .values(state=state, done_at=at)
                           .execution_options(synchronize_session=False))


def run_due_work(at: dt.datetime) -> dict:
    """Handle every step due at or before `at`, oldest first; return counts per kind."""
    counts: Counter = Counter()
    budget, isolate = MAX_ROWS_PER_PASS, False
    while budget > 0:
        rows = _claim(at, min(BATCH_ROWS, budget))
        if not rows:
            break
        batch: Counter = Counter()
        try:
            running = Batch(at, hold_intents=not isolate)
            schedule.load_checkins(running, rows)
            notify.load_family(running, {row.patient_id for row in rows
                                         if row.kind in FAMILY_KINDS})
            with running.running():
                handled = _run_batch(rows, running, batch, isolate)
            transaction.commit_batch()
            budget -= handled
        except Exception as exc:
            if isolate:
                raise
            db.session.rollback()  # nothing of the batch is kept: redo it row by row
            log.warning("due-work batch of %d rows rolled back (%s); redoing it row by row",
                        len(rows), type(exc).__name__)
            isolate = True
            continue
        counts.update(batch)
        isolate = False
    transaction.commit_batch()  # the claim that found nothing ends its transaction too
    return dict(counts)


def next_due_at() -> dt.datetime | None:
    """When the earliest pending step is due (the scenario runner steps to it)."""
    row = db.session.execute(
        db.select(ScheduledStep.due_at).where(ScheduledStep.state == "pending")
        .order_by(ScheduledStep.due_at).limit(1)
    ).first()
    return None if row is None else row[0]


def explain_due_query(at: dt.datetime) -> str:
    """The database's query plan for the claim `run_due_work` issues, as text."""
    bind = db.session.get_bind()
    query = due_query(at, bind.dialect.name)
    sql = str(query.compile(dialect=bind.dialect, compile_kwargs={"literal_binds": True}))
    prefix = "EXPLAIN QUERY PLAN " if bind.dialect.name == "sqlite" else "EXPLAIN "
    rows = db.session.connection().exec_driver_sql(prefix + sql).all()
    return "\n".join(" ".join(str(c) for c in r) for r in rows)
