"""Centre quality page in Chromium: a physician sees the tables and chart, runs a what-if,
and axe finds nothing; a nurse has no link to it."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .staff_steps import (
    assert_accessible,
    centre_with_staff,
    device_token,
    patient_at,
    post_checkin,
    sign_in,
)

pytestmark = pytest.mark.browser


def test_quality_page_renders_and_replays(desktop, live_server, api, screenshot):
    account = centre_with_staff(live_server, role="physician")
    fever = patient_at(live_server, account.centre_id)
    near = patient_at(live_server, account.centre_id)
    post_checkin(api, device_token(live_server, fever),
                 {"temperature": {"value": 38.4, "unit": "C"}})
    post_checkin(api, device_token(live_server, near),
                 {"temperature": {"value": 37.9, "unit": "C"}})
    sign_in(desktop, account)
    desktop.get_by_role("link", name="Quality").click()
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Centre quality")
    summary = desktop.locator("#q-summary-table tbody tr")
    expect(summary.locator("td").first).to_have_text("1")
    expect(desktop.locator("#q-rules-table")).to_contain_text("R-FEVER")
    expect(desktop.locator("#chart-rules canvas")).to_be_visible()
    expect(desktop.locator("#q-adherence-table tbody tr")).to_have_count(2)
    expect(desktop.locator("#q-csv")).to_have_attribute("href", re.compile(r"format=csv"))
    form = desktop.locator("#q-whatif-form")
    form.get_by_label("Threshold").select_option("fever_c")
    form.get_by_label("Proposed value").fill("37.8")
    form.get_by_role("button", name="Replay the period").click()
    result = desktop.locator("#q-whatif-result")
    expect(result.get_by_role("status")).to_contain_text("would have opened: 1;")
    expect(result.locator(f'a[href="#/patients/{near}"]')).to_be_visible()
    assert_accessible(desktop, "staff-quality")
    screenshot(desktop, "staff-quality")
    value = form.get_by_label("Proposed value")
    value.fill("36")  # below the policy's bound: the browser refuses before the server would
    assert value.evaluate("el => el.validity.rangeUnderflow")
    expect(form.get_by_text("allowed 37.5 to 38.5")).to_be_visible()


def test_nurse_has_no_quality_link(desktop, live_server):
    sign_in(desktop, centre_with_staff(live_server, role="nurse"))
    expect(desktop.get_by_role("link", name="Patients")).to_be_visible()
    expect(desktop.get_by_role("link", name="Quality")).to_have_count(0)
