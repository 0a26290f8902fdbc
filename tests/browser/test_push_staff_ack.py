"""End to end: a fever check-in → dispatcher → loopback push service (decrypted) → the staff
browser's service worker (via DevTools deliverPushMessage) → `shown` receipt stored →
the Acknowledge action acknowledges the escalation with the signed token."""
from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import expect

from .patient_steps import registration_id
from .staff_steps import (
    DESKTOP,
    centre_with_staff,
    device_token,
    dispatch_pass,
    patient_at,
    post_checkin,
    sign_in,
    subscribe_staff,
)

pytestmark = pytest.mark.browser


def wait_until(check, timeout: float = 5.0):
    """Poll `check()` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    return check()


def subscribed_desk(browser, live_server, push_service):
    """A nurse signed in on a desktop whose service worker runs and is push-subscribed."""
    account = centre_with_staff(live_server)
    patient = patient_at(live_server, account.centre_id)
    endpoint = subscribe_staff(live_server, push_service, account.id)
    desk = browser.new_context(base_url=live_server.url, **DESKTOP)
    desk.set_default_timeout(10_000)
    desk.grant_permissions(["notifications"], origin=live_server.url)
    page = desk.new_page()
    sign_in(page, account)
    page.wait_for_function("() => !!navigator.serviceWorker.controller", timeout=15_000)
    return account, patient, endpoint, desk, page


def stored_receipts(live_server, intent_id: int) -> list:
    """The receipts the server holds for one notification."""
    from server.extensions import db
    from server.models import Receipt

    with live_server.app.app_context():
        try:
            return db.session.execute(
                db.select(Receipt).where(Receipt.intent_id == intent_id)).scalars().all()
        finally:
            db.session.remove()


def test_staff_push_is_shown_receipted_and_acknowledged(browser, live_server,
                                                        loopback_push):
    from server.extensions import db
    from server.models import Escalation

    account, patient, endpoint, desk, page = subscribed_desk(browser, live_server,
                                                             loopback_push)

    answer = post_checkin(desk.request, device_token(live_server, patient),
                          {"temperature": {"value": 38.6, "unit": "C"}})
    escalation_id = answer["escalation"]["id"]
    assert dispatch_pass(live_server).get("sent", 0) >= 1
    [delivery] = loopback_push.for_endpoint(endpoint)
    payload = delivery.payload  # what the push service decrypted: the browser gets the same
    assert payload["escalation_id"] == escalation_id and payload["data"]["ack_token"]

    cdp, rid = registration_id(desk, page)
    cdp.send("ServiceWorker.deliverPushMessage",
             {"origin": live_server.url, "registrationId": rid, "data": json.dumps(payload)})
    shown = wait_until(lambda: page.evaluate("""navigator.serviceWorker.ready
        .then((r) => r.getNotifications())
        .then((list) => list.map((n) => ({title: n.title, tag: n.tag, actions: n.actions})))"""))
    assert shown and shown[0]["tag"] == f"escalation-{escalation_id}"
    assert [a["action"] for a in shown[0]["actions"]] == ["acknowledge"]

    [row] = wait_until(lambda: stored_receipts(live_server, payload["data"]["intent_id"]))
    assert (row.event, row.staff_id) == ("shown", account.id)

    worker = desk.service_workers[0] if desk.service_workers else desk.wait_for_event(
        "serviceworker")
    worker.evaluate("""self.registration.getNotifications()
        .then((list) => handleNotificationClick(list[0], 'acknowledge'))""")

    def acknowledged():
        with live_server.app.app_context():
            try:
                escalation = db.session.get(Escalation, escalation_id)
                return escalation.state == "acknowledged" and escalation.acknowledged_by_id
            finally:
                db.session.remove()

    assert wait_until(acknowledged) == account.id
    deliveries = page.request.get(f"/api/v1/push/escalations/{escalation_id}/deliveries").json()
    mine = [i for i in deliveries["items"] if i["recipient_kind"] == "staff"]
    assert mine[0]["shown_devices"] == 1 and mine[0]["clicked_at"]
    page.goto(f"/staff/#/escalations/{escalation_id}")
    expect(page.get_by_role("heading", name="Delivery")).to_be_visible()
    desk.close()


def test_a_signed_out_nurses_browser_still_reports_the_notification_shown(
        browser, live_server, loopback_push):
    account, patient, endpoint, desk, page = subscribed_desk(browser, live_server,
                                                             loopback_push)
    desk.clear_cookies()  # the session is gone, as after the idle limit; the worker stays

    post_checkin(desk.request, device_token(live_server, patient),
                 {"temperature": {"value": 38.6, "unit": "C"}})
    assert dispatch_pass(live_server).get("sent", 0) >= 1
    [delivery] = loopback_push.for_endpoint(endpoint)
    cdp, rid = registration_id(desk, page)
    cdp.send("ServiceWorker.deliverPushMessage", {
        "origin": live_server.url, "registrationId": rid, "data": json.dumps(delivery.payload)})

    intent_id = delivery.payload["data"]["intent_id"]
    [row] = wait_until(lambda: stored_receipts(live_server, intent_id))
    assert (row.event, row.staff_id) == ("shown", account.id)
    desk.close()
