"""Staff app in Chromium: resolve with ASTCT grade and a dated treatment; the summary download."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from server.extensions import db

from .staff_steps import centre_with_staff, device_token, patient_at, post_checkin
from .staff_steps import sign_in as staff_sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def api(playwright_instance, live_server):
    """Plain HTTP to the live server (the patient's phone, without a browser)."""
    request = playwright_instance.request.new_context(base_url=live_server.url)
    yield request
    request.dispose()


def _outcome_of(server, patient_id):
    from server.models import EscalationOutcome

    with server.app.app_context():
        row = db.session.execute(db.select(EscalationOutcome).where(
            EscalationOutcome.patient_id == patient_id)).scalar_one_or_none()
        return None if row is None else (row.crs_grade, row.icans_grade, row.treatments)


def _escalation_of(server, patient_id):
    from server.models import Escalation

    with server.app.app_context():
        return db.session.execute(db.select(Escalation.id).where(
            Escalation.patient_id == patient_id)).scalar_one()


def test_resolve_form_records_grade_and_treatment_then_amend(desktop, live_server, api):
    account = centre_with_staff(live_server)
    patient_id = patient_at(live_server, account.centre_id, days=3)
    token = device_token(live_server, patient_id)
    staff_sign_in(desktop, account)
    post_checkin(api, token, {"temperature": {"value": 38.9, "unit": "C"}})
    card = desktop.locator("article.esc")
    expect(card).to_have_count(1, timeout=15_000)
    card.get_by_role("button", name="Resolve").click()
    form = card.locator("form.resolve")
    form.get_by_label("Outcome").select_option("admitted")
    form.get_by_label("CRS grade (ASTCT)").select_option("2")
    form.get_by_role("checkbox", name="Tocilizumab").check()
    form.get_by_role("button", name="Resolve escalation").click()
    expect(form.locator(".treatment .field-error").first).to_have_text(
        "Give the date it was given.")  # checked without a date: asked, nothing sent
    assert _outcome_of(live_server, patient_id) is None
    today = dt.datetime.now(ZoneInfo("Europe/Berlin")).date().isoformat()
    form.get_by_role("textbox", name="Date of Tocilizumab").fill(today)
    form.get_by_role("button", name="Resolve escalation").click()
    expect(card).to_have_count(0, timeout=15_000)  # resolved: off the queue
    assert _outcome_of(live_server, patient_id) == (
        2, None, [{"code": "tocilizumab", "date": today}])

    desktop.goto(f"/staff/#/escalations/{_escalation_of(live_server, patient_id)}")
    resolved = desktop.locator("article.esc")
    resolved.get_by_role("button", name="Record grades and treatments").click()
    amend = resolved.locator("form.outcomes-form")
    expect(amend.get_by_label("CRS grade (ASTCT)")).to_have_value("2")
    amend.get_by_label("ICANS grade (ASTCT)").select_option("1")
    amend.get_by_role("button", name="Save grades and treatments").click()
    expect(amend).to_have_count(0, timeout=15_000)
    assert _outcome_of(live_server, patient_id)[:2] == (2, 1)


def test_patient_page_downloads_the_summary_pdf(desktop, live_server):
    account = centre_with_staff(live_server)
    patient_id = patient_at(live_server, account.centre_id, days=3)
    staff_sign_in(desktop, account)
    desktop.goto(f"/staff/#/patients/{patient_id}")
    link = desktop.locator("#summary-pdf")
    expect(link).to_have_text("Download the course summary so far (PDF, interim)",
                              timeout=15_000)
    with desktop.expect_download() as info:
        link.click()
    path = info.value.path()
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
