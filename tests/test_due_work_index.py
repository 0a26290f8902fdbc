"""The due-work query uses its index: cost grows with due work, not with enrolled patients.

How it is checked: (1) EXPLAIN of the claim (the due query, joined to each row's patient and
centre) on the current database (SQLite: EXPLAIN QUERY PLAN shows `SEARCH scheduled_step
USING INDEX ix_step_state_due`; PostgreSQL, after ANALYZE on 20 000 rows of done and future
work: `Index Scan ... ix_step_state_due`), (2) the number of SQL statements one pass issues
is the same with 20 or 400 enrolled patients whose work is not yet due, and (3) the same
with 1 or 11 due rows whose handlers need no SQL: the claim and the done marks are paid
per batch, not per row. Run with TEST_DATABASE_URL set to check PostgreSQL.
"""
from __future__ import annotations

import datetime as dt

from sql_capture import statements_during
from sqlalchemy import insert

from server.clinical import jobs
from server.extensions import db
from server.models import Patient, ScheduledStep


def _patients(centre_id: int, n: int, start: dt.datetime) -> list[int]:
    rows = [dict(centre_id=centre_id, code=f"P-BULK{i:05d}", display_name="Bulk",
                 timezone="Europe/Berlin", infused_at=start - dt.timedelta(days=3),
                 enrolled_at=start, product="axi-cel", window_days=30, baseline_ice=10,
                 created_at=start) for i in range(n)]
    db.session.execute(insert(Patient), rows)
    return list(db.session.execute(
        db.select(Patient.id).where(Patient.code.like("P-BULK%"))).scalars())


def _steps(patient_ids: list[int], start: dt.datetime, per_patient: int) -> None:
    rows = []
    for pid in patient_ids:
        for k in range(per_patient):
            state = "done" if k % 2 else "pending"
            due = start + dt.timedelta(hours=6 * (k + 1)) if state == "pending" \
                else start - dt.timedelta(hours=6 * (k + 1))
            rows.append(dict(kind="reminder", due_at=due, state=state, patient_id=pid,
                             slot_at=due, created_at=start))
    db.session.execute(insert(ScheduledStep), rows)


def test_due_query_plan_uses_the_state_due_index(app, centre, clock):
    """EXPLAIN names ix_step_state_due (no full scan of scheduled_step)."""
    ids = _patients(centre.id, 400, clock.current)
    _steps(ids, clock.current, 50)  # 20 000 rows: half done (past), half pending (future)
    db.session.commit()
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        db.session.execute(db.text("ANALYZE scheduled_step"))
    plan = jobs.explain_due_query(clock.current)
    assert "ix_step_state_due" in plan, plan
    if dialect == "sqlite":
        assert "SEARCH scheduled_step USING INDEX ix_step_state_due" in plan, plan
        assert "TEMP B-TREE" not in plan, plan  # the index also gives the order
    else:
        assert "Index Scan" in plan or "Index Only Scan" in plan, plan
        assert "Seq Scan on scheduled_step" not in plan, plan


def _skipped_row(patient_id: int, at: dt.datetime) -> ScheduledStep:
    """A due row whose handler runs and skips without SQL (its slot precedes enrolment)."""
    slot = at - dt.timedelta(days=1)
    return ScheduledStep(kind="caregiver_reminder", due_at=at, slot_at=slot,
                         patient_id=patient_id, created_at=at)


def _statements_for_one_pass(at: dt.datetime) -> int:
    _, statements = statements_during(lambda: jobs.run_due_work(at))
    return len(statements)


def test_pass_cost_does_not_grow_with_enrolled_patients(app, centre, clock):
    """Same statement count for a pass over one due row with 20 or 400 idle patients."""
    counts = []
    for n in (20, 400):
        db.session.execute(db.delete(ScheduledStep))
        db.session.execute(db.delete(Patient).where(Patient.code.like("P-BULK%")))
        ids = _patients(centre.id, n, clock.current)
        _steps(ids, clock.current, 4)
        db.session.add(_skipped_row(ids[0], clock.current))
        db.session.commit()
        counts.append(_statements_for_one_pass(clock.current))
        assert db.session.execute(db.select(ScheduledStep.state).where(
            ScheduledStep.kind == "caregiver_reminder")).scalar_one() == "done"  # not failed
    assert counts[0] == counts[1], counts


def test_claim_and_done_marks_are_paid_per_batch_not_per_row(app, centre, clock):
    """Rows whose handler needs no SQL of its own: 1 or 11 of them cost the same statements."""
    ids = _patients(centre.id, 11, clock.current)
    counts = []
    for n in (1, 11):
        db.session.add_all([_skipped_row(pid, clock.current) for pid in ids[:n]])
        db.session.commit()
        counts.append(_statements_for_one_pass(clock.current))
    assert counts[0] == counts[1], counts
    assert db.session.execute(db.select(db.func.count()).select_from(ScheduledStep).where(
        ScheduledStep.kind == "caregiver_reminder", ScheduledStep.state == "done")).scalar() == 12
