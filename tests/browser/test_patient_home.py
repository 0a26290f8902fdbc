"""Home refreshes itself in the background without pulling a link from under a finger."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .patient_steps import enrol, post_checkin

pytestmark = pytest.mark.browser

QUIET_REFRESH = """async () => {
  const home = await import('/app/js/screens/home.js');  // the module instance the app runs
  await home.showHome({ quiet: true });
}"""
# An expando property: it marks the element itself without changing the page's HTML.
MARK = "() => { document.querySelector('a[href=\"#/temperature\"]').probe = 'kept'; }"
MARKED = "() => document.querySelector('a[href=\"#/temperature\"]')?.probe === 'kept'"


def test_a_quiet_refresh_keeps_unchanged_links_and_applies_changes(page, live_server):
    patient = live_server.patient()
    enrol(page, live_server, patient)
    page.evaluate(QUIET_REFRESH)  # settle: the first server data is on screen

    page.evaluate(MARK)
    page.evaluate(QUIET_REFRESH)
    assert page.evaluate(MARKED), "nothing changed, yet the links were replaced"

    post_checkin(live_server, patient, {"temperature": {"value": 37.4, "unit": "C"}})
    page.evaluate(QUIET_REFRESH)
    expect(page.locator("section.card", has_text="Last entry")).to_contain_text("37.4")
    assert not page.evaluate(MARKED), "the changed screen was drawn afresh"
