"""Staff app in Chromium: a patient's timeline (charts, handwriting beside its baseline)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from playwright.sync_api import expect

from tests.measures_synth import another_day, handwriting, random_writer

from .patient_steps import PHONE
from .staff_steps import (
    DESKTOP,
    assert_accessible,
    centre_with_staff,
    checkin_at,
    device_token,
    patient_at,
    post_checkin,
    sign_in,
)

pytestmark = pytest.mark.browser
FULL_ICE = {"orientation": 4, "naming": 3, "commands": 1, "writing": 1, "attention": 1}


@pytest.fixture
def api(playwright_instance, live_server):
    """Plain HTTP to the live server (the patient's phone)."""
    request = playwright_instance.request.new_context(base_url=live_server.url)
    yield request
    request.dispose()


@pytest.fixture
def patient_with_history(live_server, api):
    """A centre, its admin and a patient with three days of check-ins, the last one febrile."""
    account = centre_with_staff(live_server)
    patient = patient_at(live_server, account.centre_id, days=6)
    token = device_token(live_server, patient)
    rng = np.random.default_rng(7)
    person = replace(random_writer(rng), letters_per_s=1.6)
    post_checkin(api, token, {
        "observed_at": checkin_at(60), "temperature": {"value": 36.9, "unit": "C"},
        "ice": FULL_ICE, "vitals": {"heart_rate": 78, "systolic_bp": 124, "spo2": 98},
        "tremor": {"rating": "none"},
        "handwriting": {"judgement": "same", "strokes": handwriting(person, rng)}})
    post_checkin(api, token, {
        "observed_at": checkin_at(36), "temperature": {"value": 37.4, "unit": "C"},
        "ice": FULL_ICE, "vitals": {"heart_rate": 92, "systolic_bp": 118, "spo2": 97}})
    post_checkin(api, token, {
        "observed_at": checkin_at(2), "temperature": {"value": 101.3, "unit": "F"},
        "ice": {**FULL_ICE, "orientation": 3}, "symptoms": ["rigors"],
        "vitals": {"heart_rate": 112, "systolic_bp": 104, "spo2": 96},
        "tremor": {"rating": "mild"},
        "handwriting": {"judgement": "same",
                        "strokes": handwriting(another_day(person, rng), rng, tremor_px=3.0)}})
    return account, patient


def _open_timeline(page, patient):
    page.goto(f"/staff/#/patients/{patient}")
    expect(page.locator("#charts figure.chart canvas").first).to_be_visible()
    expect(page.locator("#charts figure.chart")).to_have_count(3)
    images = page.locator("#handwriting img")
    expect(images).to_have_count(2)
    page.wait_for_function("""() => [...document.querySelectorAll('#handwriting img')]
        .every((img) => img.complete && img.naturalWidth > 0)""")
    return images


def test_timeline_draws_charts_and_handwriting_side_by_side(browser, live_server,
                                                            patient_with_history, screenshot):
    account, patient = patient_with_history
    context = browser.new_context(base_url=live_server.url, **DESKTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, account)
    images = _open_timeline(page, patient)
    expect(page.locator("#charts")).to_contain_text("Temperature (°C), line at 38 °C")
    latest, baseline = (images.nth(i).bounding_box() for i in range(2))
    assert abs(latest["y"] - baseline["y"]) < 2 and latest["x"] < baseline["x"]
    events = page.locator("#events")
    expect(events).to_contain_text("101.3 °F (38.5 °C)")
    expect(events).to_contain_text("shaking chills")
    expect(events).to_contain_text("Urgent escalation")
    expect(page.locator("#tremor")).to_contain_text("mild")
    assert_accessible(page, "staff-timeline-desktop")
    screenshot(page, "staff-timeline-desktop")

    page.get_by_role("button", name="Use the latest sample as baseline").click()
    page.get_by_role("dialog").get_by_role("button", name="Change baseline").click()
    expect(page.locator("#baselines")).to_contain_text("Baseline updated.")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#devices").get_by_role("button", name="Revoke").click()
    expect(page.locator("#devices")).to_contain_text("revoked")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="End monitoring").click()
    expect(page.get_by_role("button", name="Resume monitoring")).to_be_visible()
    from server.extensions import db
    from server.models import CheckIn, Device, Patient

    with live_server.app.app_context():
        row = db.session.get(Patient, patient)
        latest = db.session.execute(db.select(CheckIn.id).where(
            CheckIn.patient_id == patient, CheckIn.handwriting_strokes.is_not(None))
            .order_by(CheckIn.observed_at.desc())).scalars().first()
        assert row.baseline_handwriting_checkin_id == latest
        assert row.monitoring_ended_at is not None
        devices = db.session.execute(db.select(Device).where(
            Device.patient_id == patient)).scalars().all()
        assert all(d.revoked_at is not None for d in devices)
    context.close()
    assert not errors, errors


def test_timeline_on_a_phone(browser, live_server, patient_with_history, screenshot):
    account, patient = patient_with_history
    context = browser.new_context(base_url=live_server.url, **PHONE)
    page = context.new_page()
    sign_in(page, account)
    screenshot(page, "staff-queue-phone")
    images = _open_timeline(page, patient)
    latest, baseline = (images.nth(i).bounding_box() for i in range(2))
    assert abs(latest["y"] - baseline["y"]) < 2  # still side by side on a phone
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "no sideways scrolling of the whole page"
    assert_accessible(page, "staff-timeline-phone")
    screenshot(page, "staff-timeline-phone")
    context.close()
