"""A new user's morning: enrol, then the guided due check (temperature, handwriting, confusion
check, tremor, symptoms) from Home, in well under three minutes."""
from __future__ import annotations

import datetime as dt
import time

import pytest
from playwright.sync_api import expect

from .patient_steps import enrol
from .test_patient_checks import draw

pytestmark = pytest.mark.browser


def zone_where_it_is_eight() -> str:
    """A fixed-offset zone in which the local time now is 08:xx (the 08:00 neuro slot)."""
    offset = 8 - dt.datetime.now(dt.UTC).hour
    if offset < -12:
        offset += 24
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"


def test_full_morning_check_from_home(page, live_server, screenshot):
    started = time.monotonic()
    patient = live_server.patient(timezone=zone_where_it_is_eight())
    enrol(page, live_server, patient, role="caregiver")
    page.get_by_role("link", name="Start the due check").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Temperature")
    page.get_by_label("Temperature in °C").fill("36.9")
    page.get_by_role("button", name="Send").click()
    page.get_by_role("link", name="Continue: Handwriting").click()

    draw(page, page.locator("canvas"))
    page.get_by_text("The same", exact=True).click()
    page.get_by_role("button", name="Send").click()
    page.get_by_role("link", name="Continue: Confusion check").click()

    for group in range(4):
        page.locator("fieldset").nth(group).get_by_text("Right", exact=True).click()
    for n in (1, 2, 3):
        page.locator(".object").nth(n - 1).get_by_text("Said the right name").click()
    page.get_by_role("button", name="blue circle").click()
    page.get_by_role("button", name="green square").click()
    page.get_by_text("Yes, a sensible sentence").click()  # the sentence written just before
    for n, value in enumerate(range(90, 0, -10), start=1):
        page.get_by_label(f"Number {n}", exact=True).fill(str(value))
    page.get_by_role("button", name="Send").click()
    page.get_by_role("link", name="Continue: Tremor").click()

    page.get_by_text("None", exact=True).click()
    page.get_by_role("button", name="Send").click()
    page.get_by_role("link", name="Continue: Symptoms and vital signs").click()
    page.get_by_role("link", name="No new symptoms").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    expect(page.locator(".slot.done")).to_have_count(1)
    screenshot(page, "home-after-morning-check")

    rows = live_server.checkins(patient)
    assert [r.temperature_c is not None for r in rows] == [True, False, False, False]
    assert rows[1].handwriting_judgement == "same" and rows[1].handwriting_strokes
    assert rows[2].ice_total == 10 and rows[2].handwriting_strokes is None  # not sent twice
    assert rows[3].tremor_rating == "none"
    assert time.monotonic() - started < 180
