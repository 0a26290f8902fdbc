"""Staff app in Chromium: enrol a patient, issue a phone code (text + QR), admin screens."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from server.extensions import db

from .patient_steps import PHONE
from .staff_steps import DESKTOP, assert_accessible, centre_with_staff, sign_in

pytestmark = pytest.mark.browser


def _signed_in(browser, live_server, viewport: str):
    """A signed-in admin of a fresh centre, on a desktop or a phone; page errors fail."""
    context = browser.new_context(base_url=live_server.url,
                                  **(DESKTOP if viewport == "desktop" else PHONE))
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    account = centre_with_staff(live_server)
    sign_in(page, account)
    page.viewport_name = viewport
    yield page, account
    context.close()
    assert not errors, errors


@pytest.fixture(params=["desktop", "phone"])
def staff_page(request, browser, live_server):
    """Signed in on each viewport in turn."""
    yield from _signed_in(browser, live_server, request.param)


@pytest.fixture
def admin_desktop(browser, live_server):
    """Signed in on a desktop (the admin screens' usual place)."""
    yield from _signed_in(browser, live_server, "desktop")


def test_queue_and_patients_are_accessible(staff_page, screenshot):
    page, _ = staff_page
    assert_accessible(page, f"staff-queue-{page.viewport_name}")
    page.get_by_role("link", name="Patients").click()
    expect(page.get_by_role("heading", name="Enrol a patient")).to_be_visible()
    assert_accessible(page, f"staff-patients-{page.viewport_name}")
    screenshot(page, f"staff-patients-{page.viewport_name}")


def test_enrol_patient_then_issue_phone_code(staff_page, live_server, screenshot):
    page, account = staff_page
    page.goto("/staff/#/patients")
    form = page.locator("#enrol-form")
    form.get_by_label("Name (shown to staff only)").fill("Robin Example")
    form.get_by_label("Product").select_option("cilta-cel")
    form.get_by_label("Patient time zone").select_option("Europe/Vienna")
    form.get_by_label("Infusion date and time (patient local time)").fill("2026-11-20T09:30")
    form.get_by_label("Monitoring window (days after infusion)").fill("100")
    form.get_by_role("button", name="Enrol patient").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Robin Example")

    from server.models import Patient

    with live_server.app.app_context():
        patient = db.session.execute(db.select(Patient).where(
            Patient.centre_id == account.centre_id)).scalar_one()
        assert patient.infused_at.isoformat() == "2026-11-20T08:30:00+00:00"  # 09:30 in Vienna
        assert (patient.window_days, patient.product) == (100, "cilta-cel")

    page.locator("#codes").get_by_role("button", name="Issue code").click()
    expect(page.locator("#enrolment-code")).to_have_text(re.compile(r"\w{4}"))
    qr = page.get_by_role("img", name="QR code to enrol a phone")
    expect(qr).to_be_visible()
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=qr.element_handle())
    assert_accessible(page, f"staff-patient-{page.viewport_name}")
    screenshot(page, f"staff-enrolment-code-{page.viewport_name}")


def test_admin_adds_staff_changes_tier_and_reads_audit(admin_desktop, screenshot):
    page, _ = admin_desktop
    page.get_by_role("link", name="Admin").click()
    form = page.locator("#staff-form")
    form.get_by_label("Handle").fill("night-nurse")
    form.get_by_label("Name").fill("Night Nurse")
    form.get_by_label("Email").fill("night.nurse@example.org")
    form.get_by_label("Tier").select_option("2")
    form.get_by_label("Initial password (at least 12 characters)").fill("password1234")
    form.get_by_role("button", name="Create").click()
    expect(form.locator(".field-error").filter(has_text="password")).to_be_visible()
    form.get_by_label("Initial password (at least 12 characters)").fill(
        "lantern orbit velvet 9")
    form.get_by_role("button", name="Create").click()
    row = page.locator("tr", has_text="night-nurse")
    expect(row).to_contain_text("Night Nurse")
    row.get_by_label("On duty night-nurse").uncheck()
    row.get_by_role("button", name="Save night-nurse").click()
    expect(row).to_contain_text("Saved.")

    centre = page.locator("#centre-form")
    fever = centre.get_by_label(re.compile("^Fever from"))
    fever.fill("39.5")
    centre.get_by_role("button", name="Save").click()
    assert fever.evaluate("(el) => el.validity.rangeOverflow")  # the bound is in the form too
    expect(centre.get_by_role("status")).to_have_text("")
    centre.get_by_label(re.compile("^Fever from")).fill("38.5")
    centre.get_by_role("button", name="Save").click()
    expect(centre.get_by_role("status")).to_have_text("Saved.")

    audit = page.locator("#audit")
    audit.get_by_role("button", name="Filter").click()
    expect(page.locator("#audit-table")).to_contain_text("staff.update")
    assert_accessible(page, "staff-admin-desktop")
    screenshot(page, "staff-admin-desktop")


def test_audit_shows_a_probe_by_another_centre_without_naming_the_prober(
        admin_desktop, live_server):
    import pyotp

    from .staff_steps import PASSWORD, patient_at

    page, account = admin_desktop
    ours = patient_at(live_server, account.centre_id)
    stranger = centre_with_staff(live_server, role="nurse")
    api = live_server.app.test_client()
    api.post("/api/v1/auth/login", json={"email": stranger.email, "password": PASSWORD})
    api.post("/api/v1/auth/totp", json={"code": pyotp.TOTP(stranger.totp_secret).now()})
    assert api.get(f"/api/v1/staff/patients/{ours}/timeline").status_code == 404
    page.get_by_role("link", name="Admin").click()
    row = page.locator("#audit-table tr", has_text="patient.refused")
    expect(row).to_contain_text("staff of another centre")
    expect(row).not_to_contain_text("nurse-")
