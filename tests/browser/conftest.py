"""Browser fixtures: the real app on a loopback port and headless Debian Chromium (Playwright)."""
from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from server import create_app, transaction
from server.clinical import schedule
from server.extensions import db

from .patient_steps import PHONE
from .staff_steps import DESKTOP

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@dataclass
class LiveServer:
    """A running CARTwatch app and helpers to set up data and read what was stored."""

    app: object
    url: str

    def patient(self, days_since_infusion: int = 3, **fields) -> int:
        """Create a centre, an issuing nurse and a patient with one caregiver; return its id."""
        from server.models import Caregiver, Centre, Patient, Staff

        now = dt.datetime.now(dt.UTC)
        with self.app.app_context():
            centre = Centre(name="Centre A", phone_24h="+49 30 111 222", emergency_number="112",
                            timezone="Europe/Berlin")
            db.session.add(centre)
            db.session.flush()
            tag = uuid.uuid4().hex[:8]
            db.session.add(Staff(centre_id=centre.id, handle=f"nurse-{tag}", name="Nurse",
                                 email=f"nurse-{tag}@example.org", role="nurse", tier=1))
            values = dict(code=f"P-{tag.upper()}", display_name="Pat Example",
                          timezone="Europe/Berlin",
                          infused_at=now - dt.timedelta(days=days_since_infusion),
                          enrolled_at=now - dt.timedelta(days=1), product="axi-cel",
                          window_days=30, baseline_ice=10, city="Berlin",
                          place_of_care="Centre A")
            values.update(fields)
            patient = Patient(centre_id=centre.id, **values)
            db.session.add(patient)
            schedule.replan(patient)
            db.session.flush()
            db.session.add(Caregiver(patient_id=patient.id, display_name="Carer"))
            db.session.commit()
            return patient.id

    def code(self, patient_id: int, role: str = "patient") -> dict:
        """Issue an enrolment code (text code, QR token and URL) as the centre would."""
        from server.models import Patient, Staff
        from server.services.enrolment import issue_code

        with self.app.app_context(), transaction.job():  # commits as a request would
            patient = db.session.get(Patient, patient_id)
            staff = db.session.execute(
                db.select(Staff).where(Staff.centre_id == patient.centre_id)).scalars().first()
            caregiver = patient.caregivers[0] if role == "caregiver" else None
            return issue_code(patient, role, caregiver, staff)

    def checkins(self, patient_id: int) -> list:
        """The stored check-in rows of a patient, oldest first (detached copies)."""
        from server.models import CheckIn

        with self.app.app_context():
            rows = db.session.execute(
                db.select(CheckIn).where(CheckIn.patient_id == patient_id)
                .order_by(CheckIn.id)).scalars().all()
            db.session.expunge_all()
            return rows


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The real app (all blueprints) on 127.0.0.1 and a free port, on its own SQLite file."""
    base = tmp_path_factory.mktemp("live")
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(base / "live.sqlite3"),
        "SECRET_KEY": "browser-tests",
        "INSTANCE_PATH": str(base / "instance"),
        "SESSION_COOKIE_SECURE": False,
        "RATELIMIT_AUTH": "1000 per minute",
        "PUBLIC_URL": "http://127.0.0.1",
        "PASSWORD_HASH_TIME_COST": 1, "PASSWORD_HASH_MEMORY_COST": 8,  # cheap under TESTING
        "PASSWORD_HASH_PARALLELISM": 1,
    })
    with app.app_context():
        db.create_all()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def playwright_instance():
    """The Playwright driver for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_instance):
    """Headless Debian Chromium (never a downloaded browser)."""
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser, live_server, request):
    """A fresh phone-sized browser profile pointed at the live server.

    Tests marked `no_service_worker` block service workers: once a worker controls the
    page, Chromium may send the page's POSTs past `context.route`, so a mocked answer
    would race with the real server.
    """
    blocked = request.node.get_closest_marker("no_service_worker") is not None
    context = browser.new_context(base_url=live_server.url, **PHONE,
                                  service_workers="block" if blocked else "allow")
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    """A page in the phone context; console errors fail the test at teardown."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert not errors, errors


@pytest.fixture
def screenshot():
    """Save a screenshot of the page under test-artifacts/NAME.png."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def loopback_push(live_server):
    """A loopback Web Push service the live app may deliver to (http on 127.0.0.1)."""
    from tests.loopback_push import LoopbackPushService

    live_server.app.config["NOTIFICATIONS_ALLOW_HTTP_LOOPBACK"] = True
    with LoopbackPushService() as service:
        yield service
    live_server.app.config.pop("NOTIFICATIONS_ALLOW_HTTP_LOOPBACK", None)


@pytest.fixture
def api(playwright_instance, live_server):
    """Plain HTTP to the live server (the patient's phone, without a browser)."""
    request = playwright_instance.request.new_context(base_url=live_server.url)
    yield request
    request.dispose()


@pytest.fixture
def desktop(browser, live_server):
    """A desktop-sized browser profile; page errors fail the test."""
    context = browser.new_context(base_url=live_server.url, **DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, errors
