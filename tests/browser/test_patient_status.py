"""Home after a check (issue 15, findings 2-7): slot progress, the alert card and where it
stands, the next check and the end dates, the history's advice, Back / Cancel on every check,
errors clear of the call bar, and wording (symptoms by name, the sentence, no sensor)."""
from __future__ import annotations

import datetime as dt
import re
import uuid
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from server import transaction

from .patient_steps import enrol, open_check, post_checkin, wait_for_service_worker
from .test_patient_a11y import serious
from .test_patient_home import QUIET_REFRESH
from .test_patient_offline import enter_temperature

pytestmark = pytest.mark.browser

BERLIN = ZoneInfo("Europe/Berlin")


def zone_where_it_is(hour: int) -> str:
    """A fixed-offset zone in which the local time now is hour:xx."""
    offset = (hour - dt.datetime.now(dt.UTC).hour + 12) % 24 - 12
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"


def nurse_does(live_server, patient_id: int, action: str) -> dt.datetime:
    """A nurse of the patient's centre acknowledges (or resolves) the open escalation; the
    time it was done."""
    from server.clinical import escalations
    from server.extensions import db
    from server.models import Escalation, Patient, Staff

    with live_server.app.app_context(), transaction.job():  # commits as a request would
        patient = db.session.get(Patient, patient_id)
        nurse = db.session.execute(db.select(Staff).where(
            Staff.centre_id == patient.centre_id)).scalars().first()
        escalation_id = db.session.execute(db.select(Escalation.id).where(
            Escalation.patient_id == patient_id)).scalars().first()
        if action == "acknowledge":
            row = escalations.acknowledge(escalation_id, nurse)
            return row.acknowledged_at
        row = escalations.resolve(escalation_id, nurse, "advice_at_home", None)
        return row.resolved_at


def not_obscured(page, locator) -> None:
    """The element is in the viewport and its box does not meet the call bar's."""
    box = locator.bounding_box()
    bar = page.locator("#callbar").bounding_box()
    viewport = page.viewport_size
    assert box and bar, (box, bar)
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], box
    assert box["y"] + box["height"] <= bar["y"], (box, bar)  # above the bar, not under it


# --- finding 2: slot progress -------------------------------------------------------------

def test_a_temperature_alone_leaves_the_slot_open_until_every_part_is_in(page, live_server):
    patient = live_server.patient(timezone=zone_where_it_is(8))  # the 08:00 neuro slot is due
    enrol(page, live_server, patient)
    page.get_by_role("link", name="Start the due check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Temperature")
    expect(page.get_by_text("Step 1 of 5")).to_be_visible()
    page.get_by_label("Temperature in °C").fill("37.1")
    page.get_by_role("button", name="Send").click()
    page.get_by_role("link", name="Back to today").click()

    slot = page.locator(".slot", has_text="08:00")
    expect(slot.locator(".badge")).to_have_text("1 of 5 done")
    expect(page.get_by_text("No check is due right now")).to_have_count(0)
    page.get_by_role("link", name="1 of 5 done — continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Handwriting")
    expect(page.get_by_text("Step 2 of 5")).to_be_visible()  # starts at the first missing part
    assert len(live_server.checkins(patient)) == 1  # the server's slot is answered meanwhile


# --- finding 3: the alert card ------------------------------------------------------------

def test_the_alert_card_says_what_was_found_what_to_do_and_where_it_stands(
        page, context, live_server, screenshot):
    patient = live_server.patient()
    enrol(page, live_server, patient)
    wait_for_service_worker(page)
    open_check(page, "Temperature")
    page.get_by_label("Temperature in °C").fill("38.6")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Call the centre now.")
    expect(page.locator(".because")).to_have_text("Because: high temperature 38.6 °C")
    expect(page.locator(".entered")).to_have_text("You entered: 38.6 °C")
    page.get_by_role("link", name="Back to today").click()

    card = page.locator(".alert-card")
    expect(card).to_contain_text("Urgent alert")
    expect(card).to_contain_text("Found: high temperature 38.6 °C")
    expect(card).to_contain_text("Call the centre now.")
    expect(card.get_by_role("link", name="Call +49 30 111 222")).to_have_attribute(
        "href", "tel:+4930111222")
    expect(card).to_contain_text("Sent to the centre at")
    expect(card).to_contain_text("Not yet seen by the centre")

    seen = nurse_does(live_server, patient, "acknowledge").astimezone(BERLIN)
    page.evaluate(QUIET_REFRESH)
    expect(card).to_contain_text(f"Seen by the centre at {seen:%a} {seen:%H:%M}")
    screenshot(page, "home-alert-card")

    context.set_offline(True)
    page.reload()  # offline: the last known state from IndexedDB
    expect(card).to_contain_text(f"Seen by the centre at {seen:%a} {seen:%H:%M}")
    expect(page.get_by_text("Last known state")).to_be_visible()
    context.set_offline(False)

    nurse_does(live_server, patient, "resolve")
    page.evaluate(QUIET_REFRESH)
    expect(card).to_contain_text("Alert closed")
    expect(card).to_contain_text("Closed by the centre at")
    expect(card.get_by_role("link")).to_have_count(0)  # no "call now" on a closed alert


def test_a_worse_and_unanswered_alert_tells_the_caregiver_to_call(page, live_server):
    from server.clinical import jobs

    patient = live_server.patient()
    post_checkin(live_server, patient, {"temperature": {"value": 38.6, "unit": "C"}})
    post_checkin(live_server, patient, {"symptoms": ["seizure"]}, role="caregiver")
    with live_server.app.app_context():  # nobody at the centre answers for 11 minutes
        jobs.run_due_work(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=11))
    enrol(page, live_server, patient, role="caregiver")
    card = page.locator(".alert-card")
    expect(card).to_contain_text("Emergency alert")
    expect(card).to_contain_text(
        "Found: high temperature 38.6 °C; a seizure, reported by the caregiver")
    expect(card).to_contain_text("Got worse at")
    expect(card.get_by_role("alert")).to_have_text(
        "The centre has not answered yet. Call now yourself.")
    expect(card.get_by_role("link", name="Call emergency services: 112")).to_have_attribute(
        "href", "tel:112")
    assert serious(page) == []  # axe-core: the card adds no serious or critical violation


# --- findings 4 and 7: next check, slots before enrolment, end dates, history ------------

def test_home_says_the_next_check_and_the_end_dates_and_hides_slots_before_enrolment(
        page, live_server):
    now = dt.datetime.now(dt.UTC)
    zone = zone_where_it_is(21)  # every slot of today (08, 14, 20) was before enrolment
    patient = live_server.patient(days_since_infusion=3, timezone=zone, enrolled_at=now)
    enrol(page, live_server, patient)
    expect(page.get_by_text("Day 3 after infusion")).to_be_visible()
    expect(page.locator(".slot")).to_have_count(0)
    expect(page.get_by_text("Not due")).to_have_count(0)
    expect(page.locator(".next")).to_have_text("Next check: tomorrow 08:00")

    day0 = (now - dt.timedelta(days=3)).astimezone(ZoneInfo(zone)).date()
    near, driving = day0 + dt.timedelta(days=14), day0 + dt.timedelta(days=14)
    limits = page.locator(".limits")
    expect(limits).to_contain_text(
        f"Stay within reach of the centre until {near:%a}, {near:%B} {near.day}.")
    expect(limits).to_contain_text(f"Do not drive until {driving:%a}, {driving:%B} {driving.day}.")


def test_the_history_marks_alarming_entries_with_the_advice_in_one_order(page, live_server):
    patient = live_server.patient()
    enrol(page, live_server, patient)
    page.evaluate("""async () => {  // an entry the server refused two hours ago, still kept
      const store = await import('/app/js/store.js');
      const at = new Date(Date.now() - 2 * 3600e3).toISOString();
      await store.outboxPut({ id: 'refused-1', kind: 'temperature', created_at: at,
        body: { temperature: { value: 36.9, unit: 'C' }, observed_at: at },
        status: 'error', error: { status: 422, message: 'Invalid input' } });
    }""")
    open_check(page, "Temperature")
    page.get_by_label("Temperature in °C").fill("38.6")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Call the centre now.")
    page.goto("/app/#/entries")
    entries = page.locator(".entry")
    expect(entries).to_have_count(2)
    expect(entries.first).to_contain_text("38.6 °C")  # newest first, waiting or sent
    expect(entries.first).to_contain_text(
        "Call the centre now. Because: high temperature 38.6 °C")
    expect(entries.nth(1)).to_contain_text("36.9 °C")
    expect(entries.nth(1).locator(".advice-given")).to_have_count(0)


# --- finding 5: Back / Cancel, errors in view, Send now offline ---------------------------

@pytest.mark.parametrize("check", ["Temperature", "Confusion check", "Tremor", "Handwriting",
                                   "Symptoms and vital signs"])
def test_every_check_screen_has_back_and_cancel(page, live_server, check):
    patient = live_server.patient()
    enrol(page, live_server, patient, role="caregiver")
    open_check(page, check)
    leave = page.get_by_role("navigation", name="Leave this check")
    expect(leave.get_by_role("link", name="Back")).to_be_visible()
    leave.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")


def test_a_missing_rating_is_named_and_shown_above_the_call_bar(page, live_server):
    patient = live_server.patient()
    enrol(page, live_server, patient)
    open_check(page, "Tremor")
    page.get_by_role("button", name="Send").click()
    error = page.get_by_role("alert").filter(has_text="Choose how much shaking there is")
    expect(error).to_be_visible()
    focused = page.locator("input[name=tremor]:focus")
    expect(focused).to_have_count(1)
    not_obscured(page, focused)
    not_obscured(page, error)


def test_symptom_errors_name_the_field_and_never_contradict(page, live_server):
    patient = live_server.patient()
    enrol(page, live_server, patient)
    open_check(page, "Symptoms and vital signs")
    page.get_by_role("button", name="Send").click()
    nothing = page.get_by_role("alert").filter(has_text="Tick something")
    expect(nothing).to_be_visible()
    not_obscured(page, nothing)
    not_obscured(page, page.locator("input[name=symptom]:focus"))

    rate = page.get_by_label("Breathing rate (breaths per minute)")
    rate.fill("2")
    page.mouse.wheel(0, -5000)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Enter a number between 4 and 60.")).to_be_visible()
    expect(nothing).to_have_count(0)  # the field error alone, not "nothing ticked" beside it
    expect(rate).to_be_focused()
    not_obscured(page, rate)


def test_send_now_while_offline_says_so(page, context, live_server):
    patient = live_server.patient()
    enrol(page, live_server, patient)
    wait_for_service_worker(page)
    context.set_offline(True)
    enter_temperature(page, "36.8")
    page.goto("/app/#/entries")
    page.get_by_role("button", name="Send now").click()
    expect(page.get_by_text("No connection right now.")).to_be_visible()
    context.set_offline(False)


@pytest.mark.no_service_worker  # page.route must see the page's POSTs
def test_home_follows_the_outbox_when_another_sender_empties_it(page, context, live_server):
    patient = live_server.patient()
    enrol(page, live_server, patient)
    page.route("**/api/v1/checkins", lambda route: route.abort()
               if route.request.method == "POST" else route.continue_())  # this tab cannot send
    enter_temperature(page, "36.8")
    page.get_by_role("link", name="Back to today").click()
    expect(page.get_by_role("link", name="1 waiting to be sent")).to_be_visible()
    other = context.new_page()  # another tab (or the service worker's Background Sync) sends it
    other.goto("/app/")
    expect(other.get_by_role("heading", level=1)).to_have_text("Today")
    expect(page.get_by_role("link", name="1 waiting to be sent")).to_have_count(0)
    expect(page.locator("section.card", has_text="Last entry")).to_contain_text("36.8")
    assert [r.temperature_c for r in live_server.checkins(patient)] == [36.8]


# --- finding 6: wording -------------------------------------------------------------------

def test_symptoms_are_named_and_the_sentence_is_the_centres_or_the_apps(page, live_server):
    from server.extensions import db
    from server.models import Patient

    patient = live_server.patient()
    post_checkin(live_server, patient, {"symptoms": ["rigors", "dizziness"]})
    enrol(page, live_server, patient, role="caregiver")
    last = page.locator("section.card", has_text="Last entry")
    expect(last).to_contain_text("Dizzy or fainting, Shaking chills")
    expect(page.get_by_text(re.compile(r"symptom\(s\)"))).to_have_count(0)
    open_check(page, "Handwriting")
    expect(page.get_by_text('Write this sentence: "The sun is warm and the sky is clear today."'))\
        .to_be_visible()

    with live_server.app.app_context():
        row = db.session.get(Patient, patient)
        row.centre.handwriting_sentence = f"Der Himmel ist blau {uuid.uuid4().hex[:4]}."
        sentence = row.centre.handwriting_sentence
        db.session.commit()
    page.reload()  # the context is read again from the server on each open
    page.wait_for_function("""() => import('/app/js/state.js')
      .then((m) => !!m.state.context?.handwriting_sentence)""")
    page.get_by_role("navigation", name="Leave this check").get_by_role("link", name="Cancel")\
        .click()
    open_check(page, "Handwriting")
    expect(page.get_by_text(f'Write this sentence: "{sentence}"')).to_be_visible()
    assert "bald eagle" not in page.content()


def test_a_phone_without_motion_readings_is_told_within_a_second(page, live_server):
    page.clock.install()
    patient = live_server.patient()
    enrol(page, live_server, patient)
    open_check(page, "Tremor")
    page.get_by_role("button", name="Start the movement test").click()
    page.clock.run_for(1100)  # no devicemotion event: this browser has no sensor
    expect(page.get_by_text("This phone sends no movement readings.")).to_be_visible()
    expect(page.get_by_role("button", name="Start the movement test")).to_have_count(0)
