"""Staff app in Chromium: an acknowledged escalation that worsens shows it (policy v2)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .staff_steps import centre_with_staff, device_token, patient_at, post_checkin
from .staff_steps import sign_in as staff_sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def api(playwright_instance, live_server):
    """Plain HTTP to the live server (the patient's phone, without a browser)."""
    request = playwright_instance.request.new_context(base_url=live_server.url)
    yield request
    request.dispose()


def test_worse_while_acknowledged_shows_on_card_and_history(desktop, live_server, api):
    account = centre_with_staff(live_server)
    token = device_token(live_server, patient_at(live_server, account.centre_id, days=4))
    staff_sign_in(desktop, account)
    post_checkin(api, token, {"temperature": {"value": 38.7, "unit": "C"}})
    card = desktop.locator("article.esc")
    expect(card).to_have_count(1, timeout=15_000)
    card.get_by_role("button", name="Acknowledge").click()
    expect(card).to_contain_text("Acknowledged by Sam Admin")
    expect(card.locator(".lifecycle")).to_have_count(0)

    post_checkin(api, token, {"symptoms": ["confusion"]})  # adds ICANS: re-alerts
    expect(card.locator(".lifecycle-worsened")).to_contain_text("Worse while acknowledged",
                                                                timeout=15_000)
    expect(card).to_contain_text("Not acknowledged yet")
    card.get_by_role("link", name="Details").click()
    worsened = desktop.locator("li.event-worsened")
    expect(worsened).to_contain_text("Worse while acknowledged")
    expect(worsened).to_contain_text("new: New confusion, word-finding trouble or slurred speech")
