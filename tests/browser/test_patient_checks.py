"""Each check end to end in a phone-sized Chromium, stored values read from the database."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .patient_steps import enrol, open_check

pytestmark = pytest.mark.browser


def test_temperature_is_stored_with_its_unit(page, live_server, screenshot):
    patient = live_server.patient()
    enrol(page, live_server, patient)
    open_check(page, "Temperature")
    page.get_by_label("Temperature in °C").fill("37,2")
    screenshot(page, "temperature")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_have_text("Sent to the centre.")
    [row] = live_server.checkins(patient)
    assert (row.temperature_value, row.temperature_unit, row.temperature_c) == (37.2, "C", 37.2)
    assert row.recorded_by == "patient"


def test_fahrenheit_is_remembered(page, live_server):
    patient = live_server.patient()
    enrol(page, live_server, patient)
    open_check(page, "Temperature")
    page.get_by_text("°F", exact=True).click()
    page.get_by_label("Temperature in °F").fill("99.1")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_have_text("Sent to the centre.")
    page.reload()
    open_check(page, "Temperature")
    expect(page.get_by_label("Temperature in °F")).to_be_visible()
    [row] = live_server.checkins(patient)
    assert (row.temperature_value, row.temperature_unit) == (99.1, "F")


def test_implausible_temperature_is_refused_inline(page, live_server):
    patient = live_server.patient()
    enrol(page, live_server, patient)
    open_check(page, "Temperature")
    field = page.get_by_label("Temperature in °C")
    field.fill("3.7")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert")).to_have_text("Enter a temperature between 30 and 44 °C.")
    expect(field).to_have_attribute("aria-invalid", "true")
    assert live_server.checkins(patient) == []


def test_fever_shows_the_call_instruction(page, live_server, screenshot):
    patient = live_server.patient()
    enrol(page, live_server, patient)
    open_check(page, "Temperature")
    page.get_by_label("Temperature in °C").fill("38.6")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Call the centre now.")
    call = page.get_by_role("link", name="Call +49 30 111 222")
    expect(call).to_have_attribute("href", "tel:+4930111222")
    screenshot(page, "result-urgent")
    [row] = live_server.checkins(patient)
    assert row.temperature_c == 38.6


def draw(page, locator, dy=0):
    """Write a few strokes on a canvas with the mouse (pointer events)."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    x0, y0 = box["x"] + 20, box["y"] + 40 + dy
    for stroke in range(3):
        page.mouse.move(x0 + stroke * 60, y0)
        page.mouse.down()
        for step in range(1, 8):
            page.mouse.move(x0 + stroke * 60 + step * 6, y0 + (step % 3) * 8)
        page.mouse.up()


def test_confusion_check_scores_and_stores_each_item(page, live_server, screenshot):
    patient = live_server.patient()
    enrol(page, live_server, patient, role="caregiver")
    open_check(page, "Confusion check")
    # orientation: the year right, the month wrong, the rest could not be answered
    groups = page.locator("fieldset")
    groups.nth(0).get_by_text("Right", exact=True).click()
    groups.nth(1).get_by_text("Wrong", exact=True).click()
    groups.nth(2).get_by_text("Could not do it").click()
    groups.nth(3).get_by_text("Could not do it").click()
    expect(groups.nth(2)).to_contain_text("Right answer: Berlin")
    # naming: type the first object's name (a synonym), tick the second, miss the third
    objects = page.locator(".object")
    first = objects.nth(0).get_attribute("data-object")
    synonyms = {"key": "Keys", "cup": "a mug", "pencil": "pen", "clock": "watch",
                "chair": "seat", "spoon": "teaspoon"}
    page.get_by_label("Name of picture 1").fill(synonyms[first])
    expect(objects.nth(0)).to_contain_text("Accepted")
    objects.nth(1).get_by_text("Said the right name").click()
    # command: blue circle, then the square
    page.get_by_role("button", name="blue circle").click()
    page.get_by_role("button", name="green square").click()
    # writing: a sentence on the canvas, judged sensible
    draw(page, page.locator("canvas"))
    page.get_by_text("Yes, a sensible sentence").click()
    # counting back from 100 by 10, one mistake
    for n, value in enumerate([90, 80, 70, 60, 50, 40, 30, 20, 11], start=1):
        page.get_by_label(f"Number {n}", exact=True).fill(str(value))
    page.get_by_label("Number 9", exact=True).dispatch_event("change")
    expect(page.locator(".score")).to_have_text("Score: 5 of 10")
    screenshot(page, "confusion-check")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_contain_text("Sent to the centre.")
    [row] = live_server.checkins(patient)
    assert row.ice == {"orientation": 1, "naming": 2, "commands": 1, "writing": 1,
                       "attention": 0}
    assert row.ice_total == 5 and row.recorded_by == "caregiver"
    strokes = row.handwriting_strokes
    assert strokes["canvas"]["width"] > 0 and strokes["canvas"]["height"] > 0
    assert strokes["dpr"] == 2
    assert len(strokes["strokes"]) == 3
    x, y, t_ms, pressure = strokes["strokes"][0][1]
    assert t_ms >= 0 and pressure == 0.5


def test_confusion_check_needs_every_part(page, live_server):
    patient = live_server.patient()
    enrol(page, live_server, patient, role="caregiver")
    open_check(page, "Confusion check")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert").filter(has_text="Answer every part")).to_be_visible()
    assert live_server.checkins(patient) == []


def test_tremor_sends_rating_and_motion_samples(page, live_server, screenshot):
    page.clock.install()  # the 12 s test runs on Playwright's clock, not the wall clock
    patient = live_server.patient()
    enrol(page, live_server, patient)
    open_check(page, "Tremor")
    page.get_by_text("Mild", exact=True).click()
    page.clock.pause_at(page.evaluate("Date.now() / 1000") + 1)  # (seconds) time moves when told
    page.get_by_role("button", name="Start the movement test").click()
    # a phone held out at 25 Hz for 12.5 s, with an 8 Hz shake on x
    for i in range(313):
        page.evaluate("""(s) => {
            const a = {x: 0.3 * Math.sin(2 * Math.PI * 8 * s), y: 0.1, z: 9.8};
            window.dispatchEvent(new DeviceMotionEvent('devicemotion',
              {acceleration: a, accelerationIncludingGravity: a, interval: 20}));
          }""", i * 0.04)
        page.clock.run_for(40)
    expect(page.get_by_text("Movement recorded.", exact=True)).to_be_visible()  # no count
    page.clock.resume()
    screenshot(page, "tremor")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status").last).to_contain_text("Sent to the centre.")
    [row] = live_server.checkins(patient)
    assert row.tremor_rating == "mild"
    samples = row.tremor_motion["samples"]
    assert 290 <= len(samples) <= 313 and samples[0][0] == 0 and len(samples[0]) == 4
    assert samples[-1][0] >= 10_000 and samples[0][3] == 9.8


def test_handwriting_sends_strokes_and_judgement(page, live_server, screenshot):
    patient = live_server.patient()
    enrol(page, live_server, patient, role="caregiver")
    open_check(page, "Handwriting")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert").filter(has_text="Choose how the handwriting compares"))\
        .to_be_visible()
    draw(page, page.locator("canvas"))
    page.get_by_text("The same", exact=True).click()
    screenshot(page, "handwriting")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status").last).to_contain_text("Sent to the centre.")
    [row] = live_server.checkins(patient)
    assert row.handwriting_judgement == "same"
    assert len(row.handwriting_strokes["strokes"]) == 3


def test_symptoms_and_vitals_are_stored(page, live_server, screenshot):
    patient = live_server.patient()
    enrol(page, live_server, patient)
    open_check(page, "Symptoms and vital signs")
    page.get_by_text("Shaking chills").click()
    page.get_by_text("Dizzy or fainting").click()
    page.get_by_label("Heart rate at rest (per minute)").fill("300")
    page.get_by_label("Oxygen saturation SpO2 (%)").fill("97")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Enter a number between 20 and 250.")).to_be_visible()
    page.get_by_label("Heart rate at rest (per minute)").fill("88")
    screenshot(page, "symptoms")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status").last).to_contain_text("Sent to the centre.")
    [row] = live_server.checkins(patient)
    assert row.symptoms == ["dizziness", "rigors"]
    assert (row.heart_rate, row.spo2, row.systolic_bp) == (88, 97, None)


def test_a_stroke_sliding_off_the_pad_is_kept_on_the_canvas(page, live_server):
    patient = live_server.patient()
    enrol(page, live_server, patient, role="caregiver")
    open_check(page, "Handwriting")
    pad = page.locator("canvas")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + box["height"] / 2)
    page.mouse.down()
    for step in range(1, 12):  # the finger runs far past the right and bottom edges
        page.mouse.move(box["x"] + 30 + step * box["width"] / 6,
                        box["y"] + box["height"] / 2 + step * 25)
    page.mouse.up()
    page.get_by_text("The same", exact=True).click()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status").last).to_contain_text("Sent to the centre.")
    [row] = live_server.checkins(patient)
    canvas = row.handwriting_strokes["canvas"]
    points = row.handwriting_strokes["strokes"][0]
    assert max(p[0] for p in points) <= canvas["width"]
    assert max(p[1] for p in points) <= canvas["height"]
