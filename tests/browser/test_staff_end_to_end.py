"""The new user's path: admin signs in, enrols a patient and a phone, a fever reaches the queue
and the staff member's push service, and is acknowledged and resolved."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .patient_steps import PHONE, open_check
from .staff_steps import DESKTOP, centre_with_staff, dispatch_pass, sign_in, subscribe_staff

pytestmark = pytest.mark.browser


def test_enrol_patient_and_phone_then_triage_a_fever(browser, live_server, loopback_push,
                                                     screenshot):
    account = centre_with_staff(live_server, totp=False)
    endpoint = subscribe_staff(live_server, loopback_push, account.id)
    desk = browser.new_context(base_url=live_server.url, **DESKTOP)
    desk.set_default_timeout(10_000)
    staff = desk.new_page()
    sign_in(staff, account)  # first sign-in: TOTP set up from the screen

    staff.get_by_role("link", name="Patients").click()
    form = staff.locator("#enrol-form")
    form.get_by_label("Name (shown to staff only)").fill("Jo Newpatient")
    form.get_by_label("Product").select_option("liso-cel")
    form.get_by_label("Patient time zone").select_option("Europe/Berlin")
    form.get_by_role("button", name="Enrol patient").click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text("Jo Newpatient")
    staff.locator("#codes").get_by_role("button", name="Issue code").click()
    link = staff.locator("#code-result .uri").inner_text()
    token = re.search(r"#enrol=([\w-]+)", link).group(1)

    phone_context = browser.new_context(base_url=live_server.url, **PHONE)
    phone_context.set_default_timeout(10_000)
    phone = phone_context.new_page()
    phone.goto(f"/app/#enrol={token}")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("connected for the patient")
    phone.get_by_role("link", name="Continue").click()
    open_check(phone, "Temperature")
    phone.get_by_label("Temperature in °C").fill("38.6")
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Call the centre now.")
    screenshot(phone, "e2e-phone-fever-advice")

    staff.get_by_role("link", name=re.compile("Triage queue")).click()
    card = staff.locator("article.esc")
    expect(card).to_contain_text("Temperature 38.0 °C or higher", timeout=15_000)
    assert dispatch_pass(live_server).get("sent", 0) >= 1
    [delivery] = loopback_push.for_endpoint(endpoint)
    assert delivery.payload["severity"] == "urgent" and delivery.urgency == "high"
    assert "Jo" not in str(delivery.payload)
    screenshot(staff, "e2e-staff-queue")

    card.get_by_role("button", name="Acknowledge").click()
    expect(card).to_contain_text("Acknowledged by Sam Admin")
    card.get_by_role("button", name="Resolve").click()
    card.get_by_label("Outcome").select_option("came_to_hospital")
    card.get_by_role("button", name="Resolve escalation").click()
    expect(staff.get_by_text("No open escalations")).to_be_visible()
    phone_context.close()
    desk.close()
