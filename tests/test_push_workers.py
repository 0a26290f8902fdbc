"""Two `flask worker` processes dispatch 1 000 notifications (PostgreSQL) exactly once.

On SQLite (no TEST_DATABASE_URL) the same test runs with 200, to prove its claim too."""
from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from push_fixtures import push_app, subscribe_staff

from server.extensions import db
from server.models import DeliveryAttempt, NotificationIntent, Staff

pytestmark = push_app

ROOT = Path(__file__).resolve().parent.parent
NOTIFICATIONS = 1000
STAFF = 50


def start_worker(database_url: str, instance: Path, pem: str) -> subprocess.Popen:
    """A real `flask worker` process (the production command) on the test database."""
    config = {"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_PATH": str(instance),
              "SECRET_KEY": "test-secret", "WORKER_INTERVAL_SECONDS": 0.2,
              # a timeout after the service accepted would resend (HTTP is at least once):
              # generous, so a loaded machine tests the leases, not the network
              "NOTIFICATIONS_TIMEOUT_SECONDS": 60, "NOTIFICATIONS_VAPID_PRIVATE_KEY": pem,
              "NOTIFICATIONS_ALLOW_HTTP_LOOPBACK": True}  # the loopback push service
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", f"server:create_app({config!r})", "worker"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


class Output:
    """Drain a worker's stdout and stderr on threads, so the test can wait for a line."""

    def __init__(self, worker: subprocess.Popen):
        self.worker, self.out, self.err = worker, [], []
        self.running = threading.Event()
        self.threads = [threading.Thread(target=self._drain, args=(pipe, lines), daemon=True)
                        for pipe, lines in ((worker.stdout, self.out), (worker.stderr, self.err))]
        for thread in self.threads:
            thread.start()

    def _drain(self, pipe, lines: list) -> None:
        for line in pipe:
            lines.append(line)
            if line.startswith("worker running every"):
                self.running.set()

    def stop(self) -> tuple[str, str]:
        self.worker.send_signal(signal.SIGTERM)
        self.worker.wait(timeout=30)
        for thread in self.threads:
            thread.join(timeout=10)
        return "".join(self.out), "".join(self.err)


def test_two_workers_deliver_each_notification_exactly_once(app, service, database_url,
                                                            tmp_path):
    # PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one guarded UPDATE under the write lock
    count = NOTIFICATIONS if database_url.startswith("postgresql") else NOTIFICATIONS // 5
    staff = []
    for n in range(STAFF):
        member = Staff(centre_id=None, handle=f"w{n}", name=f"W{n}", email=f"w{n}@example.org",
                       role="nurse", tier=1)
        staff.append(member)
    from server.models import Centre

    centre = Centre(name="C", phone_24h="1", emergency_number="112", timezone="UTC")
    db.session.add(centre)
    db.session.flush()
    for member in staff:
        member.centre_id = centre.id
    db.session.add_all(staff)
    db.session.commit()
    subs = {member.id: subscribe_staff(service, member) for member in staff}
    pem = (Path(app.instance_path) / "vapid_private.pem").read_text()
    workers = [Output(start_worker(database_url, tmp_path / f"w{i}", pem)) for i in range(2)]
    try:
        # both processes up and ticking (idle) before any row is due: on a loaded machine a
        # fixed sleep let one worker start late and find the other had sent everything
        for worker in workers:
            assert worker.running.wait(timeout=90), (worker.out, worker.err)
        time.sleep(0.5)  # the first idle ticks have run
        at = dt.datetime.now(dt.UTC)  # the workers run on the real clock
        db.session.add_all([NotificationIntent(
            dedupe_key=f"load:{i}", recipient_kind="staff", recipient_id=staff[i % STAFF].id,
            purpose="test", urgency="normal", created_at=at, next_attempt_at=at,
            state="pending", attempts=0,
            payload={"web_push": 8030, "notification": {"title": "Load", "body": "Test",
                                                        "navigate": "/staff/", "tag": f"t{i}"},
                     "kind": "test"}) for i in range(count)])
        db.session.commit()
        started = time.perf_counter()
        deadline = started + 120
        while len(service.deliveries) < count and time.perf_counter() < deadline:
            time.sleep(0.05)
        elapsed = service.deliveries[-1].at - started
        time.sleep(1)  # a duplicate would arrive now
    finally:
        outputs = [worker.stop() for worker in workers]
    per_intent = Counter((d.sub_id, d.payload["data"]["intent_id"]) for d in service.deliveries)
    db.session.expire_all()
    attempts = Counter(db.session.execute(db.select(DeliveryAttempt.outcome)).scalars())
    assert len(per_intent) == count, (outputs, attempts)
    assert set(per_intent.values()) == {1}, ("a notification was delivered twice", attempts,
                                             outputs)
    states = Counter(db.session.execute(db.select(NotificationIntent.state)).scalars())
    assert states == {"sent": count}
    assert db.session.execute(db.select(db.func.count(DeliveryAttempt.id))).scalar() == count
    shares = []
    for out, err in outputs:
        line = [x for x in out.splitlines() if x.startswith("worker stopped; dispatched ")]
        assert line, (out, err)
        shares.append(json.loads(line[0].split("dispatched ", 1)[1]).get("sent", 0))
    assert sum(shares) == count and all(shares), shares
    assert all(len(service.for_endpoint(s.endpoint)) == count // STAFF
               for s in subs.values())
    print(f"\n2 workers on {database_url.split(':')[0]}, {count} notifications through the "
          f"loopback service in {elapsed:.2f} s = {count / elapsed:.0f}/s (shares {shares})")
