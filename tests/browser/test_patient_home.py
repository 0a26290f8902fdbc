"""Home refreshes itself in the background without pulling a link from under a finger."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from server import transaction

from .patient_steps import enrol, post_checkin

pytestmark = pytest.mark.browser

QUIET_REFRESH = """async () => {
  const home = await import('/app/js/screens/home.js');  // the module instance the app runs
  await home.showHome({ quiet: true });
}"""
# An expando property: it marks the element itself without changing the page's HTML.
MARK = "() => { document.querySelector('a[href=\"#/temperature\"]').probe = 'kept'; }"
MAIN_HTML = "() => document.getElementById('main').innerHTML"
MARKED = "() => document.querySelector('a[href=\"#/temperature\"]')?.probe === 'kept'"


def test_a_quiet_refresh_keeps_unchanged_links_and_applies_changes(page, live_server):
    patient = live_server.patient()
    enrol(page, live_server, patient)
    page.evaluate(QUIET_REFRESH)  # settle: the first server data is on screen

    page.evaluate(MARK)
    before = page.evaluate(MAIN_HTML)
    page.evaluate(QUIET_REFRESH)
    # kept unless the screen really changed (a relative time can tick over on a slow machine)
    assert page.evaluate(MARKED) or page.evaluate(MAIN_HTML) != before, \
        "nothing changed, yet the links were replaced"

    post_checkin(live_server, patient, {"temperature": {"value": 37.4, "unit": "C"}})
    page.evaluate(QUIET_REFRESH)
    expect(page.locator("section.card", has_text="Last entry")).to_contain_text("37.4")
    assert not page.evaluate(MARKED), "the changed screen was drawn afresh"


def resolve_all(live_server, patient_id: int) -> None:
    """The centre closes the patient's escalations (as a nurse would in the staff app)."""
    from server.clinical.escalations import resolve
    from server.extensions import db
    from server.models import Escalation, Patient, Staff

    with live_server.app.app_context(), transaction.job():  # commits as a request would
        patient = db.session.get(Patient, patient_id)
        nurse = db.session.execute(
            db.select(Staff).where(Staff.centre_id == patient.centre_id)).scalars().first()
        ids = db.session.execute(db.select(Escalation.id).where(
            Escalation.patient_id == patient_id)).scalars().all()
        for escalation_id in ids:
            resolve(escalation_id, nurse, "advice_at_home", None)


def test_the_caregivers_alert_card_follows_the_centre(page, live_server):
    patient = live_server.patient()
    post_checkin(live_server, patient, {"temperature": {"value": 38.9, "unit": "C"}})
    enrol(page, live_server, patient, role="caregiver")
    alerts = page.get_by_role("heading", name="Alerts", exact=True).locator("..")
    expect(alerts).to_contain_text("Urgent alert")
    expect(alerts).to_contain_text("Found: high temperature 38.9 °C")
    expect(alerts).to_contain_text("Not yet seen by the centre")

    resolve_all(live_server, patient)
    page.evaluate(QUIET_REFRESH)
    expect(alerts).to_contain_text("Alert closed")  # closed, not silently gone
    expect(alerts).to_contain_text("Closed by the centre at")
    expect(page.get_by_role("heading", name="Recent entries of the patient").locator(".."))\
        .to_contain_text("38.9 °C")  # the entry stays; only the alert closed


def test_a_context_stored_by_an_older_version_gets_its_check_times_on_the_next_open(
        page, live_server):
    patient = live_server.patient(days_since_infusion=3)
    enrol(page, live_server, patient)
    expect(page.locator(".slot")).to_have_count(3)
    page.evaluate("""async () => {  // what an app version without published schedules stored
      const store = await import('/app/js/store.js');
      const { schedule, input_bounds, ...older } = await store.get('context');
      await store.set('context', older);
    }""")
    page.reload()  # shows the stored context first, then refreshes it from the server
    expect(page.locator(".slot")).to_have_count(3)
    expect(page.get_by_text("Check times will show")).to_have_count(0)
