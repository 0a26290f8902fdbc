"""Staff app in Chromium: the queue card and escalation page show the values behind each
reason (issue 16.1): 39.2 °C the max of two readings, HR 112 / BP 92 with NEWS2 and its parts,
ICE 9/10 against the baseline, who recorded it, a late entry, day N and product."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from server import transaction
from server.extensions import db

from .staff_steps import (
    assert_accessible,
    centre_with_staff,
    checkin_at,
    device_token,
    patient_at,
    post_checkin,
    sign_in,
)

pytestmark = pytest.mark.browser


def _caregiver_token(server, patient_id: int) -> str:
    """Enrol the patient's caregiver's phone and return its bearer token."""
    from server.models import Patient, Staff
    from server.services.enrolment import issue_code, redeem

    with server.app.app_context(), transaction.job():  # commits as a request would
        patient = db.session.get(Patient, patient_id)
        staff = db.session.execute(
            db.select(Staff).where(Staff.centre_id == patient.centre_id)).scalars().first()
        code = issue_code(patient, "caregiver", patient.caregivers[0], staff)
        return redeem(code["code"], None)[0]


def _expect_values(card) -> None:
    fever = card.locator("li[data-reason='fever']")
    expect(fever).to_contain_text("39.2 °C (max of 2 readings)")
    expect(fever).to_contain_text("recorded by a caregiver")
    news2 = card.locator("li[data-reason='news2']")
    expect(news2).to_contain_text("NEWS2 6: pulse 2, systolic 2, temperature 2")
    expect(news2).to_contain_text("HR 112/min · BP systolic 92 mmHg")
    ice = card.locator("li[data-reason='ice_low']")
    expect(ice).to_contain_text("ICE 9/10 (baseline 10)")
    expect(ice).to_contain_text("self-check by the patient alone")
    expect(ice.locator(".ev-source.late")).to_contain_text("late entry")
    expect(card.locator("header .day")).to_have_text("Day 4 of 30")
    expect(card.locator("header .product")).to_have_text("cilta-cel")


def test_card_and_escalation_page_show_the_readings(desktop, live_server, api):
    account = centre_with_staff(live_server)
    patient = patient_at(live_server, account.centre_id, days=4, product="cilta-cel")
    phone, carer = device_token(live_server, patient), _caregiver_token(live_server, patient)
    post_checkin(api, phone, {"observed_at": checkin_at(0.5),  # sent 30 min late
                              "ice": {"orientation": 4, "naming": 3, "commands": 1,
                                      "writing": 1, "attention": 0, "self": True}})
    post_checkin(api, phone, {"temperature": {"value": 38.6, "unit": "C"}})
    answer = post_checkin(api, carer, {"temperature": {"value": 39.2, "unit": "C"},
                                       "vitals": {"heart_rate": 112, "systolic_bp": 92}})
    escalation = answer["escalation"]["id"]
    sign_in(desktop, account)

    _expect_values(desktop.locator(f"article.esc[data-escalation-id='{escalation}']"))
    assert_accessible(desktop, "staff-queue-evidence")
    desktop.goto(f"/staff/#/escalations/{escalation}")
    expect(desktop.get_by_role("heading", level=1)).to_have_text(f"Escalation {escalation}")
    _expect_values(desktop.locator(f"article.esc[data-escalation-id='{escalation}']"))
