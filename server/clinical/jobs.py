"""One pass of due work (reminders, missed check-ins, ladder, notices) at a given instant.

`run_due_work(at)` is a function of (database, now): the worker calls it on a timer, tests
and the scenario runner call it at virtual times. Each due row is claimed, handled and
marked done in one transaction, and every notification has a unique dedupe key, so a pass
that runs twice (or two workers at once) writes nothing twice.

Cost: the only query that looks for work is `state = 'pending' AND due_at <= :at ORDER BY
due_at LIMIT 1` on the composite index `ix_step_state_due (state, due_at)`; done rows and
future rows are never read, so a pass costs O(due rows · log n), not O(enrolled patients).
`explain_due_query()` returns the plan; tests/test_due_work_index.py fills 20 000 rows
(half done in the past, half pending in the future) and asserts the plan uses the index on
SQLite (`SEARCH scheduled_step USING INDEX ix_step_state_due (state=? AND due_at<?)`, no
temp B-tree for the ORDER BY) and on PostgreSQL after ANALYZE (`Index Scan using
ix_step_state_due`, no `Seq Scan`), and that one pass issues the same number of statements
with 20 or 400 idle patients.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

from ..db_types import UTCDateTime
from ..extensions import db
from ..models import ScheduledStep
from . import ladder, schedule

log = logging.getLogger(__name__)

HANDLERS = {
    "plan": schedule.plan,
    "reminder": schedule.run_reminder,
    "caregiver_reminder": schedule.run_caregiver_reminder,
    "missed": schedule.run_missed,
    "ladder": ladder.run_step,
    "unanswered": ladder.run_unanswered,
}
MAX_ROWS_PER_PASS = 10_000


def due_query(at: dt.datetime):
    """The select that finds the next due row (kept in one place so EXPLAIN checks it)."""
    return (db.select(ScheduledStep)
            .where(ScheduledStep.state == "pending", ScheduledStep.due_at <= at)
            .order_by(ScheduledStep.due_at, ScheduledStep.id).limit(1))


def _claim(at: dt.datetime) -> ScheduledStep | None:
    query = due_query(at)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return db.session.execute(query).scalar_one_or_none()


def run_due_work(at: dt.datetime) -> dict:
    """Handle every step due at or before `at`, oldest first; return counts per kind."""
    counts: Counter = Counter()
    for _ in range(MAX_ROWS_PER_PASS):
        row = _claim(at)
        if row is None:
            break
        kind, row_id = row.kind, row.id
        try:
            acted = HANDLERS[kind](row, at)
            row.state = "done"
            row.done_at = at
            db.session.commit()
            counts[kind if acted else f"{kind}.skipped"] += 1
        except Exception:
            db.session.rollback()
            log.exception("due step %s (%s) failed", row_id, kind)
            db.session.execute(db.update(ScheduledStep).where(ScheduledStep.id == row_id)
                               .values(state="failed", done_at=at))
            db.session.commit()
            counts["failed"] += 1
    db.session.commit()
    return dict(counts)


def next_due_at() -> dt.datetime | None:
    """When the earliest pending step is due (the scenario runner steps to it)."""
    row = db.session.execute(
        db.select(ScheduledStep.due_at).where(ScheduledStep.state == "pending")
        .order_by(ScheduledStep.due_at).limit(1)
    ).first()
    return None if row is None else row[0]


DUE_SQL = ("SELECT * FROM scheduled_step WHERE state = 'pending' AND due_at <= :at "
           "ORDER BY due_at, id LIMIT 1")  # the SQL due_query() compiles to


def explain_due_query(at: dt.datetime) -> str:
    """The database's query plan for the due-work query, as text."""
    bind = db.session.get_bind()
    prefix = "EXPLAIN QUERY PLAN " if bind.dialect.name == "sqlite" else "EXPLAIN "
    statement = db.text(prefix + DUE_SQL).bindparams(db.bindparam("at", type_=UTCDateTime))
    rows = db.session.execute(statement, {"at": at}).all()
    return "\n".join(" ".join(str(c) for c in r) for r in rows)
