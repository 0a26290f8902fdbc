"""Steps shared by the patient app browser tests: enrol a phone, wait for the service worker."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect


def wait_for_service_worker(page: Page) -> None:
    """Wait until the service worker controls the page (its shell is then cached)."""
    page.wait_for_function("() => !!navigator.serviceWorker.controller", timeout=15_000)


def enrol(page: Page, server, patient_id: int, role: str = "patient") -> None:
    """Open the app with a QR link (#enrol=TOKEN) and continue to Home."""
    code = server.code(patient_id, role)
    page.goto(f"/app/#enrol={code['token']}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        re.compile(f"connected for the {role}"))
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")


def open_check(page: Page, name: str) -> None:
    """Open one check from Home's list."""
    page.get_by_role("navigation", name="Record a check").get_by_role("link", name=name).click()


def post_checkin(server, patient_id: int, body: dict, role: str = "patient") -> dict:
    """Record a check-in from another phone of the patient, through the real API."""
    from server.services.enrolment import redeem

    code = server.code(patient_id, role)
    with server.app.app_context():
        token, _device = redeem(code["code"], None)
    client = server.app.test_client()
    response = client.post("/api/v1/checkins", json=body,
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.json
    return response.json
