"""Offline: entries wait in the IndexedDB outbox, survive a reload and are sent exactly once."""
from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from .patient_steps import enrol, open_check, registration_id, wait_for_service_worker

pytestmark = pytest.mark.browser


def enter_temperature(page, value: str) -> None:
    """Record one temperature from Home and come back Home."""
    open_check(page, "Temperature")
    page.get_by_label("Temperature in °C").fill(value)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status").last).to_have_text(
        "Saved on this phone. It will be sent as soon as there is a connection.")


def wait_for_rows(server, patient: int, count: int, timeout: float = 10.0) -> list:
    """Poll the database until the patient has `count` check-ins (or time runs out)."""
    deadline = time.monotonic() + timeout
    rows = server.checkins(patient)
    while len(rows) < count and time.monotonic() < deadline:
        time.sleep(0.2)
        rows = server.checkins(patient)
    return rows


def test_three_offline_entries_survive_a_reload_and_arrive_once(
        page, context, live_server, screenshot):
    patient = live_server.patient()
    enrol(page, live_server, patient)
    wait_for_service_worker(page)
    context.set_offline(True)
    enter_temperature(page, "36.8")
    page.get_by_role("link", name="Back to today").click()
    enter_temperature(page, "37.1")
    page.get_by_role("link", name="Back to today").click()
    # an alarming entry offline still gets the safety instruction, worked out on the phone
    enter_temperature(page, "38.9")
    expect(page.get_by_role("heading", level=1)).to_have_text("Call the centre now.")
    expect(page.get_by_role("link", name="Call +49 30 111 222").first).to_be_visible()
    expect(page.get_by_text("worked out on this phone")).to_be_visible()
    screenshot(page, "result-offline")
    page.reload()  # the service worker serves the shell; the outbox is in IndexedDB
    expect(page.get_by_role("link", name="3 waiting to be sent")).to_be_visible()
    expect(page.get_by_text("No connection. Entries are kept")).to_be_visible()
    page.get_by_role("link", name="3 waiting to be sent").click()
    expect(page.locator(".entry.queued")).to_have_count(3)
    screenshot(page, "entries-offline")
    assert live_server.checkins(patient) == []
    context.set_offline(False)  # the online event flushes the outbox
    rows = wait_for_rows(live_server, patient, 3)
    assert sorted(r.temperature_c for r in rows) == [36.8, 37.1, 38.9]
    expect(page.locator(".entry.sent")).to_have_count(3)  # the list follows the outbox
    expect(page.locator(".entry.queued")).to_have_count(0)
    page.reload()  # app start flushes again: nothing is left to send twice
    expect(page.locator(".entry.sent")).to_have_count(3)
    time.sleep(0.5)
    rows = live_server.checkins(patient)
    assert len(rows) == 3
    assert len({r.idempotency_key for r in rows}) == 3
    assert all(r.received_at >= r.observed_at for r in rows)


@pytest.mark.no_service_worker
def test_server_error_keeps_the_entry_and_a_retry_stores_it_once(page, context, live_server):
    patient = live_server.patient()
    enrol(page, live_server, patient)
    failed_keys: list[str] = []
    down = [True]

    def checkins(route):
        if route.request.method == "POST" and down[0]:
            failed_keys.append(route.request.headers["idempotency-key"])
            route.fulfill(status=503, json={"error": {"status": 503, "code": "unavailable",
                                                      "message": "Try again"}})
        else:
            route.fallback()

    context.route("**/api/v1/checkins", checkins)
    enter_temperature(page, "37.0")
    page.get_by_role("link", name="Back to today").click()
    page.get_by_role("link", name="1 waiting to be sent").click()
    expect(page.locator(".entry.queued")).to_have_count(1)
    down[0] = False
    page.get_by_role("button", name="Send now").click()
    expect(page.locator(".entry.sent")).to_have_count(1)
    [row] = live_server.checkins(patient)
    assert failed_keys and set(failed_keys) == {row.idempotency_key}  # retries reuse the key


@pytest.mark.no_service_worker
def test_refused_entry_is_shown_and_can_be_discarded(page, live_server, screenshot):
    patient = live_server.patient()
    enrol(page, live_server, patient)
    refusal = {"error": {"status": 422, "code": "validation", "message": "Invalid input",
                         "fields": {"observed_at": ["may be at most 72 h in the past"]}}}
    page.context.route("**/api/v1/checkins", lambda route: route.fulfill(status=422, json=refusal)
                       if route.request.method == "POST" else route.fallback())
    open_check(page, "Temperature")
    page.get_by_label("Temperature in °C").fill("37.0")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("may be at most 72 h")
    page.get_by_role("link", name="Entries on this phone").click()
    expect(page.locator(".entry.error")).to_contain_text("Not accepted: Invalid input")
    screenshot(page, "entries-refused")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Discard this entry").click()
    expect(page.get_by_text("No entries on this phone.")).to_be_visible()
    assert live_server.checkins(patient) == []


def test_without_thresholds_offline_advice_never_says_all_is_well(page, context, live_server):
    context.route("**/api/v1/device/thresholds", lambda route: route.fulfill(status=503))
    patient = live_server.patient()
    enrol(page, live_server, patient)
    wait_for_service_worker(page)
    context.set_offline(True)
    enter_temperature(page, "39.5")
    expect(page.get_by_text("could not check the entry")).to_be_visible()
    expect(page.get_by_text("Nothing alarming")).to_have_count(0)
    expect(page.get_by_role("link", name="Call +49 30 111 222")).to_be_visible()


def test_offline_mild_tremor_says_the_centre_will_check(page, context, live_server):
    """Whether a mild tremor is new (routine) or persists over the first rating (urgent)
    needs earlier entries: the phone says the centre will check, never 'nothing alarming'."""
    patient = live_server.patient()
    enrol(page, live_server, patient)
    wait_for_service_worker(page)
    context.set_offline(True)
    open_check(page, "Tremor")
    page.get_by_text("Mild", exact=True).click()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("the centre will check it")).to_be_visible()
    expect(page.get_by_text("Nothing alarming")).to_have_count(0)
    expect(page.get_by_role("link", name="Call +49 30 111 222")).to_be_visible()


def test_an_entry_refused_during_background_sync_keeps_the_servers_reason(
        page, context, live_server):
    """The service worker's Background Sync reads the one error shape ({error: {message}}),
    so an entry the server refuses while the app is closed says why on the entries screen."""
    patient = live_server.patient()
    enrol(page, live_server, patient)
    wait_for_service_worker(page)
    cdp, rid = registration_id(context, page)
    context.set_offline(True)
    enter_temperature(page, "36.8")
    # the entry's observed time is now beyond what the server accepts (72 h back)
    page.evaluate("""async () => {
      const store = await import('/app/js/store.js');
      const [entry] = await store.outboxAll();
      entry.body.observed_at = '2020-01-01T08:00:00Z';
      await store.outboxPut(entry);
    }""")
    page.goto("about:blank")  # the app is closed: only the service worker sends
    context.set_offline(False)
    origin = live_server.url
    cdp.send("ServiceWorker.dispatchSyncEvent", {"origin": origin, "registrationId": rid,
                                                 "tag": "outbox", "lastChance": False})
    page.goto("/app/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    entry = None
    for _ in range(50):
        entry = page.evaluate("""async () => {
          const store = await import('/app/js/store.js');
          return (await store.outboxAll())[0] || null;
        }""")
        if entry and entry["status"] == "error":
            break
        page.wait_for_timeout(100)
    assert entry and entry["status"] == "error", entry
    assert entry["error"]["status"] == 422
    assert entry["error"]["message"], entry["error"]  # not an empty reason
    # the text the page keeps for a refusal too (pwa/shared/http.js): the message, then each
    # field's complaint, so an entry reads the same whichever sender met the refusal
    error = entry["error"]["body"]["error"]
    fields = [f"{name}: {' '.join(v if isinstance(v, list) else [v])}"
              for name, v in (error.get("fields") or {}).items()]
    assert fields, error
    assert entry["error"]["message"] == " — ".join([error["message"], *fields])
    assert live_server.checkins(patient) == []
