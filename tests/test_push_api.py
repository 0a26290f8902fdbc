"""Push API: VAPID key, subscription validation, receipts, test message, acknowledge, deliveries."""
from __future__ import annotations

import base64
import time

import pytest
from conftest import login
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from push_fixtures import (
    make_intent,
    open_escalation,
    push_app,
    subscribe_device,
    subscribe_staff,
)

from server.clock import now
from server.extensions import db
from server.models import Device, Escalation, PushSubscription, Receipt
from server.outbox import passes
from server.services.push_tokens import ack_token

pytestmark = push_app


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def browser_subscription(endpoint="https://fcm.googleapis.com/fcm/send/abc:123") -> dict:
    point = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return {"endpoint": endpoint, "expirationTime": None,
            "keys": {"p256dh": b64(point), "auth": b64(bytes(16))}}


def test_public_key_is_the_instance_key(app, client):
    r = client.get("/api/v1/push/key")
    assert r.status_code == 200
    raw = base64.urlsafe_b64decode(r.json["public_key"] + "==")
    assert len(raw) == 65 and raw[0] == 4
    pem = (app.instance_path + "/vapid_private.pem")
    key = serialization.load_pem_private_key(open(pem, "rb").read(), password=None)
    assert raw == key.public_key().public_bytes(serialization.Encoding.X962,
                                                serialization.PublicFormat.UncompressedPoint)
    assert client.get("/api/v1/push/key").json == r.json  # stable across requests


def test_staff_and_devices_subscribe_and_unsubscribe(app, client, staff_client, make_patient,
                                                     enrol):
    sub = browser_subscription()
    r = staff_client.post("/api/v1/push/subscriptions", json=sub)
    assert r.status_code == 201 and r.json["created"] is True
    again = staff_client.post("/api/v1/push/subscriptions", json=sub)
    assert again.status_code == 201 and again.json["created"] is False
    headers = enrol(make_patient())
    phone = browser_subscription("https://web.push.apple.com/QGx")
    assert client.post("/api/v1/push/subscriptions", json=phone,
                       headers=headers).status_code == 201
    rows = db.session.execute(db.select(PushSubscription).order_by(PushSubscription.id)
                              ).scalars().all()
    assert [(r.staff_id is not None, r.device_id is not None) for r in rows] == \
        [(True, False), (False, True)]
    # a device cannot remove staff's subscription
    assert client.delete("/api/v1/push/subscriptions", json={"endpoint": sub["endpoint"]},
                         headers=headers).status_code == 404
    assert staff_client.delete("/api/v1/push/subscriptions",
                               json={"endpoint": sub["endpoint"]}).status_code == 204
    db.session.expire_all()
    assert db.session.get(PushSubscription, rows[0].id).deactivated_at == now()


@pytest.mark.parametrize("change, field", [
    ({"endpoint": "http://push.example.org/x"}, "endpoint"),
    ({"endpoint": "ftp://push.example.org/x"}, "endpoint"),
    ({"keys": {"p256dh": b64(b"\x04" + bytes(64)), "auth": b64(bytes(16))}}, "keys.p256dh"),
    ({"keys": {"p256dh": b64(b"\x04" + bytes(30)), "auth": b64(bytes(16))}}, "keys.p256dh"),
    ({"keys": {"p256dh": "!!!", "auth": b64(bytes(16))}}, "keys.p256dh"),
    ({"keys": {"auth": b64(bytes(16))}}, "keys.p256dh"),
    ("auth", "keys.auth"),
    ({"extra": 1}, "extra"),
])
def test_subscription_json_is_validated(staff_client, change, field):
    body = browser_subscription()
    if change == "auth":
        body["keys"]["auth"] = b64(bytes(15))
    else:
        body.update(change)
    r = staff_client.post("/api/v1/push/subscriptions", json=body)
    assert r.status_code == 422, r.json
    assert field in r.json["error"]["fields"], r.json


REFUSED_ENDPOINTS = [  # the review's forms first, then other spellings of the same hosts
    "https://169.254.169.254/latest/meta-data/",
    "https://10.0.0.1/",
    "https://localhost:6390/a",
    "https://0x7f000001:6390/a",
    "HTTPS://127.0.0.1:6390/upper",
    "https://[::1]:9/x",
    "https://user:pw@fcm.googleapis.com/fcm/send/x",
    "https://fcm.googleapis.com@10.0.0.1/x",
    "https://2130706433/x",
    "https://0177.0.0.1/x",
    "https://127.1/x",
    "https://[::ffff:169.254.169.254]/x",
    "https://fcm.googleapis.com:8443/fcm/send/x",
    "https://FCM.googleapis.com/fcm/send/x",
    "https://fcm.googleapis.com.evil.example/x",
    "https://evilfcm.googleapis.com/x",
    "https://internal.corp.example/push",
    "http://fcm.googleapis.com/fcm/send/x",
    "https://fcm.googleapis.com\\@10.0.0.1/x",
    "https://fcm.googleapis.com/x y",
]


@pytest.mark.parametrize("endpoint", REFUSED_ENDPOINTS)
def test_only_browser_push_services_are_accepted(staff_client, endpoint):
    r = staff_client.post("/api/v1/push/subscriptions", json=browser_subscription(endpoint))
    assert r.status_code == 422, r.json
    assert list(r.json["error"]["fields"]) == ["endpoint"], r.json
    assert db.session.execute(db.select(PushSubscription)).first() is None


@pytest.mark.parametrize("endpoint", [
    "https://fcm.googleapis.com/fcm/send/dX3:APA91b",  # Chrome, Opera, Samsung Internet
    "https://fcm.googleapis.com:443/wp/dX3:APA91b",
    "https://updates.push.services.mozilla.com/wpush/v2/gAAAAA",  # Firefox
    "https://web.push.apple.com/QGx9hY",  # Safari
    "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",  # Edge
])
def test_the_browsers_push_services_are_accepted(staff_client, endpoint):
    r = staff_client.post("/api/v1/push/subscriptions", json=browser_subscription(endpoint))
    assert r.status_code == 201, r.json


def test_anonymous_cannot_subscribe(client):
    r = client.post("/api/v1/push/subscriptions", json=browser_subscription())
    assert r.status_code == 401


def test_receipts_only_for_own_notifications(app, client, service, make_patient, enrol):
    patient, other = make_patient(), make_patient()
    headers, other_headers = enrol(patient), enrol(other)
    device = db.session.execute(db.select(Device).order_by(Device.id)).scalars().first()
    subscribe_device(service, device.id)
    intent = make_intent("patient", patient.id)
    passes.run_pass()
    (got,) = service.deliveries
    intent_id = got.payload["data"]["intent_id"]
    body = {"intent_id": intent_id, "event": "shown"}
    assert client.post("/api/v1/push/receipts", json=body,
                       headers=other_headers).status_code == 404
    assert client.post("/api/v1/push/receipts", json=body, headers=headers).status_code == 201
    assert client.post("/api/v1/push/receipts", json=body, headers=headers).status_code == 201
    assert client.post("/api/v1/push/receipts", json={**body, "event": "clicked"},
                       headers=headers).status_code == 201
    receipts = db.session.execute(db.select(Receipt)).scalars().all()
    assert sorted(r.event for r in receipts) == ["clicked", "shown"]  # once each
    assert intent.id == intent_id and receipts[0].device_id == device.id


def test_staff_receipt_from_the_service_worker_needs_no_csrf_header(app, make_staff, service):
    nurse = make_staff()
    worker = app.test_client()
    login(worker, nurse)  # a cookie session, no X-CSRF-Token header (a service worker)
    intent = make_intent("staff", nurse.id, purpose="test")
    r = worker.post("/api/v1/push/receipts", json={"intent_id": intent.id, "event": "shown"})
    assert r.status_code == 201
    assert worker.post("/api/v1/push/test", json={}).status_code == 403  # others still need it


def _delivered_data(service, nurse) -> dict:
    """Send the nurse one notification and return the data its service worker receives."""
    subscribe_staff(service, nurse)
    make_intent("staff", nurse.id, purpose="test")
    passes.run_pass()
    (got,) = service.deliveries
    return got.payload["data"]


def test_a_signed_out_nurses_phone_still_reports_what_it_showed(app, make_staff, service):
    nurse = make_staff()
    data = _delivered_data(service, nurse)
    phone = app.test_client()  # no session: the nurse idled out hours ago
    body = {"intent_id": data["intent_id"], "event": "shown", "token": data["receipt_token"]}
    assert phone.post("/api/v1/push/receipts", json=body).status_code == 201
    assert phone.post("/api/v1/push/receipts", json={**body, "event": "clicked"}).status_code \
        == 201
    receipts = db.session.execute(db.select(Receipt).order_by(Receipt.id)).scalars().all()
    assert [(r.event, r.staff_id, r.intent_id) for r in receipts] == [
        ("shown", nurse.id, data["intent_id"]), ("clicked", nurse.id, data["intent_id"])]
    without = phone.post("/api/v1/push/receipts", json={**body, "token": None})
    assert without.status_code in (401, 422)  # no token, no session: refused


def test_receipt_tokens_are_bound_to_their_notification_and_purpose(app, make_staff, service):
    nurse = make_staff()
    data = _delivered_data(service, nurse)
    other = make_intent("staff", nurse.id, purpose="test")
    phone = app.test_client()

    def status(**changes):
        body = {"intent_id": data["intent_id"], "event": "shown",
                "token": data["receipt_token"], **changes}
        return phone.post("/api/v1/push/receipts", json=body).status_code

    assert status(intent_id=other.id) == 401  # another notification
    assert status(token=data["receipt_token"][:-2] + "xx") == 401  # forged
    assert status(token=ack_token(1, nurse.id)) == 401  # an acknowledge token is not one
    nurse.active = False
    db.session.commit()
    assert status() == 401  # the account was closed meanwhile
    assert db.session.execute(db.select(Receipt)).scalars().all() == []


def test_only_staff_notifications_carry_a_receipt_token(app, service, make_patient, enrol):
    patient = make_patient()
    enrol(patient)
    device = db.session.execute(db.select(Device)).scalars().first()
    subscribe_device(service, device.id)
    make_intent("patient", patient.id)
    passes.run_pass()
    (got,) = service.deliveries
    assert "receipt_token" not in got.payload["data"]  # phones report with their bearer token


def test_send_test_notification_to_myself(app, staff_client, service):
    subscribe_staff(service, staff_client.staff)
    r = staff_client.post("/api/v1/push/test", json={})
    assert r.status_code == 202 and r.json["subscriptions"] == 1
    passes.run_pass()
    (got,) = service.deliveries
    assert got.payload["kind"] == "test" and got.payload["data"]["intent_id"] == r.json[
        "intent_id"]
    status = staff_client.get("/api/v1/push/status").json
    assert status["warning"] is True and status["last_shown_at"] is None
    staff_client.post("/api/v1/push/receipts", json={"intent_id": r.json["intent_id"],
                                                     "event": "shown"})
    status = staff_client.get("/api/v1/push/status").json
    assert status["warning"] is False and status["subscriptions"] == 1


def test_acknowledge_from_the_notification(app, client, service, make_staff, make_patient):
    nurse = make_staff()
    subscribe_staff(service, nurse)
    escalation = open_escalation(make_patient())
    make_intent("staff", nurse.id, purpose="escalation", urgency="high",
                escalation_id=escalation.id, severity="urgent")
    passes.run_pass()
    token = service.deliveries[0].payload["data"]["ack_token"]
    assert client.post("/api/v1/push/ack", json={"token": token[:-2] + "xx"}).status_code == 403
    r = client.post("/api/v1/push/ack", json={"token": token})
    assert r.status_code == 200 and r.json["state"] == "acknowledged"
    db.session.expire_all()
    assert db.session.get(Escalation, escalation.id).acknowledged_by_id == nurse.id
    assert client.post("/api/v1/push/ack", json={"token": token}).status_code == 409


def test_acknowledge_token_expires(app, client, clock, make_staff, make_patient):
    nurse = make_staff()
    escalation = open_escalation(make_patient())
    token = ack_token(escalation.id, nurse.id)
    clock.advance(hours=6, seconds=1)
    assert client.post("/api/v1/push/ack", json={"token": token}).status_code == 403


def test_deliveries_per_escalation(app, staff_client, service, make_staff, make_patient,
                                   enrol):
    nurse = make_staff()
    patient = make_patient()
    subscribe_staff(service, nurse)
    subscribe_staff(service, nurse)
    enrol(patient)
    escalation = open_escalation(patient)
    to_nurse = make_intent("staff", nurse.id, purpose="escalation", urgency="high",
                           escalation_id=escalation.id, severity="urgent")
    make_intent("patient", patient.id, purpose="escalation", urgency="high",
                escalation_id=escalation.id, severity="urgent")
    passes.run_pass()
    db.session.add(Receipt(intent_id=to_nurse.id, staff_id=nurse.id, event="shown", at=now()))
    db.session.commit()
    r = staff_client.get(f"/api/v1/push/escalations/{escalation.id}/deliveries")
    assert r.status_code == 200
    by_kind = {item["recipient_kind"]: item for item in r.json["items"]}
    assert by_kind["staff"]["recipient"] == nurse.handle
    assert by_kind["staff"]["state"] == "sent" and by_kind["staff"]["devices_reached"] == 2
    assert by_kind["staff"]["shown_devices"] == 1 and by_kind["staff"]["shown_at"]
    assert by_kind["patient"]["state"] == "undeliverable"  # the phone never subscribed
    assert staff_client.get("/api/v1/push/escalations/999999/deliveries").status_code == 404


def test_urgent_checkin_is_pushed_at_once(app, client, service, make_staff, make_patient,
                                          enrol):
    """Immediate dispatch after the check-in commits; measures check-in-to-push latency."""
    app.config["NOTIFICATIONS_IMMEDIATE"] = True
    nurse = make_staff()
    subscribe_staff(service, nurse)
    latencies = []
    client.get("/api/v1/push/key")  # the process's first request starts the dispatch thread
    for round_ in range(20):
        patient = make_patient()
        headers = enrol(patient)
        before = len(service.deliveries)
        started = time.perf_counter()
        r = client.post("/api/v1/checkins", json={"symptoms": ["seizure"]},
                        headers={**headers, "Idempotency-Key": f"00000000-0000-4000-8000-"
                                 f"{round_:012d}"})
        assert r.status_code == 201 and r.json["escalation"]["severity"] == "emergency"
        deadline = time.perf_counter() + 5
        while len(service.deliveries) == before and time.perf_counter() < deadline:
            time.sleep(0.002)
        assert len(service.deliveries) == before + 1, "not pushed within 5 s"
        latencies.append(service.deliveries[-1].at - started)
        assert service.deliveries[-1].urgency == "high"
    latencies.sort()
    print(f"\ncheck-in to push latency over {len(latencies)}: median "
          f"{latencies[len(latencies) // 2] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms")
