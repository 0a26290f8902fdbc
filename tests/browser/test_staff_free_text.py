"""Staff app in Chromium: the family's free text and fever medicine, shown as text only."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .staff_steps import centre_with_staff, device_token, patient_at, post_checkin, sign_in

pytestmark = pytest.mark.browser
# Markup that would run script if it were ever parsed as HTML; it must show literally.
WORDS = '<img src=x onerror="window.pwned=1"> not herself <b>since noon</b>'



def _literal(page, locator) -> None:
    expect(locator).to_contain_text(WORDS)
    assert locator.locator("img, b").count() == 0
    assert page.evaluate("window.pwned") is None


def test_free_text_and_fever_medicine_show_as_text(desktop, live_server, api):
    account = centre_with_staff(live_server)
    patient = patient_at(live_server, account.centre_id, days=4)
    token = device_token(live_server, patient)
    answer = post_checkin(api, token, {"temperature": {"value": 38.4, "unit": "C"},
                                       "antipyretic": True, "antipyretic_kind": "paracetamol",
                                       "vitals": {"respiratory_rate": 27}, "other": WORDS})
    escalation = answer["escalation"]["id"]
    sign_in(desktop, account)

    card = desktop.locator(f"article.esc[data-escalation-id='{escalation}']")
    expect(card.locator(".antipyretic-flag")).to_have_text(
        "Fever medicine (paracetamol) taken in the last 6 h: a fever may be hidden")
    _literal(desktop, card.locator(".free-text-words"))

    desktop.goto(f"/staff/#/escalations/{escalation}")
    page_card = desktop.locator(f"article.esc[data-escalation-id='{escalation}']")
    expect(page_card.locator(".antipyretic-flag")).to_be_visible()
    _literal(desktop, page_card.locator(".free-text-words"))

    page_card.get_by_role("link", name="Open timeline").click()
    events = desktop.locator("#events")
    expect(events).to_contain_text("RR 27/min")
    expect(events).to_contain_text("fever medicine in the last 6 h (paracetamol)")
    _literal(desktop, events.locator("q.free-text"))
