"""Accessibility of every patient app screen with axe-core: no serious or critical violation."""
from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .patient_steps import enrol

pytestmark = pytest.mark.browser

SCREENS = [
    ("#/", "Today"),
    ("#/temperature", "Temperature"),
    ("#/ice", "Confusion check"),
    ("#/tremor", "Tremor"),
    ("#/handwriting", "Handwriting"),
    ("#/symptoms", "Symptoms and vital signs"),
    ("#/entries", "Entries on this phone"),
    ("#/settings", "Settings"),
]


def serious(page) -> list:
    """axe-core violations of serious or critical impact, as (rule, first target) pairs."""
    results = Axe().run(page)
    return [(v["id"], v["nodes"][0]["target"]) for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")]


def test_enrolment_screen_is_accessible(page, screenshot):
    page.goto("/app/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to CARTwatch")
    screenshot(page, "enrol")
    assert serious(page) == []
    page.get_by_role("button", name="Connect this phone").click()
    expect(page.get_by_role("alert")).to_have_text("Please enter the code.")
    assert serious(page) == []


def test_every_enrolled_screen_is_accessible(page, live_server, screenshot):
    blocked: list[str] = []  # the strict CSP must not block anything the app does
    page.on("console", lambda msg: blocked.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    patient = live_server.patient()
    enrol(page, live_server, patient, role="caregiver")
    failures = {}
    for hash_, heading in SCREENS:
        page.evaluate("(h) => { location.hash = h; }", hash_)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        page.wait_for_timeout(100)
        name = "home-caregiver" if hash_ == "#/" else hash_.strip("#/")
        screenshot(page, f"a11y-{name}")
        found = serious(page)
        if found:
            failures[hash_] = found
    assert failures == {}
    assert blocked == []


def test_text_is_large_and_targets_big_enough(page, live_server):
    patient = live_server.patient()
    enrol(page, live_server, patient)
    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 18
    small = page.evaluate("""() => [...document.querySelectorAll('button, a.button, .option')]
        .filter((el) => el.offsetParent && el.getBoundingClientRect().height < 44)
        .map((el) => el.textContent)""")
    assert small == []
