"""Two `flask worker` processes dispatch 1 000 notifications (PostgreSQL) exactly once.

On SQLite (no TEST_DATABASE_URL) the same test runs with 200, to prove its claim too."""
from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
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
    workers = [start_worker(database_url, tmp_path / f"w{i}", pem) for i in range(2)]
    try:
        time.sleep(3)  # both processes up and ticking (idle)
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
        outputs = []
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            out, err = worker.communicate(timeout=30)
            outputs.append((out, err))
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
