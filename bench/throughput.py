"""Figure 1: check-in throughput of the real endpoint vs a bare Flask + SQLAlchemy insert."""
from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

from .load import closed_loop
from .procs import gunicorn
from .seed import bench_app, seed

PATIENTS = 40
CLIENTS = 12
SECONDS = 8.0
THREADS = int(os.environ.get("BENCH_GUNICORN_THREADS", "1"))  # 1: the sync workers of the README
BODY = json.dumps({"temperature": {"value": 37.1, "unit": "C"}, "symptoms": []}).encode()


def _env(url: str) -> dict:
    return {"DATABASE_URL": url, "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING",
            "CARTWATCH_ENV": "development", "NOTIFICATIONS_IMMEDIATE": "0"}


def run(url: str, work: Path) -> dict:
    """Both endpoints on one database with the same load; the ratio is the figure."""
    app = bench_app(url, work / "instance")
    tokens = seed(app, PATIENTS)

    def real(i: int):
        return ("/api/v1/checkins", BODY, {
            "Authorization": f"Bearer {tokens[i % len(tokens)]}",
            "Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())})

    def bare(i: int):
        return ("/bare/checkins", BODY, {
            "X-Patient": str(1 + i % len(tokens)), "Content-Type": "application/json",
            "Idempotency-Key": str(uuid.uuid4())})

    results = {}
    for name, app_path, make in (("cartwatch", "wsgi:app", real), ("bare", "bench.bare:app", bare)):
        with gunicorn(_env(url), app=app_path, workers=2, threads=THREADS, log_dir=work) as server:
            results[name] = closed_loop(server.url, make, CLIENTS, SECONDS)
    ratio = results["cartwatch"]["per_second"] / max(results["bare"]["per_second"], 0.1)
    return {**results, "ratio": round(ratio, 3), "goal": ">= 0.60", "met": ratio >= 0.6}
