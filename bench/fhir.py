"""Figures: FHIR reads over the quality bench's centre (500 patients x 30 days of check-ins).

The seed is bench/quality.py's (bulk-inserted; temperatures copied into the as-entered
columns the FHIR mapping reads). Timed through the Flask test client signed in as staff:
one patient's temperatures (median of five), the first page of a centre-wide vital-signs
search (median of three: searches map the centre's resources in memory, so this grows with
the centre), and a system-level export of Observation and Patient run by the job.
Run alone: `python -m bench.fhir [DATABASE_URL]`.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from server.extensions import db
from server.models import CheckIn, Patient

from . import quality


def _median_ms(fn, runs: int) -> float:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(out), 1)


def run(url: str, work: Path) -> dict:
    """Seed, then time the three reads."""
    work.mkdir(parents=True, exist_ok=True)
    app = quality._app(url, work)
    email, secret, count = quality.seed(app)
    with app.app_context():
        db.session.execute(db.update(CheckIn).values(temperature_value=CheckIn.temperature_c,
                                                     temperature_unit="C"))
        db.session.commit()
        patient_id = db.session.scalars(db.select(Patient.id).limit(1)).one()
    client = quality._signed_in(app, email, secret)

    def one_patient():
        r = client.get("/fhir/R4/Observation", query_string={"patient": patient_id,
                                                             "code": "8310-5"})
        assert r.status_code == 200 and r.json["entry"]

    def centre_page():
        r = client.get("/fhir/R4/Observation", query_string={"category": "vital-signs"})
        assert r.status_code == 200

    patient_ms = _median_ms(one_patient, 5)
    centre_ms = _median_ms(centre_page, 3)
    from server.fhir import bulk

    r = client.get("/fhir/R4/$export", query_string={"_type": "Patient,Observation"},
                   headers={"Prefer": "respond-async"})
    assert r.status_code == 202
    with app.app_context():
        t0 = time.perf_counter()
        bulk.run_pending()
        export_ms = round((time.perf_counter() - t0) * 1000, 1)
    manifest = client.get(r.headers["Content-Location"].removeprefix("http://127.0.0.1:5000"))
    exported = {o["type"]: o["count"] for o in manifest.json["output"]}
    with app.app_context():
        db.engine.dispose()
    return {"patients": quality.PATIENTS, "checkins": count, "one_patient_ms": patient_ms,
            "centre_page_ms": centre_ms, "export_ms": export_ms, "exported": exported}


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        db_url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{tmp}/fhir.sqlite3"
        print(run(db_url, Path(tmp)))
