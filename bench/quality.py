"""Figure: the centre quality page answering for 500 patients x 30 days of check-ins.

The seed is bulk-inserted (its speed is not the figure): one centre, 500 patients infused
and enrolled 30 days ago, a check-in at about 90 % of their due slots (3 a day to day 14,
2 a day after), one in 20 of them behind an escalation with a finding, most acknowledged
and resolved. The figure is the median of five GETs of the page's figures for the whole
30 days through the Flask test client signed in as an admin (the HTTP server adds the
same small constant to every endpoint); one what-if replay of the same period is timed
beside it for information (the goal is the page).
"""
from __future__ import annotations

import datetime as dt
import random
import statistics
import time
import uuid
from pathlib import Path

import pyotp

from server import create_app
from server.auth.passwords import hash_password
from server.clinical import schedule
from server.extensions import db
from server.models import (
    Centre,
    CheckIn,
    Escalation,
    EscalationEvent,
    Finding,
    Patient,
    Staff,
)

PATIENTS = 500
DAYS = 30
GOAL_MS = 1000
PASSWORD = "bench quality password 42"
RUNS = 5


def _app(url: str, work: Path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "INSTANCE_PATH": str(work / "instance"), "LOG_LEVEL": "WARNING",
                      "SESSION_COOKIE_SECURE": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
    return app


def _slots(infused: dt.datetime, now: dt.datetime):
    for day in range(DAYS + 1):
        hours = (7, 13, 19) if day <= 14 else (7, 19)  # 08/14/20 h Berlin in winter, in UTC
        for hour in hours:
            slot = (infused + dt.timedelta(days=day)).replace(hour=hour, minute=0)
            if slot < now:
                yield slot


def seed(app) -> tuple[str, str, int]:
    """The centre and its data; returns the admin's email, TOTP secret and check-in count."""
    rng = random.Random(16)
    now = dt.datetime.now(dt.UTC)
    infused = (now - dt.timedelta(days=DAYS)).replace(hour=0, minute=0, second=0, microsecond=0)
    with app.app_context():
        centre = Centre(name="Bench Quality", phone_24h="+49 30 111", emergency_number="112",
                        timezone="Europe/Berlin")
        db.session.add(centre)
        db.session.flush()
        secret = pyotp.random_base32()
        admin = Staff(centre_id=centre.id, handle="bench-admin", name="Bench Admin",
                      email="bench-admin@example.org", role="admin", tier=1,
                      password_hash=hash_password(PASSWORD), totp_secret=secret,
                      totp_enrolled_at=now)
        db.session.add(admin)
        db.session.flush()
        patients = [Patient(centre_id=centre.id, code=f"P-Q{i:05d}", display_name="Bench",
                            timezone="Europe/Berlin", infused_at=infused, enrolled_at=infused,
                            product="axi-cel", window_days=DAYS, baseline_ice=10,
                            city="Berlin", place_of_care="Bench")
                    for i in range(PATIENTS)]
        db.session.add_all(patients)
        for patient in patients:
            schedule.replan(patient)
        db.session.flush()
        checkins = []
        for patient in patients:
            for slot in _slots(infused, now):
                if rng.random() < 0.9:
                    at = slot + dt.timedelta(minutes=rng.randint(-30, 90))
                    fever = rng.random() < 0.05
                    checkins.append({
                        "patient_id": patient.id, "recorded_by": "patient",
                        "observed_at": at, "received_at": at,
                        "temperature_c": 38.4 if fever else round(rng.uniform(36.2, 37.9), 1),
                        "heart_rate": rng.randint(60, 110), "spo2": rng.randint(94, 99),
                        "symptoms": [], "idempotency_key": uuid.uuid4().hex,
                        "request_hash": "bench"})
        db.session.execute(db.insert(CheckIn), checkins)
        rows = db.session.execute(db.select(CheckIn.id, CheckIn.patient_id, CheckIn.observed_at)
                                  .where(CheckIn.temperature_c >= 38.0)).all()
        escalations = [{"patient_id": p, "state": "resolved", "severity": "urgent",
                        "syndromes": ["CRS"], "reasons": ["fever"], "opened_at": at,
                        "observed_at": at, "ladder_epoch": 0, "ladder_level": 1,
                        "resolved_at": at + dt.timedelta(minutes=rng.randint(20, 600)),
                        "outcome": "advice_at_home", "resolved_by_id": admin.id}
                       for _id, p, at in rows]
        db.session.execute(db.insert(Escalation), escalations)
        opened = db.session.execute(db.select(Escalation.id, Escalation.patient_id,
                                              Escalation.opened_at)
                                    .order_by(Escalation.id)).all()
        db.session.execute(db.insert(Finding), [
            {"escalation_id": e, "patient_id": p, "checkin_id": c, "rule_id": "R-FEVER",
             "reason": "fever", "severity": "urgent", "syndrome": "CRS", "observed_at": at,
             "created_at": at} for (e, p, at), (c, _p, _at) in zip(opened, rows, strict=True)])
        db.session.execute(db.insert(EscalationEvent), [
            {"escalation_id": e, "at": at + dt.timedelta(minutes=rng.randint(2, 60)),
             "kind": "acknowledged", "severity": "urgent", "syndromes": ["CRS"],
             "reasons": ["fever"], "staff_id": admin.id} for e, _p, at in opened])
        db.session.commit()
        email = admin.email
        db.session.remove()
    return email, secret, len(checkins)


def _signed_in(app, email: str, secret: str):
    client = app.test_client()
    r = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.json
    r = client.post("/api/v1/auth/totp", json={"code": pyotp.TOTP(secret).now()})
    assert r.status_code == 200, r.json
    client.environ_base["HTTP_X_CSRF_TOKEN"] = r.json["csrf_token"]
    return client


def run(url: str, work: Path) -> dict:
    """Seed, then time the page's figures (median of five) and one what-if."""
    work.mkdir(parents=True, exist_ok=True)
    app = _app(url, work)
    email, secret, count = seed(app)
    client = _signed_in(app, email, secret)
    timings = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        r = client.get("/api/v1/staff/quality")
        timings.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, r.json
    figures = r.json
    t0 = time.perf_counter()
    w = client.post("/api/v1/staff/quality/whatif", json={"overrides": {"fever_c": 37.8}})
    whatif_ms = (time.perf_counter() - t0) * 1000
    assert w.status_code == 200, w.json
    with app.app_context():
        db.engine.dispose()
    median = statistics.median(timings)
    return {"patients": PATIENTS, "days": DAYS, "checkins": count,
            "escalations": figures["summary"]["escalations"],
            "slots_due": figures["slots_due"], "ms": round(median, 1),
            "runs_ms": [round(t, 1) for t in timings], "whatif_ms": round(whatif_ms, 1),
            "whatif_checkins": w.json["checkins_replayed"], "goal_ms": GOAL_MS,
            "met": median < GOAL_MS}
