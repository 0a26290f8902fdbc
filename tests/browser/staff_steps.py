"""Steps shared by the staff app browser tests: a centre with staff, sign-in, check-ins."""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import pyotp
from playwright.sync_api import Page, expect

from server import transaction
from server.clinical import schedule
from server.extensions import db

PASSWORD = "correct horse battery staple 42"
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "en-GB",
           "timezone_id": "Europe/Berlin"}


@dataclass
class StaffAccount:
    """A member of staff the browser signs in as."""

    id: int
    centre_id: int
    email: str
    totp_secret: str | None


def centre_with_staff(server, role: str = "admin", totp: bool = True) -> StaffAccount:
    """A fresh centre (so its queue is the test's own) with one tier-1, on-duty member."""
    from server.auth.passwords import hash_password
    from server.models import Centre, Staff

    tag = uuid.uuid4().hex[:8]
    with server.app.app_context():
        centre = Centre(name=f"Centre {tag}", phone_24h="+49 30 111 222",
                        emergency_number="112", timezone="Europe/Berlin")
        db.session.add(centre)
        db.session.flush()
        staff = Staff(centre_id=centre.id, handle=f"{role}-{tag}", name=f"Sam {role.title()}",
                      email=f"{role}-{tag}@example.org", role=role, tier=1, on_duty=True,
                      password_hash=hash_password(PASSWORD))
        if totp:
            staff.totp_secret = pyotp.random_base32()
            staff.totp_enrolled_at = dt.datetime.now(dt.UTC)
        db.session.add(staff)
        db.session.commit()
        return StaffAccount(staff.id, centre.id, staff.email, staff.totp_secret)


def patient_at(server, centre_id: int, days: int = 5, **fields) -> int:
    """A patient of the centre, infused `days` ago, with one caregiver."""
    from server.models import Caregiver, Patient

    now = dt.datetime.now(dt.UTC)
    tag = uuid.uuid4().hex[:6].upper()
    values = dict(code=f"P-{tag}", display_name=f"Alex {tag}", timezone="Europe/Berlin",
                  infused_at=now - dt.timedelta(days=days),
                  enrolled_at=now - dt.timedelta(days=days), product="axi-cel",
                  window_days=30, baseline_ice=10, city="Berlin", place_of_care="Centre")
    values.update(fields)
    with server.app.app_context():
        patient = Patient(centre_id=centre_id, **values)
        db.session.add(patient)
        schedule.replan(patient)
        db.session.flush()
        db.session.add(Caregiver(patient_id=patient.id, display_name="Carer"))
        db.session.commit()
        return patient.id


def device_token(server, patient_id: int) -> str:
    """Enrol a patient phone the way the app does and return its bearer token."""
    from server.models import Patient, Staff
    from server.services.enrolment import issue_code, redeem

    with server.app.app_context(), transaction.job():  # commits as a request would
        patient = db.session.get(Patient, patient_id)
        staff = db.session.execute(
            db.select(Staff).where(Staff.centre_id == patient.centre_id)).scalars().first()
        code = issue_code(patient, "patient", None, staff)
        token, _ = redeem(code["code"], None)
        return token


def post_checkin(api, token: str, body: dict) -> dict:
    """POST a check-in over HTTP as the patient's phone."""
    r = api.post("/api/v1/checkins", data=body,
                 headers={"Authorization": f"Bearer {token}",
                          "Idempotency-Key": str(uuid.uuid4())})
    assert r.status == 201, r.text()
    return r.json()


def sign_in(page: Page, account: StaffAccount) -> str:
    """Sign in with password and TOTP (enrolling TOTP from the screen when new); return secret."""
    page.goto("/staff/")
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    code_box = page.get_by_label("Authenticator code")
    expect(code_box).to_be_visible()
    secret = account.totp_secret
    if secret is None:
        secret = page.locator("#totp-secret").inner_text().strip()
    code_box.fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Triage queue")
    return secret


def assert_accessible(page: Page, name: str) -> None:
    """axe-core (WCAG 2.1 A/AA) finds nothing on the page; the report is kept as an artefact."""
    import json
    from pathlib import Path

    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={
        "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        "resultTypes": ["violations"]})
    artefacts = Path(__file__).resolve().parents[2] / "test-artifacts"
    artefacts.mkdir(exist_ok=True)
    (artefacts / f"axe-{name}.json").write_text(json.dumps(results.response["violations"],
                                                           indent=1))
    found = [(v["id"], [n["target"] for n in v["nodes"]][:3])
             for v in results.response["violations"]]
    assert not found, found


def checkin_at(hours_ago: float) -> str:
    """An observation time `hours_ago` in the past (a queued entry), ISO 8601 UTC."""
    at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours_ago)
    return at.replace(microsecond=0).isoformat()


def subscribe_staff(live_server, service, staff_id: int) -> str:
    """The staff member's browser subscription, as POST /push/subscriptions stores it."""
    from server.extensions import db
    from server.models import PushSubscription

    info = service.subscribe()
    with live_server.app.app_context():
        db.session.add(PushSubscription(staff_id=staff_id, endpoint=info["endpoint"],
                                        p256dh=info["keys"]["p256dh"],
                                        auth=info["keys"]["auth"]))
        db.session.commit()
    return info["endpoint"]


def dispatch_pass(live_server) -> dict:
    """One pass of the push worker in the live app."""
    from server.extensions import db
    from server.outbox import passes

    with live_server.app.app_context():
        try:
            return passes.run_pass()
        finally:
            db.session.remove()


def patient_with_writing(server, api, samples: int = 2) -> tuple[StaffAccount, int, list[int]]:
    """A centre's admin and a patient with `samples` handwriting check-ins (the first is the
    baseline), returning the check-in ids oldest first."""
    from dataclasses import replace

    import numpy as np

    from tests.measures_synth import another_day, handwriting, random_writer

    account = centre_with_staff(server)
    patient = patient_at(server, account.centre_id, days=6)
    token = device_token(server, patient)
    rng = np.random.default_rng(11)
    person = replace(random_writer(rng), letters_per_s=1.6)
    ids = []
    for n in range(samples):
        writer = person if n == 0 else another_day(person, rng)
        ids.append(post_checkin(api, token, {
            "observed_at": checkin_at(30 - 10 * n),
            "handwriting": {"judgement": "same", "strokes": handwriting(writer, rng)}})["id"])
    return account, patient, ids


def baselines_of(server, patient_id: int) -> tuple[int | None, int]:
    """The patient's handwriting baseline check-in id and ICE baseline, as stored."""
    from server.models import Patient

    with server.app.app_context():
        row = db.session.get(Patient, patient_id)
        return row.baseline_handwriting_checkin_id, row.baseline_ice
