"""Figure 3: one due-work pass with 1 000, 10 000 and 100 000 enrolled patients."""
from __future__ import annotations

import datetime as dt
import os
import statistics
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, insert

from server.clinical.jobs import run_due_work
from server.clock import now
from server.extensions import db
from server.models import Centre, Patient, ScheduledStep

from .seed import bench_app

SIZES = tuple(int(n) for n in os.environ.get("BENCH_SWEEP_SIZES", "1000,10000,100000").split(","))
STEPS_PER_PATIENT = 4  # two done in the past, two pending in the future: never read
DUE_PER_PASS = 30  # realistic due work: reminders and missed-check-in steps now due
PASSES = int(os.environ.get("BENCH_SWEEP_PASSES", "3"))
CHUNK = 10_000


def _add_patients(centre_id: int, first: int, count: int, at: dt.datetime) -> None:
    for lo in range(first, first + count, CHUNK):
        hi = min(lo + CHUNK, first + count)
        rows = [dict(centre_id=centre_id, code=f"P-SW{i:06d}", display_name="Sweep",
                     timezone="Europe/Berlin", infused_at=at - dt.timedelta(days=4),
                     enrolled_at=at - dt.timedelta(days=3), product="axi-cel", window_days=30,
                     baseline_ice=10, created_at=at) for i in range(lo, hi)]
        db.session.connection().execute(insert(Patient.__table__), rows)
        ids = db.session.execute(db.select(Patient.id).where(
            Patient.code >= f"P-SW{lo:06d}", Patient.code < f"P-SW{hi:06d}")).scalars().all()
        steps = []
        for pid in ids:
            for k in range(STEPS_PER_PATIENT):
                done = k % 2 == 0
                due = at - dt.timedelta(hours=6 * (k + 1)) if done \
                    else at + dt.timedelta(hours=6 * (k + 1))
                steps.append(dict(kind="reminder", due_at=due, slot_at=due, patient_id=pid,
                                  state="done" if done else "pending", created_at=at,
                                  done_at=due if done else None))
        db.session.connection().execute(insert(ScheduledStep.__table__), steps)
        db.session.commit()


def _add_due_work(at: dt.datetime, offset: int) -> None:
    ids = db.session.execute(db.select(Patient.id).order_by(Patient.id)
                             .offset(offset).limit(DUE_PER_PASS)).scalars().all()
    rows = [dict(kind="reminder" if i % 3 else "missed", patient_id=pid,
                 due_at=at - dt.timedelta(seconds=30 + i), slot_at=at - dt.timedelta(minutes=1),
                 state="pending", created_at=at) for i, pid in enumerate(ids)]
    db.session.connection().execute(insert(ScheduledStep.__table__), rows)
    db.session.commit()


@contextmanager
def _counting(seen: list[int]):
    """Count the SQL statements sent meanwhile (pool pings, BEGIN and COMMIT not included)."""
    def count(*_args):
        seen[0] += 1

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def run(url: str, work: Path) -> dict:
    """Grow the patient table and time a pass (median of PASSES) at each size."""
    app = bench_app(url, work / "instance")
    out: dict = {"due_rows_per_pass": DUE_PER_PASS, "goal": "< 200 ms at 100 000"}
    with app.app_context():
        centre = Centre(name="Sweep", phone_24h="+49 30 1", emergency_number="112",
                        timezone="Europe/Berlin")
        db.session.add(centre)
        db.session.commit()
        at = now()
        have = 0
        for size in SIZES:
            t0 = time.perf_counter()
            _add_patients(centre.id, have, size - have, at)
            have = size
            if db.engine.dialect.name == "postgresql":
                db.session.execute(db.text("ANALYZE"))
                db.session.commit()
            seed_s = time.perf_counter() - t0
            timings, handled, statements = [], 0, []
            for p in range(PASSES):
                _add_due_work(at, offset=p * DUE_PER_PASS + size // 2)
                seen = [0]
                start = time.perf_counter()
                with _counting(seen):
                    counts = run_due_work(at)
                timings.append((time.perf_counter() - start) * 1000)
                statements.append(seen[0])
                handled += sum(counts.values())
            start = time.perf_counter()
            run_due_work(at)  # nothing due: the pure cost of looking
            idle_ms = (time.perf_counter() - start) * 1000
            out[str(size)] = {"ms": round(statistics.median(timings), 1),
                              "idle_ms": round(idle_ms, 2),
                              "ms_per_due_row": round(statistics.median(timings) / DUE_PER_PASS,
                                                      2),
                              "handled_per_pass": handled // PASSES,
                              "statements_per_pass": statistics.median(statements),
                              "seed_s": round(seed_s, 1)}
        db.session.remove()
        db.engine.dispose()
    out["met"] = out[str(SIZES[-1])]["ms"] < 200
    return out


if __name__ == "__main__":  # pragma: no cover - ad hoc run: `python -m bench.sweep [--postgres]`
    import json
    import sys
    import tempfile

    from .databases import pg_admin_url, postgres_db, sqlite_db

    with tempfile.TemporaryDirectory() as tmp:
        if "--postgres" in sys.argv[1:]:
            admin = pg_admin_url()
            if admin is None:
                raise SystemExit("no PostgreSQL reachable (BENCH_DATABASE_URL)")
            manager = postgres_db(admin)
        else:
            manager = sqlite_db(Path(tmp))
        with manager as db_url:
            print(json.dumps(run(db_url, Path(tmp)), indent=1))
