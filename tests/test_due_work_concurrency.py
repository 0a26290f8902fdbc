"""Two workers running the same pass at once write every notification exactly once."""
from __future__ import annotations

import threading

from clinical_helpers import intents

from server import db_types
from server.clinical import jobs
from server.extensions import db
from server.models import ScheduledStep


def test_two_concurrent_passes_never_duplicate(app, clock, make_patient, make_staff,
                                               monkeypatch):
    """Rows are claimed in batches (SKIP LOCKED on PostgreSQL, BEGIN IMMEDIATE on SQLite)."""
    # Workers take SQLite's write lock at BEGIN as in production (tests switch that off for
    # the test's own session).
    monkeypatch.setattr(db_types.settings_of(app), "immediate_outside_requests", True)
    make_staff(handle="nurse-a")
    for _ in range(12):
        make_patient()
    results, errors = [], []

    def worker():
        with app.app_context():
            try:
                results.append(jobs.run_due_work(clock.current))
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert sum(r.get("failed", 0) for r in results) == 0
    reminders = intents(purpose="reminder")
    keys = [row.dedupe_key for row in reminders]
    assert len(keys) == len(set(keys)) == 12 * 2  # patient + one caregiver each
    handled = db.session.execute(db.select(db.func.count()).select_from(ScheduledStep).where(
        ScheduledStep.kind == "reminder", ScheduledStep.state == "done")).scalar()
    assert handled == 12
