"""50 concurrent identical check-in POSTs through a real threaded server store one row.

Twins queue on the patient's lock (PostgreSQL) or the write lock (SQLite); all but the
first then fail the unique-key insert and replay the first answer, so every client gets it.
"""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

from werkzeug.serving import make_server

from server.extensions import db
from server.models import CheckIn


def test_fifty_concurrent_twins_store_exactly_one_row(app, make_patient, enrol):
    headers = enrol(make_patient())
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/api/v1/checkins"
    key = str(uuid.uuid4())
    body = json.dumps({"temperature": {"value": 38.3, "unit": "C"}}).encode()
    barrier = threading.Barrier(50)

    def post(_):
        request = urllib.request.Request(url, data=body, method="POST", headers={
            **headers, "Idempotency-Key": key, "Content-Type": "application/json"})
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    try:
        with ThreadPoolExecutor(50) as pool:
            answers = list(pool.map(post, range(50)))
    finally:
        server.shutdown()
    rows = db.session.execute(
        db.select(CheckIn).where(CheckIn.idempotency_key == key)).scalars().all()
    assert len(rows) == 1
    statuses = [status for status, _ in answers]
    assert statuses == [201] * 50
    assert all(b == answers[0][1] for _, b in answers) and answers[0][1]["id"] == rows[0].id
