"""Fixtures: an app on a fresh database (SQLite, or PostgreSQL via TEST_DATABASE_URL)."""
from __future__ import annotations

import datetime as dt
import os
import uuid

import pyotp
import pytest

from server import create_app
from server.auth.passwords import hash_password
from server.clock import ManualClock, set_source
from server.extensions import db
from server.models import Caregiver, Centre, Patient, Staff
from server.services import audit_chain

START = dt.datetime(2026, 3, 10, 7, 0, tzinfo=dt.UTC)
PASSWORD = "correct horse battery staple 42"


def _pg_admin_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A database created for this run and dropped after it."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
        return
    import psycopg

    name = f"cartwatch_test_{uuid.uuid4().hex[:10]}"
    admin = _pg_admin_url(base)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield admin.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory):
    """Create the tables once per run."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "test",
                      "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance"))})
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return True


def app_config(database_url: str, instance: str, **extra) -> dict:
    """The configuration every test app uses; extra keys override."""
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret",
        "INSTANCE_PATH": instance,
        "SESSION_COOKIE_SECURE": False,
        "RATELIMIT_AUTH": "1000 per minute",
        "PUBLIC_URL": "http://localhost",
        # the test's own session reads fixtures between requests: no SQLite write lock
        "SQLITE_IMMEDIATE_OUTSIDE_REQUESTS": False,
    }
    config.update(extra)
    return config


@pytest.fixture
def clock():
    """A manual clock, installed as the app's clock for the test."""
    manual = ManualClock(START)
    set_source(manual)
    yield manual
    set_source(None)


@pytest.fixture
def app(database_url, _schema, tmp_path, clock):
    """A fresh app; every table is emptied after the test."""
    app = create_app(app_config(database_url, str(tmp_path / "instance")))
    with app.app_context():
        yield app
        db.session.remove()
        with db.engine.begin() as conn, audit_chain.unguarded(conn):
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def centre(app):
    """A centre in Berlin."""
    row = Centre(name="Centre A", phone_24h="+49 30 111", emergency_number="112",
                 timezone="Europe/Berlin")
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def other_centre(app):
    """A second centre, in Paris, whose data and patient codes centre A must never reach."""
    row = Centre(name="Centre B", phone_24h="+33 1 222", emergency_number="112",
                 timezone="Europe/Paris")
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def make_staff(app, centre):
    """Factory: a member of staff with a password and an enrolled TOTP secret."""

    def make(handle="nurse-a", role="nurse", tier=1, centre_id=None, totp=True):
        staff = Staff(centre_id=centre_id or centre.id, handle=handle, name=handle.title(),
                      email=f"{handle}@example.org", role=role, tier=tier,
                      password_hash=hash_password(PASSWORD))
        if totp:
            staff.totp_secret = pyotp.random_base32()
            staff.totp_enrolled_at = START
        db.session.add(staff)
        db.session.commit()
        return staff

    return make


def login(client, staff, clock=None) -> str:
    """Sign a member of staff in (password + TOTP); return the CSRF token."""
    r = client.post("/api/v1/auth/login", json={"email": staff.email, "password": PASSWORD})
    assert r.status_code == 200, r.json
    from server.clock import now

    code = pyotp.TOTP(staff.totp_secret).at(now())
    r = client.post("/api/v1/auth/totp", json={"code": code})
    assert r.status_code == 200, r.json
    return r.json["csrf_token"]


def signed_in(app, staff):
    """A test client signed in as `staff`, with the CSRF header set."""
    client = app.test_client()
    client.environ_base["HTTP_X_CSRF_TOKEN"] = login(client, staff)
    return client


@pytest.fixture
def staff_client(app, make_staff):
    """A test client signed in as an admin of centre A, with CSRF header set."""
    staff = make_staff(handle="admin-a", role="admin")
    client = app.test_client()
    csrf = login(client, staff)
    client.environ_base["HTTP_X_CSRF_TOKEN"] = csrf
    client.staff = staff
    return client


@pytest.fixture
def make_patient(app, centre):
    """Factory: a patient (day 8 at START) with one caregiver."""

    def make(centre_id=None, **kwargs):
        fields = dict(code=f"P-{uuid.uuid4().hex[:6].upper()}", display_name="Pat Example",
                      timezone="Europe/Berlin", infused_at=START - dt.timedelta(days=8),
                      enrolled_at=START - dt.timedelta(hours=1), product="axi-cel",
                      window_days=30, baseline_ice=10, city="Berlin", place_of_care="Centre A")
        fields.update(kwargs)
        patient = Patient(centre_id=centre_id or centre.id, **fields)
        db.session.add(patient)
        db.session.flush()
        db.session.add(Caregiver(patient_id=patient.id, display_name="Carer"))
        db.session.commit()
        return patient

    return make


@pytest.fixture
def enrol(app, make_staff):
    """Factory: enrol a phone for a patient (or caregiver); return its auth headers."""
    from server.services.enrolment import issue_code, redeem

    def make(patient, role="patient"):
        issuer = db.session.execute(
            db.select(Staff).where(Staff.centre_id == patient.centre_id)
        ).scalars().first() or make_staff(handle=f"issuer-{uuid.uuid4().hex[:4]}",
                                          centre_id=patient.centre_id)
        caregiver = patient.caregivers[0] if role == "caregiver" else None
        code = issue_code(patient, role, caregiver, issuer)
        token, _device = redeem(code["code"], None)
        return {"Authorization": f"Bearer {token}"}

    return make
