"""One subscription cannot stop delivery: each send is isolated, recorded and bounded in the log.

The review's sequence: a phone whose subscription cannot be sent to (an IPv6 or user-info
endpoint stored before the endpoint rule, keys nothing can be encrypted for, a sender that
raises) has a reminder due first; another patient's urgent staff alert is due right after.
The staff alert must go out in the same, first pass.
"""
from __future__ import annotations

import logging

import pytest
from push_fixtures import (
    intent_state,
    make_intent,
    open_escalation,
    push_app,
    subscribe_device,
    subscribe_staff,
)
from sqlalchemy.exc import OperationalError

from notifications import push
from notifications.vapid import b64url
from server.clock import now
from server.extensions import db
from server.models import DeliveryAttempt, Device, PushSubscription
from server.outbox import lease, passes
from server.services import push_health

pytestmark = push_app

NOT_ON_CURVE = b64url(b"\x04" + bytes(64))  # the right shape, but no point of P-256


def poisoned_phone(service, make_patient, enrol, kind: str, monkeypatch) -> PushSubscription:
    """A patient's phone whose one subscription fails in the way `kind` names."""
    patient = make_patient()
    enrol(patient)
    device = db.session.execute(db.select(Device).where(Device.patient_id == patient.id)
                                ).scalar_one()
    sub = subscribe_device(service, device.id)
    if kind in ("ipv6", "userinfo"):  # stored before the endpoint rule existed
        sub.endpoint = {"ipv6": "https://[::1]:9/x",
                        "userinfo": "https://user:pw@fcm.googleapis.com/x"}[kind]
    elif kind == "bad_keys":
        sub.p256dh = NOT_ON_CURVE
    elif kind == "session_raises":  # valid keys; the HTTP layer raises for this endpoint
        session, real_post = push._state().session, push._state().session.post

        def post(url, *args, **kwargs):
            if url == sub.endpoint:
                raise RuntimeError("connection pool exploded")
            return real_post(url, *args, **kwargs)

        monkeypatch.setattr(session, "post", post)
    elif kind == "sender_raises":  # valid keys; the sender itself raises for this endpoint
        real_send = push.send

        def send(info, *args, **kwargs):
            if info["endpoint"] == sub.endpoint:
                raise RuntimeError("unexpected")
            return real_send(info, *args, **kwargs)

        monkeypatch.setattr(push, "send", send)
    db.session.commit()
    sub.patient_id = patient.id  # for the test: whose phone it is
    return sub


EXPECTED = {"ipv6": ("refused", "endpoint_refused"), "userinfo": ("refused", "endpoint_refused"),
            "bad_keys": ("invalid", "unsendable"), "session_raises": ("error", None),
            "sender_raises": ("error", None)}


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_a_poisoned_phone_first_does_not_stop_the_staff_alert_after_it(
        app, service, make_staff, make_patient, enrol, kind, monkeypatch):
    phone = poisoned_phone(service, make_patient, enrol, kind, monkeypatch)
    reminder = make_intent("patient", phone.patient_id)  # due first
    nurse = make_staff(handle="nurse-on-call")
    desk = subscribe_staff(service, nurse)
    escalation = open_escalation(make_patient())  # another patient
    alert = make_intent("staff", nurse.id, purpose="escalation", urgency="high",
                        escalation_id=escalation.id, severity="urgent")

    counts = passes.run_pass()  # the first pass

    assert counts == {"sent": 1, "failed": 1}, counts
    assert intent_state(alert.id).state == "sent"
    (got,) = service.for_endpoint(desk.endpoint)
    assert got.payload["data"]["intent_id"] == alert.id
    outcome, deactivated = EXPECTED[kind]
    row = intent_state(reminder.id)
    assert row.state == "failed" and row.last_error  # ends, with why
    (attempt,) = db.session.execute(db.select(DeliveryAttempt).where(
        DeliveryAttempt.subscription_id == phone.id)).scalars()
    assert attempt.outcome == outcome and attempt.error == row.last_error
    assert db.session.get(PushSubscription, phone.id).deactivated_reason == deactivated


def test_a_subscription_that_keeps_failing_is_quarantined(app, service, make_patient, enrol,
                                                           monkeypatch):
    phone = poisoned_phone(service, make_patient, enrol, "session_raises", monkeypatch)
    app.config["NOTIFICATIONS_QUARANTINE_AFTER"] = 3
    for attempt in range(1, 4):
        make_intent("patient", phone.patient_id)
        assert passes.run_pass() == {"failed": 1}
        db.session.expire_all()
        reason = db.session.get(PushSubscription, phone.id).deactivated_reason
        assert reason == ("quarantined" if attempt == 3 else None), attempt
    make_intent("patient", phone.patient_id)
    assert passes.run_pass() == {"undeliverable": 1}  # no longer tried


def test_a_success_between_failures_restarts_the_quarantine_count(
        app, service, make_patient, enrol, monkeypatch):
    phone = poisoned_phone(service, make_patient, enrol, "session_raises", monkeypatch)
    app.config["NOTIFICATIONS_QUARANTINE_AFTER"] = 2
    make_intent("patient", phone.patient_id)
    passes.run_pass()
    monkeypatch.undo()  # the phone's push service works again, once
    make_intent("patient", phone.patient_id)
    assert passes.run_pass() == {"sent": 1}
    poisoned_again = push._state().session

    def post(url, *args, **kwargs):
        raise RuntimeError("down again")

    monkeypatch.setattr(poisoned_again, "post", post)
    make_intent("patient", phone.patient_id)
    passes.run_pass()
    db.session.expire_all()
    assert db.session.get(PushSubscription, phone.id).deactivated_at is None  # 1 in a row
    make_intent("patient", phone.patient_id)
    passes.run_pass()
    db.session.expire_all()
    assert db.session.get(PushSubscription, phone.id).deactivated_reason == "quarantined"


def test_failed_attempts_log_one_line_each_without_traceback(
        app, service, clock, make_staff, make_patient, enrol, monkeypatch, caplog):
    phones = [poisoned_phone(service, make_patient, enrol, kind, monkeypatch)
              for kind in ("ipv6", "userinfo", "bad_keys", "session_raises")]
    nurse = make_staff(handle="nurse-on-call")
    subscribe_staff(service, nurse)
    caplog.set_level(logging.INFO)
    for _ in range(3):  # three passes, each with a reminder for every phone
        for phone in phones:
            make_intent("patient", phone.patient_id)
        make_intent("staff", nurse.id, purpose="test")
        passes.run_pass()
        clock.advance(minutes=3)
    failed = db.session.execute(db.select(db.func.count(DeliveryAttempt.id)).where(
        DeliveryAttempt.outcome.in_(("refused", "invalid", "error")))).scalar()
    assert failed == 3 + 3, "refused/invalid once each; the raising one until quarantined"
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(loud) == failed, [r.getMessage() for r in loud]
    assert not [r for r in loud if r.exc_info], "no traceback for a subscription's failure"
    assert all(r.getMessage().count("\n") == 0 for r in loud)
    assert len(service.deliveries) == 3  # every staff message went out


def test_a_reaped_row_queues_behind_the_rows_already_due(app, clock, make_staff):
    nurse = make_staff()
    stuck = make_intent("staff", nurse.id, purpose="test")
    assert lease.claim("crashed-worker", now()) == [stuck.id]  # and the worker dies
    clock.advance(minutes=1)
    waiting = make_intent("staff", nurse.id, purpose="test")
    clock.advance(minutes=2)
    assert lease.reap(now()) == 1
    assert intent_state(stuck.id).next_attempt_at == now()
    assert lease.claim("next-worker", now(), limit=1) == [waiting.id]


def test_rows_left_leased_by_a_failing_database_end_the_pass(app, service, make_staff,
                                                              monkeypatch):
    nurse = make_staff()
    subscribe_staff(service, nurse)
    rows = [make_intent("staff", nurse.id, purpose="test") for _ in range(2)]

    def record_attempt(*args):
        raise OperationalError("INSERT INTO delivery_attempt", {}, Exception("disk I/O error"))

    monkeypatch.setattr(push_health, "record_attempt", record_attempt)
    assert passes.run_pass() == {"error": 2}  # not once per batch of the pass (200 x 2)
    assert len(service.requests) == 3  # the batch's first send, then each row alone once
    assert {intent_state(r.id).state for r in rows} == {"leased"}  # reaped when they expire
