"""Staff app in Chromium: idle sign-out, installability, and a notification's "Open" link."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .staff_steps import centre_with_staff, device_token, patient_at, post_checkin, sign_in

pytestmark = pytest.mark.browser


def test_idle_page_warns_then_signs_out(desktop, live_server, screenshot):
    desktop.clock.install()
    account = centre_with_staff(live_server)
    sign_in(desktop, account)
    desktop.clock.run_for("14:05")
    expect(desktop.get_by_role("button", name="Stay signed in")).to_be_visible()
    screenshot(desktop, "staff-idle-warning-desktop")
    desktop.clock.run_for("01:00")
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Staff sign-in")
    expect(desktop.get_by_text("signed out after 15 minutes without activity")).to_be_visible()
    r = desktop.request.get("/api/v1/auth/me")
    assert r.status == 401  # the server session was ended too, not just the screen


def test_activity_keeps_the_session(desktop, live_server):
    desktop.clock.install()
    account = centre_with_staff(live_server)
    sign_in(desktop, account)
    for _ in range(3):
        desktop.clock.run_for("10:00")
        desktop.mouse.click(5, 300)
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Triage queue")


def test_staff_app_is_installable(desktop, live_server):
    account = centre_with_staff(live_server)
    sign_in(desktop, account)
    manifest = desktop.request.get("/staff/manifest.webmanifest").json()
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/staff/", "/staff/", "standalone")
    for icon in manifest["icons"]:
        assert desktop.request.get(icon["src"]).status == 200
    desktop.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    cdp = desktop.context.new_cdp_session(desktop)
    errors = [e["errorId"] for e in
              cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]]
    assert errors in ([], ["in-incognito"]), errors  # Playwright profiles are incognito
    assert cdp.send("Page.getAppManifest")["errors"] == []


def test_notification_open_link_goes_to_the_escalation(desktop, live_server, playwright_instance):
    account = centre_with_staff(live_server)
    patient = patient_at(live_server, account.centre_id)
    api = playwright_instance.request.new_context(base_url=live_server.url)
    escalation = post_checkin(api, device_token(live_server, patient),
                              {"vitals": {"spo2": 89}})["escalation"]
    api.dispose()
    sign_in(desktop, account)
    desktop.goto(f"/staff/#/escalations/{escalation['id']}")  # the payload's "navigate" URL
    expect(desktop.get_by_role("heading", level=1)).to_have_text(
        f"Escalation {escalation['id']}")
    card = desktop.locator("article.esc")
    expect(card).to_contain_text("Emergency")
    expect(card).to_contain_text("Low oxygen")
    expect(desktop.locator("#hist-title")).to_be_visible()


def test_on_duty_staff_without_push_is_warned(desktop, live_server):
    account = centre_with_staff(live_server)
    sign_in(desktop, account)
    expect(desktop.locator("#push-health")).to_contain_text("no device of yours receives")
