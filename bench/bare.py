"""The reference: a bare Flask + SQLAlchemy endpoint inserting the same check-in row.

No authentication, validation, rules, audit or idempotency check: only JSON in, one INSERT
with the same columns on the same engine settings (durable commit), JSON out.
`gunicorn bench.bare:app` with DATABASE_URL set.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os

from flask import Flask, request
from sqlalchemy import create_engine

from server import db_types
from server.config import engine_options, normalise_db_url
from server.models import CheckIn

URL = normalise_db_url(os.environ["DATABASE_URL"])
engine = create_engine(URL, **engine_options(URL))
db_types.install(engine)  # the same SQLite pragmas and BEGIN IMMEDIATE as the app
table = CheckIn.__table__
app = Flask(__name__)


@app.post("/bare/checkins")
def create():
    """Insert one check-in row as posted; answer its id."""
    body = request.get_json()
    received = dt.datetime.now(dt.UTC)
    temperature = body.get("temperature") or {}
    row = {
        "patient_id": int(request.headers.get("X-Patient", "1")), "device_id": None,
        "recorded_by": "patient", "observed_at": received, "received_at": received,
        "temperature_c": temperature.get("value"), "temperature_value": temperature.get("value"),
        "temperature_unit": temperature.get("unit"), "symptoms": body.get("symptoms") or [],
        "idempotency_key": request.headers["Idempotency-Key"],
        "request_hash": hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest(),
        "response": body,
    }
    with engine.begin() as conn:
        new_id = conn.execute(table.insert().values(**row).returning(table.c.id)).scalar_one()
    return {"id": new_id}, 201
