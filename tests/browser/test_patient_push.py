"""Push: a message delivered to the service worker through DevTools shows its notification,
reports receipts, and a click opens the due check. Only pushManager.subscribe is stubbed."""
from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import expect

from .patient_steps import enrol, registration_id, wait_for_service_worker

pytestmark = pytest.mark.browser

STUB_SUBSCRIBE = """
if (self.PushManager) {
  PushManager.prototype.subscribe = async function (options) {
    return {
      endpoint: 'https://push.invalid/send/stub-1', options,
      toJSON() {
        return {endpoint: this.endpoint, expirationTime: null,
                keys: {p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u'
                               + '-Ts1XbjhazAkj7I99e8QcYP7DkM',
                       auth: 'tBHItJI5svbpez7KI4CCXg'}};
      },
      unsubscribe: async () => true,
    };
  };
}
"""
REMINDER = {  # as server.clinical.notify + server.outbox build it
    "web_push": 8030,
    "notification": {"title": "Time for your check", "body": "Your 14:00 check is due.",
                     "navigate": "http://127.0.0.1/app/", "tag": "reminder-1", "silent": False},
    "kind": "reminder", "severity": None, "escalation_id": None,
    "data": {"intent_id": 4242, "url": "http://127.0.0.1/app/"},
}


@pytest.fixture
def push_page(context, live_server):
    """A phone page allowed to notify, with pushManager.subscribe stubbed (no push service)."""
    context.grant_permissions(["notifications"], origin=live_server.url)
    context.add_init_script(STUB_SUBSCRIBE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert not errors, errors


def deliver(cdp, live_server, rid, payload: dict) -> None:
    """Deliver a push message to the registration, as the push service would."""
    cdp.send("ServiceWorker.deliverPushMessage",
             {"origin": live_server.url, "registrationId": rid, "data": json.dumps(payload)})


def notifications(page) -> list:
    """The notifications the service worker is showing."""
    return page.evaluate("""navigator.serviceWorker.ready
        .then((r) => r.getNotifications())
        .then((list) => list.map((n) => ({title: n.title, body: n.body, tag: n.tag,
                                            data: n.data, actions: n.actions})))""")


def wait_for_notifications(page, count: int, timeout: float = 15.0) -> list:
    """Poll until the worker shows `count` notifications; return them."""
    deadline = time.monotonic() + timeout
    shown = notifications(page)
    while len(shown) != count and time.monotonic() < deadline:
        page.wait_for_timeout(100)
        shown = notifications(page)
    return shown


def service_worker(context):
    """The page's service worker as Playwright sees it (it may report it a little later)."""
    workers = context.service_workers
    return workers[0] if workers else context.wait_for_event("serviceworker")


def posted(requests, path: str) -> list:
    """JSON bodies of the POST requests seen for a path."""
    return [json.loads(r.post_data) for r in requests
            if r.method == "POST" and r.url.endswith(path)]


def test_reminder_push_shows_notification_and_click_opens_due_check(
        push_page, context, live_server, screenshot):
    page = push_page
    requests = []
    context.on("request", lambda r: requests.append(r))
    patient = live_server.patient()
    code = live_server.code(patient)
    page.goto(f"/app/#enrol={code['token']}")
    expect(page.get_by_text("Reminders are on.")).to_be_visible()  # permission granted
    wait_for_service_worker(page)
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    # the app re-synced the stubbed subscription with the server
    page.wait_for_timeout(300)
    if page.request.get("/api/v1/push/key").status != 404:  # the push API has landed
        subscriptions = posted(requests, "/api/v1/push/subscriptions")
        assert subscriptions, "the app did not send its subscription"
        assert subscriptions[0]["endpoint"] == "https://push.invalid/send/stub-1"
        assert set(subscriptions[0]["keys"]) == {"p256dh", "auth"}

    cdp, rid = registration_id(context, page)
    deliver(cdp, live_server, rid, REMINDER)
    [shown] = wait_for_notifications(page, 1)
    assert (shown["title"], shown["body"], shown["tag"]) == (
        "Time for your check", "Your 14:00 check is due.", "reminder-1")
    assert shown["data"]["url"] == "http://127.0.0.1/app/#/check"  # reminders open the check
    assert shown["data"]["intent_id"] == 4242
    page.wait_for_timeout(300)
    assert {"intent_id": 4242, "event": "shown"} in posted(requests, "/api/v1/push/receipts")

    # a click on the notification (dispatched to the worker's click handler)
    worker = service_worker(context)
    worker.evaluate("""self.registration.getNotifications()
        .then((list) => handleNotificationClick(list[0], ''))""")
    expect(page.get_by_role("heading", level=1)).to_have_text("Temperature")
    assert page.url.endswith("#/temperature")
    assert {"intent_id": 4242, "event": "clicked"} in posted(requests, "/api/v1/push/receipts")
    screenshot(page, "push-opened-due-check")


def test_acknowledge_action_posts_the_signed_token(push_page, context, live_server):
    page = push_page
    requests = []
    context.on("request", lambda r: requests.append(r))
    page.goto("/app/")
    wait_for_service_worker(page)
    cdp, rid = registration_id(context, page)
    deliver(cdp, live_server, rid, {
        "web_push": 8030,
        "notification": {"title": "Urgent alert", "body": "A patient needs review.",
                         "navigate": "/staff/#/escalations/7", "tag": "escalation-7"},
        "kind": "escalation", "severity": "urgent",
        "data": {"intent_id": 77, "url": "/staff/#/escalations/7", "ack_token": "signed.token"},
    })
    [shown] = wait_for_notifications(page, 1)
    assert [a["action"] for a in shown["actions"]] == ["acknowledge"]
    worker = service_worker(context)
    worker.evaluate("""self.registration.getNotifications()
        .then((list) => handleNotificationClick(list[0], 'acknowledge'))
        .catch((err) => err.name)  // without the push API the worker opens the staff app,
                                   // which a synthetic click may not do""")
    page.wait_for_timeout(300)
    assert posted(requests, "/api/v1/push/ack") == [{"token": "signed.token"}]
    assert {"intent_id": 77, "event": "clicked"} in posted(requests, "/api/v1/push/receipts")


def test_caregiver_messages_from_push_are_listed_on_home(push_page, context, live_server):
    page = push_page
    patient = live_server.patient()
    enrol(page, live_server, patient, role="caregiver")
    wait_for_service_worker(page)
    cdp, rid = registration_id(context, page)
    deliver(cdp, live_server, rid, {
        "web_push": 8030,
        "notification": {"title": "The centre has seen your alert",
                         "body": "The centre will contact you.", "navigate": "/app/",
                         "tag": "ack-3"},
        "kind": "acknowledged", "data": {"intent_id": 9, "url": "/app/"},
    })
    messages = page.get_by_role("heading", name="Messages")
    expect(messages).to_be_visible()
    expect(page.get_by_text("The centre has seen your alert: The centre will contact you."))\
        .to_be_visible()
