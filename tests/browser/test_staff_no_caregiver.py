"""Staff app in Chromium: a patient with no caregiver's phone is flagged on card and page."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .staff_steps import centre_with_staff, device_token, patient_at, post_checkin, sign_in

pytestmark = pytest.mark.browser
ALONE = "No caregiver enrolled: nobody at home receives the alerts or the advice to call."



def test_a_patient_alone_is_flagged_on_the_card_and_the_patient_page(desktop, live_server, api):
    account = centre_with_staff(live_server)
    alone = patient_at(live_server, account.centre_id, days=4)
    answer = post_checkin(api, device_token(live_server, alone),
                          {"temperature": {"value": 38.7, "unit": "C"}})
    sign_in(desktop, account)

    card = desktop.locator(f"article.esc[data-escalation-id='{answer['escalation']['id']}']")
    expect(card.locator(".no-caregiver")).to_have_text(ALONE)
    desktop.goto(f"/staff/#/patients/{alone}")
    expect(desktop.locator("#patient-top .no-caregiver")).to_have_text(ALONE)
