"""Ending monitoring: the phone shows a closing screen with the centre's numbers."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from server import transaction
from server.extensions import db

from .patient_steps import enrol, open_check
from .test_patient_a11y import serious

pytestmark = pytest.mark.browser


def end_monitoring(live_server, patient_id: int) -> None:
    """The centre ends the patient's monitoring (as the staff app's button does)."""
    from server.models import Patient
    from server.services.patients import update_patient

    with live_server.app.app_context(), transaction.job():  # commits as a request would
        update_patient(db.session.get(Patient, patient_id), {"end_monitoring": True})


def expect_closing_screen(page) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Monitoring has ended")
    centre = page.get_by_role("link", name="Questions? Call Centre A: +49 30 111 222")
    expect(centre).to_have_attribute("href", "tel:+4930111222")
    emergency = page.get_by_role("link", name="In an emergency call 112")
    expect(emergency).to_have_attribute("href", "tel:112")


def test_the_phone_closes_on_its_next_visit_and_stays_closed(page, live_server, screenshot):
    patient = live_server.patient()
    enrol(page, live_server, patient)
    end_monitoring(live_server, patient)
    page.reload()
    expect_closing_screen(page)
    screenshot(page, "monitoring-ended")
    assert serious(page) == []
    assert page.evaluate("async () => (await import('/app/js/store.js')).get('device_token')"
                         ) is None, "the revoked token must not be kept"
    page.goto("/app/#/temperature")  # no way back into the checks
    page.reload()
    expect_closing_screen(page)
    expect(page.get_by_label(re.compile("Temperature"))).to_have_count(0)


def test_a_check_sent_after_the_end_shows_the_closing_screen(page, live_server):
    patient = live_server.patient()
    enrol(page, live_server, patient)
    end_monitoring(live_server, patient)
    open_check(page, "Temperature")
    page.get_by_label("Temperature in °C").fill("39.4")
    page.get_by_role("button", name="Send").click()
    expect_closing_screen(page)
    assert live_server.checkins(patient) == []


def test_a_new_code_connects_the_phone_again(page, live_server):
    patient = live_server.patient()
    enrol(page, live_server, patient)
    end_monitoring(live_server, patient)
    page.reload()
    expect_closing_screen(page)
    enrol(page, live_server, patient)  # the centre resumed monitoring with a new code
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
