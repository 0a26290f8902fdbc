"""Push delivery through the loopback push service: payloads, headers, faults, flagging."""
from __future__ import annotations

import datetime as dt
import threading
import time

from push_fixtures import (
    intent_state,
    make_intent,
    no_names,
    open_escalation,
    push_app,
    subscribe_device,
    subscribe_staff,
)

from notifications import push
from server.clock import now
from server.extensions import db
from server.models import (
    AuditEvent,
    DeliveryAttempt,
    Device,
    Escalation,
    NotificationIntent,
    PushSubscription,
    Receipt,
)
from server.outbox import deliver, lease, passes, payloads
from server.services.push_tokens import read_ack_token

pytestmark = push_app


def staff_alert(make_staff, make_patient, severity="urgent"):
    """Tier 1 and tier 2 nurses, a patient and an open escalation; intent for tier 1."""
    first = make_staff(handle="tier-one", tier=1)
    second = make_staff(handle="tier-two", tier=2)
    patient = make_patient()
    escalation = open_escalation(patient, severity)
    intent = make_intent("staff", first.id, purpose="escalation", urgency="high",
                         escalation_id=escalation.id, severity=severity,
                         tag=f"escalation-{escalation.id}")
    return first, second, patient, escalation, intent


def test_payload_headers_and_vapid(app, service, make_staff, make_patient):
    first, _second, _patient, escalation, intent = staff_alert(make_staff, make_patient)
    phone, desk = subscribe_staff(service, first), subscribe_staff(service, first)
    counts = passes.run_pass()
    assert counts == {"sent": 1}
    assert len(service.deliveries) == 2
    for sub in (phone, desk):
        (got,) = service.for_endpoint(sub.endpoint)
        assert got.urgency == "high" and got.ttl == 3600
        assert got.topic == f"escalation-{escalation.id}"
        assert got.claims["sub"].startswith("mailto:") and got.claims["aud"] == service.origin
        body = got.payload
        assert body["web_push"] == 8030 and body["notification"]["title"]
        assert body["notification"]["tag"] == f"escalation-{escalation.id}"
        assert body["data"]["intent_id"] == intent.id
        assert read_ack_token(body["data"]["ack_token"]) == (escalation.id, first.id)
        assert body["notification"]["actions"][0]["action"] == "acknowledge"
        no_names(body)
    row = intent_state(intent.id)
    assert row.state == "sent" and row.sent_at == now() and row.attempts == 1
    assert row.shown_deadline == intent.created_at + dt.timedelta(minutes=2)
    assert db.session.get(PushSubscription, phone.id).last_success_at == now()


def test_patient_and_caregiver_devices_get_their_own(app, service, make_patient, enrol):
    patient = make_patient()
    enrol(patient, "patient")
    enrol(patient, "caregiver")
    devices = db.session.execute(db.select(Device).order_by(Device.id)).scalars().all()
    mine, carer = (subscribe_device(service, d.id) for d in devices)
    reminder = make_intent("patient", patient.id)
    to_carer = make_intent("caregiver", patient.caregivers[0].id)
    passes.run_pass()
    (got,) = service.for_endpoint(mine.endpoint)
    assert got.payload["data"]["intent_id"] == reminder.id and got.urgency == "normal"
    assert "ack_token" not in got.payload["data"]
    (got,) = service.for_endpoint(carer.endpoint)
    assert got.payload["data"]["intent_id"] == to_carer.id
    no_names(got.payload)


def test_gone_deactivates_and_the_ladder_goes_on(app, service, make_staff, make_patient):
    first, second, _patient, escalation, intent = staff_alert(make_staff, make_patient)
    sub = subscribe_staff(service, first)
    backup = subscribe_staff(service, second)
    service.fail(410, endpoint=sub.endpoint)
    passes.run_pass()
    assert intent_state(intent.id).state == "failed"
    assert db.session.get(PushSubscription, sub.id).deactivated_at == now()
    escalation = db.session.get(Escalation, escalation.id)
    assert escalation.undeliverable_reason.startswith("subscription_gone")
    assert escalation.ladder_level == 2
    # the next tier was notified at once, in the same pass
    (got,) = service.for_endpoint(backup.endpoint)
    assert got.payload["escalation_id"] == escalation.id
    passes.run_pass()  # nothing is sent twice
    assert len(service.for_endpoint(backup.endpoint)) == 1
    assert service.for_endpoint(sub.endpoint) == []


def test_no_subscription_is_undeliverable_and_skips_a_tier(app, service, make_staff,
                                                           make_patient):
    _first, second, _patient, escalation, intent = staff_alert(make_staff, make_patient)
    backup = subscribe_staff(service, second)
    passes.run_pass()
    assert intent_state(intent.id).state == "undeliverable"
    escalation = db.session.get(Escalation, escalation.id)
    assert escalation.undeliverable_at == now()
    assert escalation.undeliverable_reason.startswith("no_subscription")
    assert len(service.for_endpoint(backup.endpoint)) == 1


def test_429_waits_for_retry_after(app, service, clock, make_staff, make_patient):
    first, _second, _patient, _escalation, intent = staff_alert(make_staff, make_patient)
    sub = subscribe_staff(service, first)
    service.fail((429, {"Retry-After": "30"}), endpoint=sub.endpoint)
    assert passes.run_pass() == {"retry": 1}
    assert intent_state(intent.id).next_attempt_at == now() + dt.timedelta(seconds=30)
    clock.advance(seconds=29)
    passes.run_pass()
    assert service.for_endpoint(sub.endpoint) == []
    clock.advance(seconds=1)
    passes.run_pass()
    assert len(service.for_endpoint(sub.endpoint)) == 1
    assert intent_state(intent.id).state == "sent"


def test_500_then_success_backs_off_exponentially(app, service, clock, make_staff):
    nurse = make_staff()
    sub = subscribe_staff(service, nurse)
    intent = make_intent("staff", nurse.id, purpose="test")
    service.fail(500, 502, 503, endpoint=sub.endpoint)
    waits = []
    for _ in range(3):
        passes.run_pass()
        row = intent_state(intent.id)
        waits.append((row.next_attempt_at - now()).total_seconds())
        clock.set(row.next_attempt_at)
    assert waits == [5, 10, 20]
    passes.run_pass()
    assert len(service.for_endpoint(sub.endpoint)) == 1
    row = intent_state(intent.id)
    assert row.state == "sent" and row.attempts == 4
    statuses = db.session.execute(db.select(DeliveryAttempt.status_code)
                                  .order_by(DeliveryAttempt.id)).scalars().all()
    assert statuses == [500, 502, 503, 201]


def test_timeout_is_retried(app, service, clock, make_staff):
    nurse = make_staff()
    sub = subscribe_staff(service, nurse)
    intent = make_intent("staff", nurse.id, purpose="test")
    service.timeout_seconds = 1.0  # > NOTIFICATIONS_TIMEOUT_SECONDS (0.5)
    service.fail("timeout", endpoint=sub.endpoint)
    assert passes.run_pass() == {"retry": 1}
    assert intent_state(intent.id).last_error == "timeout"
    clock.advance(seconds=5)
    passes.run_pass()
    assert len(service.for_endpoint(sub.endpoint)) == 1


def test_service_down_for_a_while_loses_nothing(app, service, clock, make_staff, make_patient):
    nurse = make_staff()
    patient = make_patient()
    subs = [subscribe_staff(service, nurse) for _ in range(2)]
    rows = [make_intent("staff", nurse.id, purpose="test") for _ in range(5)]
    rows += [make_intent("patient", patient.id) for _ in range(3)]  # no device: undeliverable
    service.down = True
    for _ in range(6):
        passes.run_pass()
        clock.advance(minutes=5)
    down_requests = sum(1 for _sub, what in service.requests if what == "down")
    assert down_requests == 6 * 5 * 2 and service.deliveries == []  # 6 passes x 5 x 2 subs
    service.down = False
    clock.advance(minutes=10)
    passes.run_pass()
    for sub in subs:
        got = sorted(d.payload["data"]["intent_id"] for d in service.for_endpoint(sub.endpoint))
        assert got == [r.id for r in rows[:5]]
    states = {intent_state(r.id).state for r in rows[:5]}
    assert states == {"sent"}


def test_400_is_our_bug_and_401_keeps_the_subscription(app, service, make_staff):
    nurse = make_staff()
    sub = subscribe_staff(service, nurse)
    first = make_intent("staff", nurse.id, purpose="test")
    service.fail(400, endpoint=sub.endpoint)
    passes.run_pass()
    assert intent_state(first.id).state == "failed"
    second = make_intent("staff", nurse.id, purpose="test")
    service.fail(403, endpoint=sub.endpoint)
    passes.run_pass()
    assert intent_state(second.id).state == "failed"
    assert db.session.get(PushSubscription, sub.id).deactivated_at is None
    assert db.session.execute(db.select(AuditEvent).where(
        AuditEvent.action == "push.vapid_refused")).scalar_one()
    assert len(service.requests) == 2  # neither was retried


def test_payload_over_3kb_is_not_sent(app, service, make_staff):
    nurse = make_staff()
    subscribe_staff(service, nurse)
    intent = make_intent("staff", nurse.id, purpose="test")
    intent.payload = {**intent.payload, "notification": {"title": "x", "body": "y" * 4000}}
    db.session.commit()
    passes.run_pass()
    assert intent_state(intent.id).state == "failed" and service.requests == []


def test_not_shown_within_two_minutes_skips_a_tier(app, service, clock, make_staff,
                                                   make_patient):
    first, second, _patient, escalation, intent = staff_alert(make_staff, make_patient)
    subscribe_staff(service, first)
    backup = subscribe_staff(service, second)
    passes.run_pass()
    clock.advance(seconds=119)
    passes.run_pass()
    assert db.session.get(Escalation, escalation.id).undeliverable_at is None
    clock.advance(seconds=1)
    passes.run_pass()
    escalation = db.session.get(Escalation, escalation.id)
    assert escalation.undeliverable_reason.startswith("not_shown")
    assert escalation.ladder_level == 2
    assert len(service.for_endpoint(backup.endpoint)) == 1


def test_shown_receipt_within_two_minutes_keeps_the_tier(app, service, clock, make_staff,
                                                         make_patient):
    first, _second, _patient, escalation, intent = staff_alert(make_staff, make_patient)
    subscribe_staff(service, first)
    passes.run_pass()
    db.session.add(Receipt(intent_id=intent.id, staff_id=first.id, event="shown", at=now()))
    db.session.commit()
    clock.advance(minutes=3)
    passes.run_pass()
    escalation = db.session.get(Escalation, escalation.id)
    assert escalation.undeliverable_at is None and escalation.ladder_level == 1


def test_leases_are_exclusive_and_reaped(app, clock, make_staff):
    nurse = make_staff()
    rows = [make_intent("staff", nurse.id, purpose="test") for _ in range(5)]
    a = lease.claim("owner-a", now(), limit=3)
    b = lease.claim("owner-b", now(), limit=3)
    assert len(a) == 3 and len(b) == 2 and not set(a) & set(b)
    assert lease.claim("owner-c", now()) == []
    clock.advance(minutes=3)  # both leases expired: a crashed worker's rows come back
    assert lease.reap(now()) == 5
    c = lease.claim("owner-c", now())
    assert sorted(c) == sorted(r.id for r in rows)
    assert deliver.deliver(a[0], "owner-a") == "lost"  # the old owner cannot finish it
    assert db.session.get(NotificationIntent, a[0]).attempts == 2


def test_alert_for_an_escalation_acknowledged_meanwhile_is_cancelled(app, service, make_staff,
                                                                     make_patient):
    first, _second, _patient, escalation, intent = staff_alert(make_staff, make_patient)
    subscribe_staff(service, first)
    escalation.state = "acknowledged"
    db.session.commit()
    assert passes.run_pass() == {"cancelled": 1}
    row = intent_state(intent.id)
    assert row.state == "cancelled" and row.lease_owner is None and service.requests == []


def committed(intent_ids) -> tuple[int, int]:
    """Attempts and sent rows as another connection sees them (committed only)."""
    with db.engine.connect() as other:
        attempts = other.execute(db.select(db.func.count(DeliveryAttempt.id))).scalar()
        sent = other.execute(db.select(db.func.count(NotificationIntent.id)).where(
            NotificationIntent.id.in_(intent_ids), NotificationIntent.state == "sent")).scalar()
    return attempts, sent


def test_each_answer_is_committed_before_the_next_send(app, service, make_staff, monkeypatch):
    # A crash then repeats at most the one send in flight (the issue: one duplicate per crash)
    nurse = make_staff()
    subscribe_staff(service, nurse)
    subscribe_staff(service, nurse)
    ids = [make_intent("staff", nurse.id, purpose="test").id for _ in range(3)]
    session, real_send, seen = db.session(), push.send, []

    def send(*args, **kwargs):
        seen.append((session.in_transaction(), *committed(ids)))
        return real_send(*args, **kwargs)

    monkeypatch.setattr(push, "send", send)
    assert passes.run_pass() == {"sent": 3}
    # (transaction open during the send, attempts committed, rows committed as sent)
    assert seen == [(False, n, n // 2) for n in range(6)]
    assert committed(ids) == (6, 3)


def test_concurrent_sends_leave_at_most_n_unrecorded(app, service, make_staff, monkeypatch):
    app.config["NOTIFICATIONS_SEND_THREADS"] = 3
    nurse = make_staff()
    subscribe_staff(service, nurse)
    ids = [make_intent("staff", nurse.id, purpose="test").id for _ in range(12)]
    real_send, lock, started, unrecorded, threads = push.send, threading.Lock(), [], [], set()

    def send(*args, **kwargs):
        with lock:
            started.append(1)
            count = len(started)
        unrecorded.append(count - committed(ids)[0])  # read after: never more than the truth
        threads.add(threading.current_thread().name)
        time.sleep(0.01)
        return real_send(*args, **kwargs)

    monkeypatch.setattr(push, "send", send)
    assert passes.run_pass() == {"sent": 12}
    assert len(started) == 12 and max(unrecorded) <= 3, unrecorded
    assert len(threads) > 1 and committed(ids) == (12, 12)


def test_a_batch_outlasting_its_lease_renews_it(app, service, clock, make_staff, monkeypatch):
    nurse = make_staff()
    subscribe_staff(service, nurse)
    ids = [make_intent("staff", nurse.id, purpose="test").id for _ in range(4)]
    real_send, reaped = push.send, []

    def slow_send(*args, **kwargs):  # a slow push service: the batch takes 200 s in all
        clock.advance(seconds=50)
        reaped.append(lease.reap(now()))  # another worker's pass would take the rows back
        return real_send(*args, **kwargs)

    monkeypatch.setattr(push, "send", slow_send)
    assert passes.run_pass() == {"sent": 4}
    assert reaped == [0, 0, 0, 0] and committed(ids) == (4, 4)


def test_a_row_that_breaks_its_batch_ends_failed_and_the_rest_is_delivered(
        app, service, make_staff, make_patient, monkeypatch):
    first, second, _patient, escalation, bad = staff_alert(make_staff, make_patient)
    subscribe_staff(service, first)
    subscribe_staff(service, second)
    good = [make_intent("staff", first.id, purpose="test").id for _ in range(2)]
    real_message = payloads.message

    def message(job):  # a bug on our side for one row (its payload, say)
        if job.id == bad.id:
            raise RuntimeError("a bug, not a push service answer")
        return real_message(job)

    monkeypatch.setattr(payloads, "message", message)
    assert passes.run_pass(max_batches=1) == {"sent": 2, "failed": 1}
    assert [intent_state(i).state for i in good] == ["sent", "sent"]
    row = intent_state(bad.id)
    assert row.state == "failed" and row.last_error == "dispatch error: RuntimeError"
    escalation = db.session.get(Escalation, escalation.id)
    assert escalation.undeliverable_reason.startswith("dispatch_error")
    assert escalation.ladder_level == 2  # the ladder went on to tier 2 at once
