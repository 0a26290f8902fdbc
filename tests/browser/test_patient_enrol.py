"""Enrolment by typed code, the caregiver's view of the patient, and disconnecting a phone."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from server.models import Device

from .conftest import PHONE
from .patient_steps import enrol, post_checkin, wait_for_service_worker

pytestmark = pytest.mark.browser

STORED_TOKEN = """() => new Promise((resolve) => {
  const req = indexedDB.open('cartwatch', 1);
  req.onsuccess = () => {
    const db = req.result;
    if (!db.objectStoreNames.contains('kv')) { db.close(); resolve(null); return; }
    const get = db.transaction('kv').objectStore('kv').get('device_token');
    get.onsuccess = () => { db.close(); resolve(get.result ?? null); };
  };
})"""


def test_typed_code_enrols_the_phone_for_its_role(page, live_server, screenshot):
    patient = live_server.patient()
    code = live_server.code(patient, "caregiver")
    page.goto("/app/")
    page.get_by_label("Enrolment code").fill(code["code"].lower())
    page.get_by_role("button", name="Connect this phone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This phone is connected for the caregiver.")
    expect(page.get_by_role("button", name="Turn on reminders")).to_be_visible()
    screenshot(page, "enrolled-notify")
    assert len(page.evaluate(STORED_TOKEN)) > 20
    with live_server.app.app_context():
        from server.extensions import db

        device = db.session.execute(
            db.select(Device).where(Device.patient_id == patient)).scalar_one()
        assert device.role == "caregiver"
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("link", name="Call Centre A: +49 30 111 222")).to_have_attribute(
        "href", "tel:+4930111222")
    expect(page.get_by_role("link", name="Call emergency services: 112")).to_be_visible()


def test_a_wrong_or_used_code_is_refused(page, live_server):
    patient = live_server.patient()
    code = live_server.code(patient)
    page.goto("/app/")
    page.get_by_label("Enrolment code").fill("AAAA-BBBB-CCCC")
    page.get_by_role("button", name="Connect this phone").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Code not accepted. Check it, or ask the centre for a new one.")
    assert page.evaluate(STORED_TOKEN) is None
    page.goto(f"/app/#enrol={code['token']}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("connected")
    other = page.context.new_page()
    other.goto(f"/app/#enrol={code['token']}")  # same browser profile, token already spent
    expect(other.get_by_role("alert")).to_contain_text("Code not accepted")


def test_home_shows_day_and_due_checks(page, live_server):
    patient = live_server.patient(days_since_infusion=3)
    enrol(page, live_server, patient)
    expect(page.get_by_text("Day 3 after infusion")).to_be_visible()
    slots = page.locator(".slot")
    expect(slots).to_have_count(3)  # days 0-14: 08:00, 14:00, 20:00
    expect(slots.first.locator(".time")).to_have_text("08:00")


def test_caregiver_sees_the_patients_entries_and_open_alert(page, live_server, screenshot):
    patient = live_server.patient()
    post_checkin(live_server, patient, {"temperature": {"value": 38.7, "unit": "C"}})
    enrol(page, live_server, patient, role="caregiver")
    entries = page.get_by_role("heading", name="Recent entries of the patient").locator("..")
    expect(entries).to_contain_text("38.7 °C")
    expect(entries).to_contain_text("by the patient")
    alerts = page.get_by_role("heading", name="Alerts", exact=True).locator("..")
    expect(alerts).to_contain_text("Urgent alert")
    expect(alerts).to_contain_text("Not yet seen by the centre")
    expect(page.get_by_text("Last entry")).to_be_visible()
    screenshot(page, "home-caregiver-alert")


def test_disconnecting_clears_storage_and_caches(page, live_server):
    patient = live_server.patient()
    enrol(page, live_server, patient)
    wait_for_service_worker(page)
    assert page.evaluate("caches.keys().then((k) => k.length)") > 0
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("button", name="Disconnect this phone").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to CARTwatch")
    assert page.evaluate(STORED_TOKEN) is None
    # the shell may be fetched again at once (it holds no patient data); nothing else stays
    cached = page.evaluate("""caches.keys().then((names) => Promise.all(names.map(
        async (n) => (await (await caches.open(n)).keys()).map((r) => new URL(r.url).pathname)
      ))).then((lists) => lists.flat())""")
    assert all(path.startswith("/app/") for path in cached), cached
    assert len(cached) <= 2, cached


def test_iphone_in_safari_is_told_to_add_to_home_screen(browser, live_server):
    iphone = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
              "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1")
    context = browser.new_context(base_url=live_server.url, user_agent=iphone, **PHONE)
    try:
        page = context.new_page()
        patient = live_server.patient()
        page.goto(f"/app/#enrol={live_server.code(patient)['token']}")
        expect(page.get_by_role("heading", name="add to the Home Screen")).to_be_visible()
        expect(page.get_by_text("Safari will not delete your entries")).to_be_visible()
        expect(page.get_by_role("button", name="Turn on reminders")).to_have_count(0)
    finally:
        context.close()
