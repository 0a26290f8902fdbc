"""The worker: every WORKER_INTERVAL_SECONDS, run due clinical work and dispatch the outbox.

At start and every AUDIT_CHECKPOINT_MINUTES it also writes a signed audit checkpoint outside
the database (so the first one after an upgrade fixes where the unkeyed rows end).

`flask worker` runs it in the foreground (production: one or more beside gunicorn; leases
keep them from sending a row twice). `flask run-dev` starts it in the dev server's process
through the `cartwatch.dev_starters` hook. Nothing starts on import or under tests.
"""
from __future__ import annotations

import json
import logging
import signal
from collections import Counter

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app

from . import transaction
from .audit import checkpoints as audit_checkpoints
from .clinical.jobs import run_due_work
from .clock import now
from .extensions import db
from .fhir import bulk as fhir_bulk
from .outbox import passes
from .services import rota_notices

log = logging.getLogger(__name__)


def run_once(app: Flask) -> dict:
    """One tick: due reminders, missed slots, ladder steps, rota notices, then the outbox."""
    with app.app_context():
        try:
            due = run_due_work(now())
        except Exception:
            db.session.rollback()
            log.exception("due work pass failed")
            due = {"failed_pass": 1}
        try:
            with transaction.job():
                due.update(rota_notices.run(now()))  # handoff notices, coverage warnings
        except Exception:
            log.exception("rota notices pass failed")
        try:
            sent = passes.run_pass()
        except Exception:
            db.session.rollback()
            log.exception("dispatch pass failed")
            sent = {"failed_pass": 1}
        finally:
            db.session.remove()
    if due or sent:
        log.info("worker tick: due=%s dispatch=%s", due, sent)
    return {"due": due, "dispatch": sent}


def exports_once(app: Flask) -> int:
    """Run queued FHIR bulk exports: their own job, so a long export never delays an alert."""
    with app.app_context():
        try:
            return fhir_bulk.run_pending()
        except Exception:
            db.session.rollback()
            log.exception("FHIR export pass failed")
            return 0
        finally:
            db.session.remove()


def checkpoint_once(app: Flask) -> dict | None:
    """Write a signed audit checkpoint; a refusal means the table lost the last one: CRITICAL."""
    with app.app_context():
        try:
            with db.engine.connect() as conn:
                return audit_checkpoints.write(app, conn)
        except audit_checkpoints.CheckpointRefused as refused:
            log.critical("audit checkpoint refused: %s", refused)
        except Exception:
            log.exception("audit checkpoint failed")
        finally:
            db.session.remove()
    return None


def _schedule(scheduler, tick, app: Flask) -> None:
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)  # per tick
    scheduler.add_job(tick, "interval", seconds=_interval(app), id="cartwatch-tick",
                      max_instances=1, coalesce=True)
    scheduler.add_job(tick, id="cartwatch-first-tick")  # at once, not after one interval
    scheduler.add_job(checkpoint_once, "interval", args=[app], id="cartwatch-audit-checkpoint",
                      minutes=int(app.config.get("AUDIT_CHECKPOINT_MINUTES", 60)),
                      max_instances=1, coalesce=True)
    scheduler.add_job(checkpoint_once, args=[app], id="cartwatch-first-checkpoint")
    # a separate job (the scheduler's thread pool runs it beside the tick): an export of a
    # whole centre takes a minute, the alert tick must not wait for it
    scheduler.add_job(exports_once, "interval", args=[app], id="cartwatch-fhir-exports",
                      seconds=_interval(app), max_instances=1, coalesce=True)


def _interval(app: Flask) -> float:
    return float(app.config.get("WORKER_INTERVAL_SECONDS", 5))


def start_background(app: Flask) -> BackgroundScheduler:
    """Run the worker in this process (the development server)."""
    scheduler = BackgroundScheduler(timezone="UTC")
    _schedule(scheduler, lambda: run_once(app), app)
    scheduler.start()
    app.extensions["cartwatch.worker"] = scheduler
    log.info("background worker started (every %ss)", app.config["WORKER_INTERVAL_SECONDS"])
    return scheduler


def run_until_idle(app: Flask, max_ticks: int = 10_000) -> int:
    """Tick back to back until a tick finds nothing to do; return the number of ticks."""
    for tick in range(1, max_ticks + 1):
        result = run_once(app)
        if not any(v for k, v in result["dispatch"].items() if k != "reaped") \
                and not result["due"]:
            return tick
    return max_ticks


def _exit_on_signal(*_) -> None:
    """Leave the scheduler's loop; shutting it down inside the handler races its job lookup."""
    raise SystemExit(0)


@click.command("worker")
@click.option("--until-idle", is_flag=True, help="Work until nothing is due, then exit.")
def worker_command(until_idle: bool) -> None:
    """Run the scheduler clock: due work and outbox dispatch every WORKER_INTERVAL_SECONDS."""
    app = current_app._get_current_object()
    if until_idle:
        ticks = run_until_idle(app)
        click.echo(f"idle after {ticks} ticks")
        return
    totals: Counter = Counter()

    def tick() -> None:
        totals.update(run_once(app)["dispatch"])

    scheduler = BlockingScheduler(timezone="UTC")
    _schedule(scheduler, tick, app)
    signal.signal(signal.SIGTERM, _exit_on_signal)
    click.echo(f"worker running every {app.config['WORKER_INTERVAL_SECONDS']} s", err=True)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if scheduler.running:  # let a tick in flight finish its commits
            scheduler.shutdown(wait=True)
    click.echo("worker stopped; dispatched " + json.dumps(dict(totals), sort_keys=True))


def init_app(app: Flask) -> None:
    """Register `flask worker` and the dev starter used by `flask run-dev`."""
    app.cli.add_command(worker_command)
    app.extensions.setdefault("cartwatch.dev_starters", []).append(start_background)
