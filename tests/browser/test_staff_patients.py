"""Staff app in Chromium: enrol a patient, issue a phone code (text + QR), admin screens."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from server.extensions import db

from .patient_steps import PHONE
from .staff_steps import (
    DESKTOP,
    assert_accessible,
    baselines_of,
    centre_with_staff,
    patient_at,
    patient_with_writing,
    sign_in,
)

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

    from .staff_steps import PASSWORD

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


def test_enrolment_defaults_to_the_centres_zone_and_the_products_window(browser, live_server):
    """The browser is in another zone than the centre (Berlin): the form follows the centre,
    and the window follows the product (POLICY.md: 100 days for ide-cel and cilta-cel)."""
    context = browser.new_context(base_url=live_server.url,
                                  **{**DESKTOP, "timezone_id": "America/Toronto"})
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, centre_with_staff(live_server))
    page.goto("/staff/#/patients")
    form = page.locator("#enrol-form")
    expect(form.get_by_label("Patient time zone")).to_have_value("Europe/Berlin")
    window = form.get_by_label("Monitoring window (days after infusion)")
    expect(window).to_have_value("30")
    form.get_by_label("Product").select_option("cilta-cel")
    expect(window).to_have_value("100")
    form.get_by_label("Product").select_option("axi-cel")
    expect(window).to_have_value("30")
    form.get_by_label("Product").select_option("ide-cel")
    expect(window).to_have_value("100")
    window.fill("60")  # typed by staff: a later product choice leaves it alone
    form.get_by_label("Product").select_option("tisa-cel")
    expect(window).to_have_value("60")
    context.close()


@pytest.fixture
def phone_api(playwright_instance, live_server):
    """Plain HTTP to the live server (the patient's phone)."""
    request = playwright_instance.request.new_context(base_url=live_server.url)
    yield request
    request.dispose()


def test_a_baseline_change_asks_first_shows_at_once_and_can_be_undone(browser, live_server,
                                                                     phone_api):
    account, patient, (first, latest) = patient_with_writing(live_server, phone_api)
    context = browser.new_context(base_url=live_server.url, **DESKTOP)
    context.set_default_timeout(10_000)
    desktop = context.new_page()
    errors: list[str] = []
    desktop.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(desktop, account)
    desktop.goto(f"/staff/#/patients/{patient}")
    use_latest = desktop.get_by_role("button", name="Use the latest sample as baseline")
    use_latest.click()
    dialog = desktop.get_by_role("dialog", name="Change the baseline?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    assert baselines_of(live_server, patient) == (first, 10)  # one click changes nothing

    use_latest.click()
    dialog.get_by_label("Reason (optional)").fill("steadier pen grip")
    dialog.get_by_role("button", name="Change baseline").click()
    card = desktop.locator("#baselines")
    expect(card).to_contain_text("Baseline updated.")
    expect(use_latest).to_have_count(0)  # the page shows the new baseline without a reload
    expect(desktop.locator("#baseline-history li").first).to_contain_text("steadier pen grip")
    assert baselines_of(live_server, patient) == (latest, 10)

    card.get_by_role("button", name="Undo the last change of the Handwriting baseline").click()
    desktop.get_by_role("dialog").get_by_role("button", name="Change baseline").click()
    expect(use_latest).to_be_visible()
    expect(desktop.locator("#baseline-history li")).to_have_count(3)
    assert baselines_of(live_server, patient) == (first, 10)

    card.get_by_label("Baseline ICE score").fill("8")
    card.get_by_role("button", name="Change ICE baseline").click()
    desktop.get_by_role("dialog").get_by_role("button", name="Change baseline").click()
    expect(card.locator(".baselines-now")).to_contain_text("ICE baseline: 8/10")
    assert baselines_of(live_server, patient) == (first, 8)
    card.get_by_role("button", name="Undo the last change of the ICE baseline").click()
    desktop.get_by_role("dialog").get_by_role("button", name="Change baseline").click()
    expect(card.locator(".baselines-now")).to_contain_text("ICE baseline: 10/10")
    assert baselines_of(live_server, patient) == (first, 10)
    assert_accessible(desktop, "staff-patient-baselines-desktop")
    context.close()
    assert not errors, errors


def test_staff_correct_the_infusion_date_with_a_reason(admin_desktop, live_server):
    page, account = admin_desktop
    patient = patient_at(live_server, account.centre_id, days=5)
    page.goto(f"/staff/#/patients/{patient}")
    form = page.locator("#correct-form")
    form.get_by_label("Infusion date and time (patient local time)").fill(
        _local_days_ago(2))
    form.get_by_role("button", name="Save correction").click()
    dialog = page.get_by_role("dialog", name="Correct the record?")
    dialog.get_by_role("button", name="Save correction").click()
    expect(dialog).to_be_visible()  # the reason is required
    dialog.get_by_label("Reason (required)").fill("infusion was two days ago, not five")
    dialog.get_by_role("button", name="Save correction").click()
    enrolled = form.get_by_label("Enrolment date and time (patient local time)")
    expect(enrolled).to_have_attribute("aria-invalid", "true")  # enrolled before the infusion
    expect(form).to_contain_text("must not be before the infusion")
    enrolled.fill(_local_days_ago(2).replace("T10:00", "T11:00"))
    form.get_by_role("button", name="Save correction").click()
    dialog.get_by_label("Reason (required)").fill("infusion was two days ago, not five")
    dialog.get_by_role("button", name="Save correction").click()
    expect(page.locator("#correct")).to_contain_text("Correction saved.")
    expect(page.locator(".meta")).to_contain_text("day 2")

    from server.models import AuditEvent

    with live_server.app.app_context():
        event = db.session.execute(db.select(AuditEvent).where(
            AuditEvent.action == "patient.correct", AuditEvent.patient_id == patient)
        ).scalar_one()
        assert event.detail["reason"] == "infusion was two days ago, not five"
        assert event.detail["fields"] == ["enrolled_at", "infused_at"]


def _local_days_ago(days: int) -> str:
    """A datetime-local value in Berlin, `days` days before now at 10:00."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    at = dt.datetime.now(ZoneInfo("Europe/Berlin")) - dt.timedelta(days=days)
    return at.strftime("%Y-%m-%dT10:00")


def test_staff_enrol_a_patient_in_german_and_see_the_language(admin_desktop, live_server):
    """The enrolment form offers the language; the patient page shows it, the caregiver
    form offers it too, and the phone code's link opens the app in it."""
    from server.models import Caregiver, Patient

    page, account = admin_desktop
    page.goto("/staff/#/patients")
    form = page.locator("#enrol-form")
    form.get_by_label("Name (shown to staff only)").fill("Greta Beispiel")
    form.get_by_label("Product").select_option("axi-cel")
    form.get_by_label("Infusion date and time (patient local time)").fill("2026-11-28T09:30")
    form.get_by_label("Language (app, instructions, reminders)").select_option("de")
    form.get_by_role("button", name="Enrol patient").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Greta Beispiel")
    expect(page.locator(".patient-language")).to_have_text("Language: German (Deutsch)")
    carers = page.locator("#caregivers")
    expect(carers.get_by_label("Language (app, instructions, reminders)")).to_have_value("de")
    carers.get_by_label("Caregiver name").fill("Juan Ejemplo")
    carers.get_by_label("Language (app, instructions, reminders)").select_option("es")
    carers.get_by_role("button", name="Add caregiver").click()
    expect(carers.get_by_text("Juan Ejemplo (Spanish (Español))")).to_be_visible()
    with live_server.app.app_context():
        patient = db.session.execute(db.select(Patient).where(
            Patient.centre_id == account.centre_id)).scalar_one()
        carer = db.session.execute(db.select(Caregiver).where(
            Caregiver.patient_id == patient.id)).scalar_one()
        assert (patient.language, carer.language) == ("de", "es")
    page.locator("#codes").get_by_role("button", name="Issue code").click()
    expect(page.locator("#enrolment-code")).to_have_text(re.compile(r"\w{4}"))
    assert_accessible(page, "staff-patient-language")
