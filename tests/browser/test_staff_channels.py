"""Channel settings in Chromium: a nurse orders push, SMS and a call with delays, sees the
server's field error for a bad number, saves, and sends a test through one channel; an admin
opens a colleague's list from the admin page."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .staff_steps import assert_accessible, centre_with_staff, sign_in

pytestmark = pytest.mark.browser


def test_my_channels_save_and_test(desktop, live_server):
    sign_in(desktop, centre_with_staff(live_server, role="nurse"))
    desktop.get_by_role("link", name="My channels").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("My alert channels")
    add = desktop.get_by_role("button", name="Add a channel")
    add.click()
    add.click()
    rows = desktop.locator("#channels li")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).get_by_label("Channel")).to_have_value("push")
    expect(rows.nth(1).get_by_label("Channel")).to_have_value("sms")
    rows.nth(1).get_by_label("Phone number or URL").fill("0151 not a number")
    desktop.get_by_role("button", name="Save channels").click()
    status = desktop.locator(".channel-status")
    expect(status).to_contain_text("channels.1.address")
    rows.nth(1).get_by_label("Phone number or URL").fill("+4915100000001")
    rows.nth(1).get_by_label("Delay in seconds").fill("90")
    desktop.get_by_role("button", name="Save channels").click()
    expect(status).to_have_text("Channels saved.")
    expect(rows.nth(1).get_by_label("Delay in seconds")).to_have_value("90")
    assert_accessible(desktop, "staff-channels")
    desktop.get_by_role("button", name="Send me a test: 2. SMS").click()
    expect(status).to_have_text("Test sent through SMS.")
    desktop.reload()
    expect(desktop.locator("#channels li")).to_have_count(2)


def test_admin_opens_a_colleagues_channels(desktop, live_server):
    account = centre_with_staff(live_server, role="admin")
    sign_in(desktop, account)
    desktop.get_by_role("link", name="Admin").click()
    desktop.locator(f'a[href="#/admin/staff/{account.id}/channels"]').click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text(
        f"Alert channels of staff #{account.id}")
    expect(desktop.locator("#channel-tests button")).to_have_count(0)


def test_channels_cannot_be_edited_before_the_stored_list_arrives(desktop, live_server):
    """A slow load must not paint over rows added meanwhile, nor let a save wipe the list."""
    sign_in(desktop, centre_with_staff(live_server, role="nurse"))
    held = []
    desktop.route("**/api/v1/channels/me", lambda route: held.append(route))
    desktop.get_by_role("link", name="My channels").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("My alert channels")
    add = desktop.get_by_role("button", name="Add a channel")
    save = desktop.get_by_role("button", name="Save channels")
    desktop.wait_for_timeout(50)
    expect(add).to_be_disabled()
    expect(save).to_be_disabled()
    assert len(held) == 1
    held[0].continue_()
    expect(add).to_be_enabled()
    add.click()
    expect(desktop.locator("#channels li")).to_have_count(1)
