"""Steps shared by the patient app browser tests: the phone, enrolment, the service worker."""
from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from server import transaction

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True, "locale": "en-GB",
         "timezone_id": "Europe/Berlin"}  # a browser context's options


def wait_for_service_worker(page: Page) -> None:
    """Wait until the service worker controls the page (its shell is then cached)."""
    page.wait_for_function("() => !!navigator.serviceWorker.controller", timeout=15_000)


def registration_id(context, page) -> tuple:
    """The scope-/ service worker registration id, from the DevTools ServiceWorker domain."""
    cdp = context.new_cdp_session(page)
    found: list[str] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated",
           lambda event: found.extend(r["registrationId"] for r in event["registrations"]
                                      if r["scopeURL"].endswith("/") and not r["isDeleted"]))
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 5
    while not found and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert found, "no service worker registration reported"
    return cdp, found[0]


def enrol(page: Page, server, patient_id: int, role: str = "patient") -> None:
    """Open the app with a QR link (#enrol=TOKEN) and continue to Home."""
    code = server.code(patient_id, role)
    page.goto(f"/app/#enrol={code['token']}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        re.compile(f"connected for the {role}"))
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")


def open_check(page: Page, name: str) -> None:
    """Open one check from Home's list, and wait until it is open.

    Right after enrolment Home refreshes itself in place (live counts, the first server
    data); a tap that lands while the links are replaced is lost, as a person's would be,
    and is repeated as a person would.
    """
    link = page.get_by_role("navigation", name="Record a check").get_by_role("link", name=name)
    target = re.compile(re.escape(link.get_attribute("href")) + "$")
    for _ in range(3):
        if target.search(page.url):  # a slow earlier tap got there after all
            return
        try:
            link.click(timeout=5_000)
            page.wait_for_url(target, timeout=5_000)
            return
        except PlaywrightTimeout:
            continue
    expect(page).to_have_url(target)


def post_checkin(server, patient_id: int, body: dict, role: str = "patient") -> dict:
    """Record a check-in from another phone of the patient, through the real API."""
    from server.services.enrolment import redeem

    code = server.code(patient_id, role)
    with server.app.app_context(), transaction.job():  # commits as a request would
        token, _device = redeem(code["code"], None)
    client = server.app.test_client()
    response = client.post("/api/v1/checkins", json=body,
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.json
    return response.json
