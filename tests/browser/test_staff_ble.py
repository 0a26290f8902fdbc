"""Staff app in Chromium: values read from a Bluetooth LE device say so, with the model, on
the queue card, the escalation page and the timeline (issue 19); typed values do not."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .staff_steps import centre_with_staff, device_token, patient_at, post_checkin, sign_in

pytestmark = pytest.mark.browser
MODEL = 'Thermo <b>"X"</b>'  # the phone's text: shown as text, never as HTML


def test_device_readings_say_from_device_on_card_page_and_timeline(desktop, live_server, api):
    account = centre_with_staff(live_server)
    patient = patient_at(live_server, account.centre_id, days=4)
    phone = device_token(live_server, patient)
    answer = post_checkin(api, phone, {
        "temperature": {"value": 38.4, "unit": "C", "source": "device",
                        "device": {"model": MODEL, "raw": "00800100ff"}},
        "vitals": {"spo2": 90, "heart_rate": 72,
                   "devices": {"spo2": {"model": "OxiSmart", "raw": "005a004800"}}}})
    escalation = answer["escalation"]["id"]
    sign_in(desktop, account)
    card = desktop.locator(f"article.esc[data-escalation-id='{escalation}']")
    fever = card.locator("li[data-reason='fever'] .ev-device")
    expect(fever).to_have_text(f"temperature from device ({MODEL}) · SpO₂ from device (OxiSmart)")
    expect(card.locator("li[data-reason='fever'] b")).to_have_count(0)

    desktop.goto(f"/staff/#/escalations/{escalation}")
    expect(desktop.get_by_role("heading", level=1)).to_have_text(f"Escalation {escalation}")
    expect(desktop.locator("li[data-reason='fever'] .ev-device")).to_contain_text(
        f"temperature from device ({MODEL})")

    desktop.goto(f"/staff/#/patients/{patient}")
    expect(desktop.locator("#events")).to_contain_text(
        f"temperature from device ({MODEL}) · SpO₂ from device (OxiSmart)")


def test_typed_values_carry_no_device_line(desktop, live_server, api):
    account = centre_with_staff(live_server)
    patient = patient_at(live_server, account.centre_id, days=4)
    answer = post_checkin(api, device_token(live_server, patient),
                          {"temperature": {"value": 38.4, "unit": "C"}})
    sign_in(desktop, account)
    card = desktop.locator(f"article.esc[data-escalation-id='{answer['escalation']['id']}']")
    expect(card.locator("li[data-reason='fever']")).to_contain_text("38.4 °C")
    expect(card.locator(".ev-device")).to_have_count(0)
    desktop.goto(f"/staff/#/patients/{patient}")
    expect(desktop.locator("#events")).to_contain_text("38.4 °C")
    expect(desktop.locator("#events")).not_to_contain_text("from device")
