"""Policy v2 check-in inputs in a phone-sized Chromium: new symptoms, respiratory rate, own
words, fever medicine, and "Is this right?" for readings outside the usual range."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .patient_steps import enrol, open_check
from .test_patient_a11y import serious

pytestmark = pytest.mark.browser
WORDS = 'Not herself since noon <b>"odd"</b> & keeps dropping things'


def _question(page):
    return page.get_by_role("alertdialog", name="Is this right?")


def test_a_systolic_of_48_asks_is_this_right_and_is_sent_when_confirmed(page, live_server,
                                                                        screenshot):
    patient = live_server.patient()
    enrol(page, live_server, patient)
    open_check(page, "Symptoms and vital signs")
    page.get_by_label("Blood pressure, upper number (mmHg)").fill("48")
    page.get_by_role("button", name="Send").click()
    expect(_question(page)).to_contain_text("Blood pressure, upper number (mmHg): 48")
    screenshot(page, "is-this-right")
    assert serious(page) == []  # the question itself passes axe-core
    page.get_by_role("button", name="No, let me correct it").click()
    expect(_question(page)).to_have_count(0)
    expect(page.get_by_label("Blood pressure, upper number (mmHg)")).to_be_focused()
    assert live_server.checkins(patient) == []  # nothing sent until confirmed

    page.get_by_role("button", name="Send").click()
    page.get_by_role("button", name="Yes, it is right: send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Call emergency services now, then the centre.")
    [row] = live_server.checkins(patient)
    assert row.systolic_bp == 48


def test_new_symptoms_breathing_rate_and_own_words_reach_the_server(page, live_server):
    patient = live_server.patient()
    enrol(page, live_server, patient, role="caregiver")
    open_check(page, "Symptoms and vital signs")
    page.get_by_text("Sudden muscle jerks").click()
    page.get_by_text("Bleeding or unusual bruising").click()
    page.get_by_text("Unusually sleepy or very tired, but wakes easily").click()
    expect(page.get_by_text("Count breaths for 30 seconds, then double it.")).to_be_visible()
    page.get_by_label("Breathing rate (breaths per minute)").fill("18")  # usual: no question
    page.get_by_label("Anything else? In your own words (optional)").fill(f"  {WORDS} ")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status").last).to_contain_text("Sent to the centre.")
    [row] = live_server.checkins(patient)
    assert row.symptoms == ["bleeding", "jerks", "sleepy"]
    assert row.respiratory_rate == 18 and row.other_text == WORDS
    assert row.recorded_by == "caregiver"


def test_own_words_alone_are_a_check_in(page, live_server):
    patient = live_server.patient()
    enrol(page, live_server, patient)
    open_check(page, "Symptoms and vital signs")
    page.get_by_label("Anything else? In your own words (optional)").fill("Feels cold")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status").last).to_contain_text("Sent to the centre.")
    [row] = live_server.checkins(patient)
    assert row.other_text == "Feels cold" and row.symptoms == []


def test_fever_medicine_and_an_unusual_temperature_are_sent_when_confirmed(page, live_server):
    patient = live_server.patient()
    enrol(page, live_server, patient)
    open_check(page, "Temperature")
    page.get_by_label("Temperature in °C").fill("41.2")
    page.get_by_text("Yes", exact=True).click()  # fever medicine in the last 6 hours
    page.get_by_role("button", name="Send").click()
    expect(_question(page)).to_contain_text("Temperature in °C: 41.2")
    page.get_by_role("button", name="Yes, it is right: send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Call the centre now.")
    [row] = live_server.checkins(patient)
    assert (row.temperature_c, row.antipyretic) == (41.2, True)


def test_a_usual_temperature_is_sent_without_a_question(page, live_server):
    patient = live_server.patient()
    enrol(page, live_server, patient)
    open_check(page, "Temperature")
    page.get_by_label("Temperature in °C").fill("36.4")
    page.get_by_text("No", exact=True).click()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_have_text("Sent to the centre.")
    [row] = live_server.checkins(patient)
    assert (row.temperature_c, row.antipyretic) == (36.4, False)
