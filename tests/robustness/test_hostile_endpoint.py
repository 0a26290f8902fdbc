"""Black box: a phone with hostile push endpoints cannot silence the nurse nor steer the server.

gunicorn (2 workers) and `flask worker` as separate processes; the loopback push service is
the staff browser's push service. The phone tries to register an endpoint on a local
listener (refused) and, as a row stored before the endpoint rule, has several hostile
endpoints plus a reminder due first. After the alarm the staff alert arrives and nothing
ever connects to the listener.
"""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from loopback_push import LOOPBACK_APP, ConnectionCounter
from push_fixtures import intent_state, make_intent, push_app, subscribe_staff

from bench.http import call
from bench.procs import ROOT, Gunicorn
from server.extensions import db
from server.models import Device, PushSubscription

pytestmark = [pytest.mark.slow, push_app]
ALARM = {"temperature": {"value": 39.6, "unit": "C"},
         "vitals": {"systolic_bp": 82, "spo2": 88, "heart_rate": 134}}
HOSTILE = ("https://127.0.0.1:{port}/latest/meta-data/", "HTTPS://127.0.0.1:{port}/upper",
           "https://localhost:{port}/a", "https://0x7f000001:{port}/a",
           "https://2130706433:{port}/a", "https://[::1]:{port}/x",
           "https://user:pw@127.0.0.1:{port}/x")


def _wait(condition, seconds: float = 45) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_hostile_phone_cannot_stop_the_alarm_nor_make_the_server_connect(
        app, service, clock, make_staff, make_patient, enrol, database_url, tmp_path):
    clock.set(dt.datetime.now(dt.UTC))  # the processes run on the real clock
    nurse = make_staff(handle="on-call")
    nurse.on_duty = True
    desk = subscribe_staff(service, nurse)
    patient = make_patient()
    headers = enrol(patient)
    device = db.session.execute(db.select(Device).where(Device.patient_id == patient.id)
                                ).scalar_one()
    pem = (Path(app.instance_path) / "vapid_private.pem").read_text()
    env = {"DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "LOG_LEVEL": "WARNING",
           "CARTWATCH_ENV": "development", "NOTIFICATIONS_VAPID_PRIVATE_KEY": pem,
           "WORKER_INTERVAL_SECONDS": "1"}
    worker_log = tmp_path / "worker.log"
    with ConnectionCounter() as hostile, worker_log.open("w") as log:
        server = Gunicorn(env, app=LOOPBACK_APP, workers=2, log_dir=tmp_path).start()
        worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", LOOPBACK_APP,
                                   "worker"], cwd=ROOT, env={**os.environ, **env},
                                  stdout=log, stderr=subprocess.STDOUT)
        try:
            endpoints = [t.format(port=hostile.port) for t in HOSTILE]
            status, body, _ = call("POST", server.url + "/api/v1/push/subscriptions",
                                   {"endpoint": endpoints[0], "keys": {
                                       "p256dh": desk.p256dh, "auth": desk.auth}},
                                   headers=headers)
            assert status == 422 and "endpoint" in body["error"]["fields"], (status, body)
            for endpoint in endpoints:  # rows stored before the endpoint rule existed
                db.session.add(PushSubscription(device_id=device.id, endpoint=endpoint,
                                                p256dh=desk.p256dh, auth=desk.auth))
            db.session.commit()
            reminder = make_intent("patient", patient.id)  # due first, before the alarm

            status, body, _ = call("POST", server.url + "/api/v1/checkins", ALARM,
                                   headers={**headers, "Idempotency-Key": str(uuid.uuid4())})
            assert status == 201 and body["escalation"], (status, body)
            escalation_id = body["escalation"]["id"]

            def alerted() -> bool:
                return any(d.payload.get("kind") == "escalation"
                           and d.payload.get("escalation_id") == escalation_id
                           for d in service.for_endpoint(desk.endpoint))

            assert _wait(alerted), "the staff alert reached the nurse's push service"
            assert _wait(lambda: intent_state(reminder.id).state == "failed"), \
                intent_state(reminder.id).state
        finally:
            worker.terminate()
            worker.wait(10)
            server.stop()
    assert hostile.connections == 0, "the server connected to the phone's chosen address"
    desk_id = desk.endpoint.rsplit("/", 1)[1]
    assert {sub_id for sub_id, _ in service.requests} == {desk_id}
    db.session.expire_all()
    reasons = db.session.execute(db.select(PushSubscription.deactivated_reason).where(
        PushSubscription.device_id == device.id)).scalars().all()
    assert reasons == ["endpoint_refused"] * len(HOSTILE)
    logs = worker_log.read_text() + server.error_log.read_text()
    assert "Traceback" not in logs, logs[-3000:]
