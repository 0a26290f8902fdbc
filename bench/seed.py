"""Fill a bench database: a centre, on-duty staff, enrolled patients with device tokens."""
from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

from server import create_app
from server.auth.passwords import hash_password
from server.auth.tokens import hash_secret
from server.clinical import schedule
from server.clock import now
from server.extensions import db
from server.models import Centre, Device, Patient, PushSubscription, Staff


def bench_app(url: str, instance: Path):
    """An app bound to the bench database (tables created once)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "INSTANCE_PATH": str(instance), "LOG_LEVEL": "WARNING"})
    with app.app_context():
        db.create_all()
    return app


def seed(app, patients: int, subscriptions: list[dict] | None = None) -> list[str]:
    """Create the centre, one tier-1 nurse (subscribed to each given push subscription),
    and `patients` enrolled patients; return one device bearer token per patient."""
    with app.app_context():
        centre = Centre(name="Bench Centre", phone_24h="+49 30 111", emergency_number="112",
                        timezone="Europe/Berlin")
        db.session.add(centre)
        db.session.flush()
        nurse = Staff(centre_id=centre.id, handle="bench-nurse", name="Bench Nurse",
                      email="bench-nurse@example.org", role="nurse", tier=1, on_duty=True,
                      password_hash=hash_password(secrets.token_urlsafe(16)))
        db.session.add(nurse)
        db.session.flush()
        for info in subscriptions or []:
            db.session.add(PushSubscription(staff_id=nurse.id, endpoint=info["endpoint"],
                                            p256dh=info["keys"]["p256dh"],
                                            auth=info["keys"]["auth"]))
        tokens = []
        start = now()
        for i in range(patients):
            patient = Patient(centre_id=centre.id, code=f"P-BENCH{i:05d}", display_name="Bench",
                              timezone="Europe/Berlin", infused_at=start - dt.timedelta(days=5),
                              enrolled_at=start - dt.timedelta(days=1), product="axi-cel",
                              window_days=30, baseline_ice=10, city="Berlin",
                              place_of_care="Bench Centre")
            db.session.add(patient)
            schedule.replan(patient)
            db.session.flush()
            token = secrets.token_urlsafe(32)
            db.session.add(Device(patient_id=patient.id, role="patient",
                                  token_hash=hash_secret(token), created_at=start,
                                  last_seen_at=start))
            tokens.append(token)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return tokens
