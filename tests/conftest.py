"""Fixtures: an app on a fresh database (SQLite, or PostgreSQL via TEST_DATABASE_URL), built
once per test process and configuration and emptied after each test (README: Two commands)."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from pathlib import Path

import pyotp
import pytest

from server import create_app, transaction
from server.audit import chain as audit_chain
from server.auth.passwords import hash_password
from server.clinical import schedule
from server.clock import ManualClock, set_source
from server.extensions import db, limiter
from server.models import Caregiver, Centre, Patient, Staff
from server.outbox import immediate

pytest_plugins = ["push_fixtures", "channel_fixtures"]

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
        # cheap argon2 (allowed only with TESTING); hashes keep their parameters, so verifying
        # one made at full cost still works
        "PASSWORD_HASH_TIME_COST": 1,
        "PASSWORD_HASH_MEMORY_COST": 8,
        "PASSWORD_HASH_PARALLELISM": 1,
        # the test's own session reads fixtures between requests: no SQLite write lock
        "SQLITE_IMMEDIATE_OUTSIDE_REQUESTS": False,
    }
    config.update(extra)
    return config


# For a test whose timing needs real argon2 cost (staff hashed at the library's defaults).
secure_passwords = pytest.mark.app_config(PASSWORD_HASH_TIME_COST=None,
                                          PASSWORD_HASH_MEMORY_COST=None,
                                          PASSWORD_HASH_PARALLELISM=None)


@pytest.fixture
def clock():
    """A manual clock, installed as the app's clock for the test."""
    manual = ManualClock(START)
    set_source(manual)
    yield manual
    set_source(None)


def _marked_config(request) -> dict:
    """The test's `app_config(KEY=value)` markers merged (the closest, the function's, wins),
    then the keys returned by the fixtures that `app_config_from("fixture")` names."""
    extra: dict = {}
    for marker in reversed(list(request.node.iter_markers("app_config"))):
        extra.update(marker.kwargs)
    for marker in request.node.iter_markers("app_config_from"):
        for name in marker.args:
            extra.update(request.getfixturevalue(name))
    return extra


@pytest.fixture(scope="session")
def _apps(database_url, _schema, tmp_path_factory):
    """This worker's apps, one per distinct test configuration, built on first use."""
    built: dict = {}

    def get(extra: dict):
        key = tuple(sorted(extra.items()))
        if key not in built:
            instance = tmp_path_factory.mktemp("instance")
            built[key] = create_app(app_config(database_url, str(instance), **extra))
        return built[key]

    yield get
    for app in built.values():
        immediate.stop_kicker(app)
        with app.app_context():
            db.engine.dispose()


def _wipe(app) -> None:
    """Empty every table, reset in-memory state (rate limits), drop audit checkpoint files."""
    db.session.remove()
    with db.engine.begin() as conn, audit_chain.unguarded(conn):
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
    limiter.reset()
    checkpoints = Path(app.config["AUDIT_CHECKPOINT_DIR"])
    if checkpoints.exists():
        shutil.rmtree(checkpoints)


@pytest.fixture
def app(request, _apps, database_url, tmp_path, clock):
    """The worker's app for this test's config, in an app context; tables emptied after.

    `@pytest.mark.app_config(KEY=value)` picks an app with those keys (shared by tests with
    the same keys); `@pytest.mark.fresh_app` builds one for the test alone (for tests that
    add routes or inspect state the app keeps)."""
    extra = _marked_config(request)
    fresh = request.node.get_closest_marker("fresh_app") is not None
    if fresh:
        app = create_app(app_config(database_url, str(tmp_path / "instance"), **extra))
    else:
        app = _apps(extra)
    saved = dict(app.config)
    limiter.enabled = app.config["RATELIMIT_ENABLED"]  # the singleton keeps the last app's
    limiter.reset()
    with app.app_context():
        yield app
        immediate.stop_kicker(app)
        _wipe(app)
        app.config.clear()
        app.config.update(saved)
        if fresh:
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
        schedule.replan(patient)
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
        with transaction.job():  # committed, as the staff and phone requests would
            code = issue_code(patient, role, caregiver, issuer)
            token, _device = redeem(code["code"], None)
        return {"Authorization": f"Bearer {token}"}

    return make
