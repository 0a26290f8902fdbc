"""Crash safety: SIGKILL the web server mid-burst and the worker mid-dispatch; lose nothing."""
from __future__ import annotations

import datetime as dt
import http.client
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from loopback_push import LOOPBACK_APP
from push_fixtures import make_intent, push_app, subscribe_staff

from bench.http import call
from bench.procs import ROOT, Gunicorn
from server.extensions import db
from server.models import CheckIn, DeliveryAttempt, NotificationIntent
from server.outbox import passes

pytestmark = [pytest.mark.slow, push_app]
BODY = {"temperature": {"value": 37.2, "unit": "C"}}


def test_killing_the_web_server_mid_burst_stores_one_row_per_key(app, make_patient, enrol,
                                                                 database_url, tmp_path):
    devices = [enrol(make_patient()) for _ in range(4)]
    server = Gunicorn({"DATABASE_URL": database_url, "SECRET_KEY": "crash",
                       "LOG_LEVEL": "WARNING", "CARTWATCH_ENV": "development"},
                      workers=2, threads=2, log_dir=tmp_path).start()
    keys = [str(uuid.uuid4()) for _ in range(120)]
    answers: dict[str, dict] = {}
    stop = threading.Event()

    def post_until_acknowledged(i: int) -> None:
        key, headers = keys[i], devices[i % len(devices)]
        for _attempt in range(200):  # the client retries with the same key until a 201
            try:
                status, body, _ = call("POST", server.url + "/api/v1/checkins", BODY,
                                       headers={**headers, "Idempotency-Key": key}, timeout=10)
            except (OSError, http.client.HTTPException):  # reset or cut off mid-answer
                status, body = None, None
            if status == 201:
                answers[key] = body
                return
            assert status in (None, 409, 503), (status, body)
            time.sleep(0.05)

    def crash_twice() -> None:
        for _ in range(2):
            time.sleep(0.6)
            server.kill()  # SIGKILL master and workers: requests die half-done
            time.sleep(0.2)
            server.start()
        stop.set()

    killer = threading.Thread(target=crash_twice)
    try:
        killer.start()
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(post_until_acknowledged, range(len(keys))))
        killer.join()
    finally:
        server.stop()
    assert stop.is_set()
    assert set(answers) == set(keys), "every request is acknowledged in the end"
    rows = db.session.execute(db.select(CheckIn.idempotency_key, CheckIn.id)).all()
    per_key = Counter(key for key, _ in rows)
    assert set(per_key) == set(keys) and set(per_key.values()) == {1}
    assert {key: row_id for key, row_id in rows} == {k: b["id"] for k, b in answers.items()}


def test_killing_the_worker_mid_dispatch_loses_no_notification(app, service, make_staff,
                                                              database_url, tmp_path, clock):
    clock.current = dt.datetime.now(dt.UTC).replace(microsecond=0)
    nurse = make_staff(handle="crash-nurse")
    subscribe_staff(service, nurse)
    intents = [make_intent("staff", nurse.id, purpose="test").id for _ in range(150)]
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "crash",
           "FLASK_APP": LOOPBACK_APP, "WORKER_INTERVAL_SECONDS": "1", "LOG_LEVEL": "WARNING"}
    env.pop("NOTIFICATIONS_SEND_THREADS", None)  # the default: one push in flight
    worker = subprocess.Popen([sys.executable, "-m", "flask", "worker"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while len(service.deliveries) < 10 and time.monotonic() < deadline:
            time.sleep(0.005)
        os.killpg(worker.pid, signal.SIGKILL)  # mid-dispatch: no chance to clean up
    finally:
        worker.wait(10)
    before_crash = len(service.deliveries)
    assert 10 <= before_crash < len(intents), "the kill must land in the middle of the work"
    db.session.expire_all()
    leased = db.session.execute(db.select(db.func.count(NotificationIntent.id))
                                .where(NotificationIntent.state == "leased")).scalar()
    outcomes = Counter(db.session.execute(db.select(DeliveryAttempt.outcome)).scalars())
    recorded = sum(outcomes.values())  # an answer is recorded whatever it was
    assert leased, "the kill must land in the middle of a batch"
    assert before_crash - recorded <= 1, ("only the send in flight went unrecorded",
                                          before_crash, outcomes)

    # The worker ran on the real clock, maybe long after this test began on a loaded
    # machine: move past its leases measured from now, not from the test's start.
    clock.set(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=3))
    for _ in range(20):
        if not passes.run_pass():
            break
    db.session.expire_all()
    states = Counter(db.session.execute(db.select(NotificationIntent.state)).scalars())
    assert states == {"sent": len(intents)}
    delivered = Counter(d.payload["data"]["intent_id"] for d in service.deliveries)
    assert set(delivered) == set(intents), "every notification delivered"
    duplicates = [i for i, n in delivered.items() if n > 1]
    # At most one duplicate per crash: each answer is committed before the next send, so
    # only the send in flight when the worker died (if any) went out twice.
    assert len(duplicates) <= 1, duplicates
    assert all(delivered[i] == 2 for i in duplicates), "one crash, one repeat at most"
    for intent_id in duplicates:  # collapsed on the phone by the Topic header
        topics = {d.topic for d in service.deliveries
                  if d.payload["data"]["intent_id"] == intent_id}
        assert len(topics) == 1 and None not in topics
