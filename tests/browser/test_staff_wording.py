"""Staff app in Chromium: words instead of codes, one time format, a valid handle pattern,
a chart key, and the resolved-escalation search screen (issue 16, findings 4-6, 8, 9)."""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest
from playwright.sync_api import expect

from server.extensions import db
from tests.measures_synth import motion, random_holder

from .staff_steps import (
    DESKTOP,
    assert_accessible,
    centre_with_staff,
    checkin_at,
    device_token,
    patient_at,
    post_checkin,
    sign_in,
)

pytestmark = pytest.mark.browser
FULL_ICE = {"orientation": 4, "naming": 3, "commands": 1, "writing": 1, "attention": 1}
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")  # snake_case: an internal code shown as words


@pytest.fixture
def desk(browser, live_server):
    """A desktop page that records page errors and console errors/warnings."""
    context = browser.new_context(base_url=live_server.url, **DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda msg: problems.append(msg.text)
            if msg.type in ("error", "warning") else None)
    page.problems = problems
    yield page
    context.close()


@pytest.fixture
def api(playwright_instance, live_server):
    """Plain HTTP to the live server (the patient's phone)."""
    request = playwright_instance.request.new_context(base_url=live_server.url)
    yield request
    request.dispose()


def _server_codes() -> dict[str, list[str]]:
    """Every code the server can put in front of staff, from its own constants."""
    from server import policy as P
    from server.clinical import ladder
    from server.measures.service import FEATURE_NAMES
    from server.models.outbox import PURPOSES
    from server.outbox.rows import FINAL_STATES

    return {"purposes": list(PURPOSES), "delivery_states": ["pending", "leased", *FINAL_STATES],
            "undeliverable": list(ladder.UNDELIVERABLE_REASONS),
            "overrides": list(P.THRESHOLD_BOUNDS) + list(P.MEASURE_OVERRIDES),
            "features": list(FEATURE_NAMES)}


def test_every_server_code_has_words(desk, live_server):
    """Finding 4: undeliverable reasons, override keys and features all have labels."""
    desk.goto("/staff/")
    codes = _server_codes()
    found = desk.evaluate("""async (codes) => {
      const m = await import('/staff/js/i18n.js');
      return {
        undeliverable: codes.undeliverable.map((c) => [c, m.undeliverableText(`${c}:staff7`)]),
        overrides: codes.overrides.map((c) => [c, m.overrideLabel(c)]),
        features: codes.features.map((c) => [c, m.featureLabel(c)]),
        purposes: codes.purposes.map((c) => [c, m.deliveryText('purpose', c)]),
        delivery_states: codes.delivery_states.map((c) => [c, m.deliveryText('state', c)]),
        labelled: m.LABELLED,
      };
    }""", codes)
    for table, names in codes.items():
        assert set(names) <= set(found["labelled"][table]), table
    for code, text in found["purposes"] + found["delivery_states"]:
        assert text and "_" not in text, (code, text)
    for code, text in found["undeliverable"]:
        assert code not in text and text.endswith("(staff #7)"), text
    for code, label in found["overrides"]:
        assert code not in label["label"] and label["meaning"], code
        assert re.search(r"\(.*(°C|mmHg|%|/min|of 10|×).*\)", label["label"]), label
    for code, label in found["features"]:
        assert label["meaning"] and label["label"] != code, code
        assert label.get("hidden") or isinstance(label.get("unit"), str), code
        assert "_" not in label["label"], label


def test_push_errors_are_words_not_browser_messages(desk):
    """Finding 4: a DOMException from the push registration is explained."""
    desk.goto("/staff/")
    texts = desk.evaluate("""async () => {
      const m = await import('/staff/js/i18n.js');
      return ['AbortError', 'NotAllowedError', 'InvalidStateError', 'Weird'].map((name) =>
        m.pushErrorText(new DOMException('Registration failed - permission denied', name)));
    }""")
    assert all("Registration failed" not in text for text in texts), texts
    assert texts[1].startswith("Notifications are blocked")


def test_admin_page_words_handle_pattern_and_clock(desk, live_server):
    """Findings 4-6: override labels, a handle pattern valid under v, one time format."""
    account = centre_with_staff(live_server)
    sign_in(desk, account)
    status = desk.locator("#queue-status")
    expect(status).to_contain_text("Updated")
    assert re.fullmatch(r"Updated \d\d:\d\d:\d\d \S+", status.inner_text()), status.inner_text()
    desk.goto("/staff/#/admin")
    centre = desk.locator("#centre-form")
    expect(centre).to_contain_text("Fever from (°C) (default 38)")
    expect(centre).to_contain_text("Low oxygen urgent below (SpO₂ %)")
    assert "fever c" not in centre.inner_text() and "spo2 urgent" not in centre.inner_text()
    handle = desk.locator("#staff-form input[name=handle]")
    handle.fill("Bad Handle!")
    assert handle.evaluate("(el) => el.validity.patternMismatch") is True
    handle.fill("nurse.b-2")
    assert handle.evaluate("(el) => el.validity.valid") is True
    expect(desk.locator("#staff-form")).to_contain_text("lower-case letters a-z")
    expect(desk.locator("#audit-table tbody tr").first).to_be_visible()
    first = desk.locator("#audit-table tbody tr td").first.inner_text()
    assert re.fullmatch(r"\w{3} \d{1,2} \w{3}, \d\d:\d\d \S+", first), first
    desk.locator("#centre-form select[name=time_format]").select_option("12h")
    desk.locator("#centre-form").get_by_role("button", name="Save").click()
    expect(centre).to_contain_text("Saved.")
    desk.goto("/staff/#/queue")
    desk.reload()
    expect(status).to_contain_text("Updated")
    assert re.fullmatch(r"Updated \d\d:\d\d:\d\d [ap]m \S+", status.inner_text()), \
        status.inner_text()
    assert not [p for p in desk.problems if "pattern" in p or "regular expression" in p], \
        desk.problems
    assert_accessible(desk, "staff-admin-wording")


def test_chart_key_colours_and_labels(desk, live_server, api):
    """Finding 8: a key to the markers; markers never take a series colour; reference
    labels right-aligned inside the plot, clear of the left tick labels."""
    account = centre_with_staff(live_server)
    patient = patient_at(live_server, account.centre_id, days=6)
    token = device_token(live_server, patient)
    rng = np.random.default_rng(5)
    holder = random_holder(rng)
    post_checkin(api, token, {
        "observed_at": checkin_at(30), "temperature": {"value": 36.8, "unit": "C"},
        "ice": FULL_ICE, "vitals": {"heart_rate": 80, "systolic_bp": 120, "spo2": 97},
        "tremor": {"rating": "none", "motion": motion(holder, rng)}})
    post_checkin(api, token, {
        "observed_at": checkin_at(2), "temperature": {"value": 38.9, "unit": "C"},
        "ice": FULL_ICE, "symptoms": ["rigors"],
        "vitals": {"heart_rate": 112, "systolic_bp": 104, "spo2": 96},
        "tremor": {"rating": "mild", "motion": motion(holder, rng, tremor=0.4)}})
    sign_in(desk, account)
    desk.goto(f"/staff/#/patients/{patient}")
    key = desk.locator("#chart-legend")
    expect(key).to_be_visible()
    for words in ("Escalation opened (Urgent)", "Escalation opened (Emergency)",
                  "Symptom reported", "Threshold line", "Baseline line"):
        expect(key).to_contain_text(words)
    colours = desk.evaluate("""async () => {
      const c = await import('/staff/js/charts.js');
      const bbox = { left: 50, top: 10, width: 400, height: 180 };
      return { series: Object.values(c.SERIES_COLOURS),
        markers: [...Object.values(c.SEVERITY_COLOURS), c.SYMPTOM_COLOUR],
        nearTop: c.labelPlacement(10, bbox, 60, 12, 4),
        middle: c.labelPlacement(100, bbox, 60, 12, 4) };
    }""")
    assert not set(colours["series"]) & set(colours["markers"])
    for at in (colours["nearTop"], colours["middle"]):
        assert at["x"] == 50 + 400 - 60 - 4  # right end, away from the y-axis ticks
        assert 10 + 12 <= at["y"] <= 10 + 180  # the whole text inside the plot
    tremor = desk.locator("#tremor thead").inner_text()
    assert "Tremor strength (m/s²)" in tremor and not CODE.search(tremor), tremor
    assert "false" not in desk.locator("#tremor tbody").inner_text()


def _resolve(live_server, patient_id, reason, outcome, at):
    from server.models import Escalation, Finding

    with live_server.app.app_context():
        row = Escalation(patient_id=patient_id, severity="urgent", state="resolved",
                         reasons=[reason], syndromes=[], observed_at=at, opened_at=at,
                         resolved_at=at + dt.timedelta(hours=1), outcome=outcome)
        db.session.add(row)
        db.session.flush()
        db.session.add(Finding(escalation_id=row.id, patient_id=patient_id, rule_id="R-X",
                               reason=reason, severity="urgent", observed_at=at))
        db.session.commit()
        return row.id


def test_resolved_escalations_screen_searches(desk, live_server):
    """Finding 9: list and search resolved escalations by reason and outcome."""
    account = centre_with_staff(live_server, role="nurse")
    patient = patient_at(live_server, account.centre_id, days=8)
    now = dt.datetime.now(dt.UTC)
    fever = _resolve(live_server, patient, "fever", "false_alarm", now - dt.timedelta(days=2))
    hypoxia = _resolve(live_server, patient, "hypoxia", "admitted", now - dt.timedelta(days=1))
    sign_in(desk, account)
    desk.get_by_role("link", name="Resolved").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Resolved escalations")
    rows = desk.locator("#history-table tbody tr")
    expect(rows).to_have_count(2)
    assert [rows.nth(i).get_attribute("data-escalation-id") for i in range(2)] == [
        str(hypoxia), str(fever)]
    expect(rows.first).to_contain_text("Low oxygen")
    expect(rows.first).to_contain_text("Admitted")
    desk.get_by_label("Outcome").select_option("false_alarm")
    desk.get_by_role("button", name="Search").click()
    expect(rows.first).to_have_attribute("data-escalation-id", str(fever))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Temperature 38.0 °C or higher")
    desk.get_by_label("Outcome").select_option("")
    desk.get_by_label("Reason").select_option("hypoxia")
    desk.get_by_role("button", name="Search").click()
    expect(rows.first).to_have_attribute("data-escalation-id", str(hypoxia))
    expect(rows).to_have_count(1)
    assert_accessible(desk, "staff-resolved-escalations")
    rows.first.get_by_role("link").click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text(str(hypoxia))
    assert not [p for p in desk.problems if "Failed to load resource" not in p], desk.problems
