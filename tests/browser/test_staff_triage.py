"""Staff app in Chromium: TOTP sign-in, the live queue, acknowledge, undo, resolve."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .staff_steps import (
    DESKTOP,
    centre_with_staff,
    device_token,
    dispatch_pass,
    patient_at,
    post_checkin,
    subscribe_staff,
)
from .staff_steps import sign_in as staff_sign_in

pytestmark = pytest.mark.browser



def test_first_sign_in_shows_totp_secret_and_qr(desktop, live_server, screenshot):
    account = centre_with_staff(live_server, totp=False)
    desktop.goto("/staff/")
    desktop.get_by_label("Email").fill(account.email)
    desktop.get_by_label("Password").fill("correct horse battery staple 42")
    desktop.get_by_role("button", name="Sign in").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    qr = desktop.get_by_role("img", name="QR code for setting up the authenticator app")
    expect(qr).to_be_visible()
    assert desktop.evaluate("(img) => img.naturalWidth > 0", qr.element_handle())
    expect(desktop.locator("#totp-secret")).to_have_text(re.compile(r"^[A-Z2-7]{16,}$"))
    screenshot(desktop, "staff-totp-enrol-desktop")


def test_new_escalation_appears_live_then_acknowledge_undo_resolve(desktop, live_server, api,
                                                                   screenshot):
    account = centre_with_staff(live_server)
    patient = patient_at(live_server, account.centre_id, days=4)
    token = device_token(live_server, patient)
    desktop.add_init_script("""(() => {  // count the tones the page plays
      window.tones = 0;
      const create = AudioContext.prototype.createOscillator;
      AudioContext.prototype.createOscillator = function () { window.tones += 1;
        return create.call(this); };
    })();""")
    staff_sign_in(desktop, account)
    expect(desktop.get_by_text("No open escalations")).to_be_visible()

    post_checkin(api, token, {"temperature": {"value": 38.7, "unit": "C"}})
    card = desktop.locator("article.esc")
    expect(card).to_have_count(1, timeout=15_000)  # polled, no reload
    expect(card).to_contain_text("Urgent")
    expect(card).to_contain_text("Temperature 38.0 °C or higher")
    expect(card).to_contain_text("Day 4")
    expect(card).to_contain_text("CRS")
    expect(desktop.locator("#queue-badge")).to_have_text("1")
    expect(desktop.get_by_role("alert")).to_contain_text("New urgent escalation")
    assert desktop.evaluate("window.tones") == 2  # two-tone chime for an urgent one
    assert desktop.title().startswith("(1) ")
    screenshot(desktop, "staff-queue-new-urgent-desktop")

    card.get_by_role("button", name="Acknowledge").click()
    expect(card).to_contain_text(re.compile(r"Acknowledged by Sam Admin"))
    card.get_by_role("button", name="Undo acknowledgement").click()
    expect(card.get_by_role("button", name="Acknowledge")).to_be_visible()

    card.get_by_role("button", name="Resolve").click()
    card.get_by_label("Outcome").select_option("advice_at_home")
    card.get_by_label("Note (optional)").fill("Paracetamol; recheck in 1 h")
    card.get_by_role("button", name="Resolve escalation").click()
    expect(desktop.get_by_text("No open escalations")).to_be_visible()


BUSY = '{"error": {"code": "busy", "message": "The server is busy; try again", "status": 503}}'


def test_a_busy_answer_is_asked_again_without_bothering_the_nurse(browser, live_server, api):
    # Workers blocked: a worker-controlled page's requests can bypass page.route.
    context = browser.new_context(base_url=live_server.url, **DESKTOP, service_workers="block")
    desktop = context.new_page()
    account = centre_with_staff(live_server)
    token = device_token(live_server, patient_at(live_server, account.centre_id, days=2))
    staff_sign_in(desktop, account)
    post_checkin(api, token, {"temperature": {"value": 38.5, "unit": "C"}})
    card = desktop.locator("article.esc")
    expect(card).to_have_count(1, timeout=15_000)

    answered_busy = []

    def busy_once(route):  # a lock conflict the server rolled back, as errors.py answers it
        if answered_busy:
            route.continue_()
            return
        answered_busy.append(route.request.url)
        route.fulfill(status=503, headers={"Retry-After": "1"}, content_type="application/json",
                      body=BUSY)

    desktop.route("**/acknowledge", busy_once)
    card.get_by_role("button", name="Acknowledge").click()
    expect(card).to_contain_text("Acknowledged by Sam Admin", timeout=15_000)
    expect(card.locator(".form-error")).to_be_hidden()
    assert len(answered_busy) == 1
    context.close()


def test_acknowledge_from_the_notification_action(desktop, live_server, api,
                                                  loopback_push, screenshot):
    account = centre_with_staff(live_server)
    endpoint = subscribe_staff(live_server, loopback_push, account.id)
    patient = patient_at(live_server, account.centre_id, days=2)
    token = device_token(live_server, patient)
    staff_sign_in(desktop, account)

    post_checkin(api, token, {"temperature": {"value": 39.1, "unit": "C"}})
    card = desktop.locator("article.esc")
    expect(card).to_contain_text("Not acknowledged yet", timeout=15_000)
    assert dispatch_pass(live_server).get("sent", 0) >= 1
    [delivery] = loopback_push.for_endpoint(endpoint)
    payload = delivery.payload
    assert delivery.urgency == "high"
    assert payload["notification"]["navigate"].endswith(
        f"/staff/#/escalations/{payload['escalation_id']}")
    assert [a["action"] for a in payload["notification"]["actions"]] == ["acknowledge"]
    assert "Alex" not in str(payload) and "39.1" not in str(payload)

    # What the service worker does on the "Acknowledge" action: no session, only the token.
    r = api.post("/api/v1/push/ack", data={"token": payload["data"]["ack_token"]})
    assert r.status == 200, r.text()
    assert r.json()["state"] == "acknowledged"

    expect(card).to_contain_text("Acknowledged by Sam Admin", timeout=15_000)  # live update
    expect(desktop.locator("#queue-badge")).to_be_hidden()
    screenshot(desktop, "staff-queue-acknowledged-from-notification-desktop")
    r = api.post("/api/v1/push/ack", data={"token": payload["data"]["ack_token"]})
    assert r.status == 409  # a second tap changes nothing

    card.get_by_role("link", name="Details").click()  # where the notification's "Open" leads
    deliveries = desktop.locator("#deliveries")
    expect(deliveries).to_contain_text("(alert) · sent · reached 1 device(s)")  # purpose in words
    expect(desktop.get_by_role("region", name="History")).to_contain_text("Acknowledged")
    screenshot(desktop, "staff-escalation-detail-desktop")
