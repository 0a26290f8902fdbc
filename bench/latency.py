"""Figure 2: alert latency, POST of an alarming check-in to the decrypted push, at 50/s."""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from tests.loopback_push import LOOPBACK_APP, LoopbackPushService

from .http import call
from .load import paced
from .procs import ROOT, gunicorn
from .seed import bench_app, seed
from .throughput import THREADS

RATE = 50.0
SECONDS = 60  # 150 alarms: p99 is not simply the slowest one
ALARM_EVERY = 20  # 5 %
NORMAL = {"temperature": {"value": 36.9, "unit": "C"}}
ALARM = {"temperature": {"value": 39.2, "unit": "C"}, "vitals": {"heart_rate": 128}}


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def run(url: str, work: Path) -> dict:
    """Paced load through gunicorn (2 workers) with `flask worker` beside it."""
    count = int(RATE * SECONDS)
    alarms = count // ALARM_EVERY
    with LoopbackPushService() as push:
        app = bench_app(url, work / "instance")
        tokens = seed(app, alarms + 50, subscriptions=[push.subscribe()])
        env = {"DATABASE_URL": url, "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING",
               "CARTWATCH_ENV": "development", "FLASK_APP": LOOPBACK_APP}
        worker = subprocess.Popen([sys.executable, "-m", "flask", "worker"], cwd=ROOT,
                                  env={**env, "PATH": str(Path(sys.executable).parent)},
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        sent_at: dict[int, float] = {}
        answered_at: dict[int, float] = {}
        errors: list = []
        lock = threading.Lock()
        try:
            with gunicorn(env, app=LOOPBACK_APP, workers=2, threads=THREADS,
                          log_dir=work) as server:
                def send(i: int) -> None:
                    alarming = i % ALARM_EVERY == 0
                    token = tokens[i // ALARM_EVERY] if alarming else \
                        tokens[alarms + i % 50]
                    t0 = time.perf_counter()
                    status, body, _ = call(
                        "POST", server.url + "/api/v1/checkins", ALARM if alarming else NORMAL,
                        headers={"Authorization": f"Bearer {token}",
                                 "Idempotency-Key": str(uuid.uuid4())})
                    if status != 201:
                        errors.append(status)
                    elif alarming and body.get("escalation"):
                        with lock:
                            sent_at[body["escalation"]["id"]] = t0
                            answered_at[body["escalation"]["id"]] = time.perf_counter()

                elapsed = paced(send, RATE, count)
                deadline = time.perf_counter() + 15
                while time.perf_counter() < deadline and len(_first(push)) < len(sent_at):
                    time.sleep(0.1)
        finally:
            worker.terminate()
            worker.wait(10)
        arrived = _first(push)
    latencies = [(arrived[e] - t0) * 1000 for e, t0 in sent_at.items() if e in arrived]
    result = {"rate_per_s": round(count / elapsed, 1), "checkins": count, "alarming": alarms,
              "escalations": len(sent_at), "delivered": len(latencies),
              "http_errors": len(errors), "goal": "p99 < 250 ms"}
    if latencies:
        result.update({f"p{q}_ms": round(percentile(latencies, q), 1) for q in (50, 95, 99)})
        result["mean_ms"] = round(statistics.fmean(latencies), 1)
        answers = [(answered_at[e] - t0) * 1000 for e, t0 in sent_at.items()]
        result["answer_p50_p99_ms"] = [round(percentile(answers, q), 1) for q in (50, 99)]
        result["met"] = result["p99_ms"] < 250 and len(latencies) == len(sent_at)
    else:
        result["met"] = False
    return result


def _first(push: LoopbackPushService) -> dict[int, float]:
    """Arrival time of the first staff notice per escalation."""
    first: dict[int, float] = {}
    for delivery in list(push.deliveries):
        esc = delivery.payload.get("escalation_id")
        if esc is not None and delivery.payload.get("kind") == "escalation":
            first[esc] = min(first.get(esc, delivery.at), delivery.at)
    return first


if __name__ == "__main__":  # pragma: no cover - ad hoc run
    import tempfile

    from .databases import sqlite_db

    with tempfile.TemporaryDirectory() as tmp, sqlite_db(Path(tmp)) as db_url:
        print(json.dumps(run(db_url, Path(tmp)), indent=1))
