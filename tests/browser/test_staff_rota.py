"""Rota page in Chromium: an admin creates a rota, sees the next 7 days, edits it, adds and
deletes an override; the queue shows the coverage banner; axe finds nothing."""
from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from server.extensions import db

from .staff_steps import assert_accessible, centre_with_staff, sign_in

pytestmark = pytest.mark.browser
BERLIN = ZoneInfo("Europe/Berlin")


def _nurses(server, centre_id: int) -> list[str]:
    from server.models import Staff

    tag = uuid.uuid4().hex[:6]
    handles = [f"nurse-x-{tag}", f"nurse-y-{tag}"]
    with server.app.app_context():
        for handle in handles:
            db.session.add(Staff(centre_id=centre_id, handle=handle, name=handle.title(),
                                 email=f"{handle}@example.org", role="nurse", tier=1))
        db.session.commit()
    return handles


def _local(at: dt.datetime) -> str:
    return at.astimezone(BERLIN).strftime("%Y-%m-%dT%H:%M")


def test_admin_views_edits_and_overrides_a_rota(desktop, live_server, screenshot):
    account = centre_with_staff(live_server, role="admin")
    x, y = _nurses(live_server, account.centre_id)
    sign_in(desktop, account)
    desktop.get_by_role("link", name="Rota").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Rota")
    create = desktop.locator("#rota-create")
    create.get_by_label("Handoff times").fill("07:00, 19:00")
    today = dt.datetime.now(BERLIN).date()
    create.get_by_label("First shift on").fill((today - dt.timedelta(days=1)).isoformat())
    create.get_by_label("People in turn").fill(f"{x}, {y}")
    create.get_by_role("button", name="Create").click()
    week = desktop.locator("#rota-week-1 tbody tr")
    expect(week).to_have_count(15)  # 7 days of 12-h shifts, the current one included
    expect(desktop.locator("#rota-week-1")).to_contain_text(x)
    expect(desktop.locator("#rota-week-1")).to_contain_text(y)
    first = week.first.locator("td").nth(2).inner_text()

    # edit: the people in the other order, so the current shift changes hands
    edit = desktop.locator("#rota-tier-1 form.rota-edit")
    edit.get_by_label("People in turn").fill(f"{y}, {x}")
    edit.get_by_role("button", name="Save").click()
    expect(week.first.locator("td").nth(2)).not_to_have_text(first)

    # a bad edit names its field and keeps the rota
    edit = desktop.locator("#rota-tier-1 form.rota-edit")
    edit.get_by_label("Handoff times").fill("7 o'clock")
    edit.get_by_role("button", name="Save").click()
    expect(edit.get_by_label("Handoff times")).to_have_attribute("aria-invalid", "true")
    expect(edit.locator(".field-error:visible")).to_contain_text("HH:MM")
    expect(week).to_have_count(15)

    # an absence from now for an hour: a "Nobody" row and the gap notice
    override = desktop.locator("#rota-tier-1 form.rota-override-form")
    now = dt.datetime.now(dt.UTC)
    override.get_by_label("Kind").select_option("absence")
    override.get_by_label("From (a swap: any time in the shift)").fill(_local(now))
    override.get_by_label("To", exact=True).fill(_local(now + dt.timedelta(hours=1)))
    override.get_by_role("button", name="Add override").click()
    expect(desktop.locator("#rota-week-1")).to_contain_text("Nobody")
    expect(desktop.locator("#rota-gaps")).to_contain_text("Tier 1 has nobody on call")
    assert_accessible(desktop, "staff-rota")
    screenshot(desktop, "staff-rota")

    # the queue shows the banner to the admin (and any member of the centre)
    desktop.get_by_role("link", name="Triage queue").click()
    expect(desktop.locator("#coverage-banner")).to_have_text("Tier 1 has nobody on call now.")

    # delete the override: the rota's person is back, the notice gone
    desktop.get_by_role("link", name="Rota").click()
    desktop.locator("#rota-week-1").get_by_role("button", name="Delete override").click()
    expect(desktop.locator("#rota-week-1")).not_to_contain_text("Nobody")
    expect(desktop.locator("#rota-gaps")).to_have_count(0)
    desktop.get_by_role("link", name="Triage queue").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Triage queue")
    expect(desktop.locator("#coverage-banner")).to_be_hidden()


def test_nurse_has_no_rota_link(desktop, live_server):
    sign_in(desktop, centre_with_staff(live_server, role="nurse"))
    expect(desktop.get_by_role("link", name="Patients")).to_be_visible()
    expect(desktop.get_by_role("link", name="Rota")).to_have_count(0)
