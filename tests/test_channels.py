"""Channels beyond Web Push, through the loopback Twilio fake and a webhook receiver:
fallback timing per channel order, signed callbacks, key press and SMS acknowledgements,
STOP / START, webhook signatures and retries, PagerDuty's shape, privacy."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from urllib.parse import urlsplit

from channel_fixtures import channel_app, private, rows, set_channels, start_alert
from conftest import signed_in
from loopback_twilio import FROM
from push_fixtures import subscribe_staff

from notifications.channels import targets
from server.extensions import db
from server.models import AuditEvent, ChannelAttempt, ContactChannel, Escalation, Receipt
from server.outbox import passes
from server.services import channel_settings, push_subscriptions

pytestmark = channel_app

NURSE = "+4915100000001"
NURSE_2 = "+4915100000002"
FAMILY = "+4915200000009"
INBOUND = "http://localhost/api/v1/channels/twilio/sms"


def states(escalation_id):
    return [(r.channel_kind or "push", r.state) for r in rows(escalation_id)]


def test_push_then_sms_after_60_s_then_call_after_300_s_then_next_tier(
        app, client, clock, twilio, service, make_staff, make_patient):
    nurse = make_staff(handle="tier-one", tier=1)
    second = make_staff(handle="tier-two", tier=2)
    subscribe_staff(service, nurse)
    set_channels("staff", nurse.id, ("push", 0, None), ("sms", 60, NURSE),
                 ("voice", 300, NURSE))
    patient = make_patient()
    escalation = start_alert(patient)
    passes.run_pass()
    assert states(escalation.id) == [("push", "sent"), ("sms", "pending"), ("voice", "pending")]
    clock.advance(seconds=59)
    passes.run_pass()
    assert twilio.messages() == []
    clock.advance(seconds=1)
    passes.run_pass()
    (sms,) = twilio.messages()
    assert sms.to == NURSE and sms.form["From"] == FROM
    assert f"E{escalation.id}" in sms.form["Body"] and "Urgent" in sms.form["Body"]
    clock.advance(seconds=120)  # push not shown within 2 min: the SMS already went, no skip
    passes.run_pass()
    assert twilio.calls() == [] and db.session.get(Escalation, escalation.id).ladder_level == 1
    clock.advance(seconds=119)
    passes.run_pass()
    assert twilio.calls() == []
    clock.advance(seconds=1)  # 300 s
    passes.run_pass()
    (call,) = twilio.calls()
    assert call.to == NURSE and call.form["Url"].endswith(f"intent={rows(escalation.id)[2].id}")
    assert twilio.status(client, call, "no-answer").status_code == 204
    db.session.expire_all()
    escalation = db.session.get(Escalation, escalation.id)
    assert escalation.ladder_level == 2  # the last channel failed: the next tier at once
    assert escalation.undeliverable_reason == f"not_answered:staff{nurse.id}"
    assert [r.recipient_id for r in rows(escalation.id)][-1] == second.id


def test_shown_push_cancels_the_later_channels(app, client, clock, twilio, service,
                                               make_staff, make_patient):
    nurse = make_staff(handle="tier-one")
    subscribe_staff(service, nurse)
    set_channels("staff", nurse.id, ("push", 0, None), ("sms", 60, NURSE))
    escalation = start_alert(make_patient())
    passes.run_pass()
    push_row = rows(escalation.id)[0]
    r = client.post("/api/v1/push/receipts", json={
        "intent_id": push_row.id, "event": "shown",
        "token": service.deliveries[0].payload["data"]["receipt_token"]})
    assert r.status_code == 201
    clock.advance(seconds=60)
    passes.run_pass()
    assert twilio.messages() == [] and states(escalation.id)[1] == ("sms", "cancelled")


def test_no_push_subscription_falls_back_to_sms_at_once(app, clock, twilio, make_staff,
                                                        make_patient):
    nurse = make_staff(handle="tier-one")
    set_channels("staff", nurse.id, ("push", 0, None), ("sms", 120, NURSE))
    escalation = start_alert(make_patient())
    passes.run_pass()  # push: undeliverable -> the SMS is due now
    passes.run_pass()
    assert states(escalation.id) == [("push", "undeliverable"), ("sms", "sent")]
    assert len(twilio.messages()) == 1
    assert db.session.get(Escalation, escalation.id).undeliverable_at is None


def test_sms_first_then_call_when_the_sms_is_undelivered(app, client, clock, twilio,
                                                         make_staff, make_patient):
    nurse = make_staff(handle="tier-one")
    set_channels("staff", nurse.id, ("sms", 0, NURSE), ("voice", 600, NURSE))
    escalation = start_alert(make_patient())
    passes.run_pass()
    (sms,) = twilio.messages()
    assert twilio.status(client, sms, "undelivered").status_code == 204
    passes.run_pass()
    assert len(twilio.calls()) == 1  # at once, not after 600 s
    assert states(escalation.id) == [("sms", "sent"), ("voice", "sent")]
    attempt = db.session.execute(db.select(ChannelAttempt).where(
        ChannelAttempt.kind == "sms")).scalar_one()
    assert attempt.status == "undelivered" and attempt.provider_ref == sms.sid


def test_provider_refusal_moves_on_and_call_first_order(app, clock, twilio, make_staff,
                                                        make_patient):
    nurse = make_staff(handle="tier-one")
    set_channels("staff", nurse.id, ("voice", 0, NURSE), ("sms", 300, NURSE))
    twilio.fail(400)  # the provider refuses the call: not retried, the SMS now
    escalation = start_alert(make_patient())
    passes.run_pass()
    passes.run_pass()
    assert states(escalation.id) == [("voice", "failed"), ("sms", "sent")]


def test_refused_credentials_are_not_retried(app, twilio, make_staff, make_patient):
    nurse = make_staff(handle="tier-one")
    set_channels("staff", nurse.id, ("sms", 0, NURSE))
    twilio.fail(401)
    escalation = start_alert(make_patient())
    passes.run_pass()
    assert states(escalation.id) == [("sms", "failed")]
    attempt = db.session.execute(db.select(ChannelAttempt)).scalar_one()
    assert attempt.outcome == "bug" and attempt.error == "credentials refused (401)"


def test_delivered_sms_joins_the_receipts_and_the_escalation_page(
        app, client, clock, twilio, make_staff, make_patient):
    nurse = make_staff(handle="tier-one")
    set_channels("staff", nurse.id, ("sms", 0, NURSE), ("voice", 300, NURSE))
    escalation = start_alert(make_patient())
    passes.run_pass()
    (sms,) = twilio.messages()
    twilio.status(client, sms, "sent")
    twilio.status(client, sms, "delivered")
    twilio.status(client, sms, "delivered")  # a repeated callback: recorded once
    assert db.session.execute(db.select(db.func.count(Receipt.id))).scalar() == 1
    clock.advance(seconds=300)
    passes.run_pass()
    assert twilio.calls() == []  # delivered counts as shown
    staff_client = signed_in(app, nurse)
    body = staff_client.get(f"/api/v1/push/escalations/{escalation.id}/deliveries").json
    item = next(i for i in body["items"] if i["channel"] == "sms")
    assert item["shown_at"] is not None
    (attempt,) = item["channel_attempts"]
    assert attempt["kind"] == "sms" and attempt["status"] == "delivered"
    # the service hands DeliveryOut datetimes (issue 13.5); the schema writes isoformat()
    served = push_subscriptions.escalation_deliveries(escalation.id, nurse)
    (kept,) = next(i for i in served["items"] if i["channel"] == "sms")["channel_attempts"]
    assert isinstance(kept["at"], dt.datetime) and isinstance(kept["status_at"], dt.datetime)
    assert (attempt["at"], attempt["status_at"]) == (kept["at"].isoformat(),
                                                     kept["status_at"].isoformat())
    assert [i["state"] for i in body["items"] if i["channel"] == "voice"] == ["cancelled"]


def test_press_1_acknowledges_as_the_called_staff_member(app, client, twilio, make_staff,
                                                         make_patient):
    nurse = make_staff(handle="tier-one")
    set_channels("staff", nurse.id, ("voice", 0, NURSE))
    patient = make_patient()
    escalation = start_alert(patient)
    passes.run_pass()
    (call,) = twilio.calls()
    twiml, reply = twilio.answer(client, call, digits="1")
    assert '<Gather numDigits="1"' in twiml and "Press 1 to acknowledge" in twiml
    assert f"E{escalation.id}" in twiml and "Urgent" in twiml and "CRS" in twiml
    private(twiml, patient)
    assert "Acknowledged" in reply
    db.session.expire_all()
    row = db.session.get(Escalation, escalation.id)
    assert row.state == "acknowledged" and row.acknowledged_by_id == nurse.id
    audited = db.session.execute(db.select(AuditEvent).where(
        AuditEvent.action.in_(("escalation.acknowledge", "channel.acknowledge")))).scalars().all()
    assert {(a.action, a.actor_kind, a.actor_id) for a in audited} == {
        ("escalation.acknowledge", "staff", nurse.id), ("channel.acknowledge", "staff", nurse.id)}
    assert any(a.detail.get("channel") == "voice" for a in audited)
    # the call then completes: acknowledged, so no fallback and no tier skip
    assert twilio.status(client, call, "completed").status_code == 204
    assert db.session.get(Escalation, escalation.id).ladder_level == 1


def test_other_digit_or_answered_without_key_does_not_acknowledge(app, client, twilio,
                                                                  make_staff, make_patient):
    nurse = make_staff(handle="tier-one")
    make_staff(handle="tier-two", tier=2)
    set_channels("staff", nurse.id, ("voice", 0, NURSE))
    escalation = start_alert(make_patient())
    passes.run_pass()
    (call,) = twilio.calls()
    _twiml, reply = twilio.answer(client, call, digits="2")
    assert "Not acknowledged" in reply
    twilio.status(client, call, "completed")  # answered, no 1: unanswered -> next tier
    db.session.expire_all()
    row = db.session.get(Escalation, escalation.id)
    assert row.state == "open" and row.ladder_level == 2


def test_sms_reply_ack_acknowledges_the_latest_open_alert_to_that_number(
        app, client, twilio, make_staff, make_patient):
    nurse = make_staff(handle="tier-one")
    set_channels("staff", nurse.id, ("sms", 0, NURSE))
    escalation = start_alert(make_patient())
    passes.run_pass()
    r = twilio.inbound_sms(client, NURSE_2, "ack", INBOUND)  # not the number alerted
    assert "No open alert" in r.get_data(as_text=True)
    assert db.session.get(Escalation, escalation.id).state == "open"
    r = twilio.inbound_sms(client, NURSE, " Ack ", INBOUND)
    assert r.status_code == 200 and f"Acknowledged E{escalation.id}" in r.get_data(as_text=True)
    db.session.expire_all()
    row = db.session.get(Escalation, escalation.id)
    assert row.state == "acknowledged" and row.acknowledged_by_id == nurse.id
    r = twilio.inbound_sms(client, NURSE, "1", INBOUND)  # nothing open any more
    assert "No open alert" in r.get_data(as_text=True)


def test_bad_or_missing_signature_is_refused(app, client, twilio, make_staff, make_patient):
    nurse = make_staff(handle="tier-one")
    set_channels("staff", nurse.id, ("voice", 0, NURSE))
    escalation = start_alert(make_patient())
    passes.run_pass()
    (call,) = twilio.calls()
    url = call.form["Url"]
    params = {"CallSid": call.sid, "Digits": "1"}
    gather = url.replace("/voice?", "/gather?")
    for kwargs in ({"token": "someone-elses-token"}, {"signature": ""},
                   {"signature": "bm90IGEgc2lnbmF0dXJl"}):
        r = twilio.post(client, gather, params, **kwargs)
        assert r.status_code == 403 and r.json["error"]["code"] == "bad_signature"
    # signed for another URL (another intent) or with other parameters: refused too
    from loopback_twilio import sign
    r = client.post(gather.replace("/gather?", "/gather?x=1&"), data=params,
                    headers={"X-Twilio-Signature": sign(twilio.token, gather, params)})
    assert r.status_code == 403
    parts = urlsplit(gather)
    r = client.post(f"{parts.path}?{parts.query}", data={**params, "extra": "x"},
                    headers={"X-Twilio-Signature": sign(twilio.token, gather, params)})
    assert r.status_code == 403
    assert db.session.get(Escalation, escalation.id).state == "open"
    assert db.session.execute(db.select(AuditEvent).where(
        AuditEvent.action == "channel.callback.refused")).scalars().first() is not None


def test_signature_is_over_public_url_behind_a_proxy(app, client, twilio, make_staff,
                                                     make_patient):
    """The app sees the proxy's scheme and host; the provider signed PUBLIC_URL's."""
    app.config["PUBLIC_URL"] = "https://cartwatch.example.org"
    nurse = make_staff(handle="tier-one")
    set_channels("staff", nurse.id, ("voice", 0, NURSE))
    start_alert(make_patient())
    passes.run_pass()
    (call,) = twilio.calls()
    assert call.form["Url"].startswith("https://cartwatch.example.org/api/v1/channels/")
    twiml, _ = twilio.answer(client, call)  # the test client talks http://localhost
    assert "Press 1" in twiml


def test_family_sms_needs_consent_and_honours_stop_and_start(app, client, twilio,
                                                             staff_client, make_patient):
    patient = make_patient()
    bad = staff_client.put(f"/api/v1/staff/patients/{patient.id}/channels",
                           json={"channels": [{"kind": "sms", "address": FAMILY}]})
    assert bad.status_code == 422 and "channels.0.consent" in bad.json["error"]["fields"]
    bad = staff_client.put(f"/api/v1/staff/patients/{patient.id}/channels", json={
        "channels": [{"kind": "sms", "address": "0151 234", "consent": True}]})
    assert bad.status_code == 422 and "channels.0.address" in bad.json["error"]["fields"]
    bad = staff_client.put(f"/api/v1/staff/patients/{patient.id}/channels", json={
        "channels": [{"kind": "voice", "address": FAMILY}]})
    assert bad.status_code == 422 and "channels.0.kind" in bad.json["error"]["fields"]
    r = staff_client.put(f"/api/v1/staff/patients/{patient.id}/channels", json={
        "channels": [{"kind": "sms", "address": FAMILY, "consent": True}]})
    assert r.status_code == 200, r.json
    (saved,) = r.json["channels"]
    assert saved["consent_at"] and saved["consent_by_staff_id"] == staff_client.staff.id
    # the service hands ChannelOut datetimes (issue 13.5); the schema writes isoformat()
    (listed,) = channel_settings.listing("patient", patient.id)
    assert isinstance(listed["consent_at"], dt.datetime) and listed["opted_out_at"] is None
    assert saved["consent_at"] == listed["consent_at"].isoformat()
    assert staff_client.get(f"/api/v1/staff/patients/{patient.id}/channels").json[
        "patient"][0]["consent_at"] == saved["consent_at"]
    escalation = start_alert(patient)  # urgent: the family is told what to do
    passes.run_pass()
    (sms,) = twilio.messages()
    assert sms.to == FAMILY
    assert "Call the centre now on its 24-hour line: +49 30 111." in sms.form["Body"]
    private(sms.form["Body"], patient)
    assert f"E{escalation.id}" not in sms.form["Body"]
    r = twilio.inbound_sms(client, FAMILY, "STOP", INBOUND)
    assert r.status_code == 200
    row = db.session.execute(db.select(ContactChannel)).scalar_one()
    db.session.refresh(row)
    assert row.opted_out_at is not None
    stop = db.session.execute(db.select(AuditEvent).where(
        AuditEvent.action == "channel.sms.opt_out")).scalar_one()
    assert stop.patient_id == patient.id and stop.actor_kind == "patient"
    client_staff = staff_client
    client_staff.post(f"/api/v1/staff/escalations/{escalation.id}/acknowledge")
    passes.run_pass()
    assert len(twilio.messages()) == 1  # opted out: the acknowledged notice is not texted
    twilio.inbound_sms(client, FAMILY, "start", INBOUND)
    db.session.refresh(row)
    assert row.opted_out_at is None
    client_staff.post(f"/api/v1/staff/escalations/{escalation.id}/resolve",
                      json={"outcome": "false_alarm"})
    from server.clinical import notify
    from server.clock import now
    notify.send("reminder:test", ("patient", patient.id), "reminder", patient, now())
    db.session.commit()
    passes.run_pass()
    assert [m.form["Body"].split(".")[0] for m in twilio.messages()][-1] == \
        "Time for a check-in"


def test_webhook_is_signed_and_retried_with_backoff(app, clock, receiver, make_staff,
                                                    make_patient):
    nurse = make_staff(handle="tier-one")
    staff_client = signed_in(app, nurse)
    r = staff_client.put("/api/v1/channels/me", json={"channels": [
        {"kind": "webhook", "address": receiver.url}]})
    assert r.status_code == 200, r.json
    secret = r.json["channels"][0]["secret"]
    assert len(secret) >= 32
    receiver.answers.extend([500, 503])
    patient = make_patient()
    escalation = start_alert(patient)
    start = clock()
    passes.run_pass()
    (row,) = rows(escalation.id)
    assert row.state == "pending" and row.next_attempt_at == start + dt_seconds(5)
    clock.advance(seconds=5)
    passes.run_pass()
    assert rows(escalation.id)[0].next_attempt_at == start + dt_seconds(15)
    clock.advance(seconds=10)
    passes.run_pass()
    assert rows(escalation.id)[0].state == "sent" and len(receiver.received) == 3
    got = receiver.received[-1]
    header = got["headers"]["X-CARTwatch-Signature"]
    parts = dict(p.split("=", 1) for p in header.split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + got["body"],
                        hashlib.sha256).hexdigest()
    assert hmac.compare_digest(parts["v1"], expected)
    body = receiver.json(-1)
    assert body["type"] == "escalation.escalation" and body["escalation_id"] == escalation.id
    assert body["severity"] == "urgent" and body["category"] == "CRS"
    private(got["body"].decode(), patient)


def test_webhook_redirect_is_not_followed(app, receiver, make_staff, make_patient):
    nurse = make_staff(handle="tier-one")
    set_channels("staff", nurse.id, ("webhook", 0, receiver.url, "s3cret"))
    receiver.answers.append(302)
    escalation = start_alert(make_patient())
    passes.run_pass()
    assert len(receiver.received) == 1 and rows(escalation.id)[0].state == "failed"


def test_pagerduty_trigger_acknowledge_resolve(app, receiver, make_staff, make_patient):
    nurse = make_staff(handle="tier-one")
    key = "R0UTINGKEY0123456789abcdefABCDEF"
    staff_client = signed_in(app, nurse)
    r = staff_client.put("/api/v1/channels/me", json={"channels": [
        {"kind": "pagerduty", "routing_key": key}]})
    assert r.status_code == 200 and r.json["channels"][0]["routing_key_set"] is True
    patient = make_patient()
    escalation = start_alert(patient, "emergency")
    passes.run_pass()
    trigger = receiver.json(0)
    assert receiver.received[0]["path"] == "/pd"
    assert trigger["routing_key"] == key and trigger["event_action"] == "trigger"
    assert trigger["dedup_key"] == f"cartwatch-escalation-{escalation.id}"
    assert trigger["payload"]["severity"] == "critical"
    assert trigger["payload"]["source"] == "cartwatch" and trigger["payload"]["summary"]
    private(receiver.received[0]["body"].decode(), patient)
    staff_client.post(f"/api/v1/staff/escalations/{escalation.id}/acknowledge")
    passes.run_pass()
    staff_client.post(f"/api/v1/staff/escalations/{escalation.id}/resolve",
                      json={"outcome": "admitted"})
    passes.run_pass()
    actions = [receiver.json(i)["event_action"] for i in range(len(receiver.received))]
    assert actions == ["trigger", "acknowledge", "resolve"]
    assert {receiver.json(i)["dedup_key"] for i in range(3)} == {trigger["dedup_key"]}
    assert "payload" not in receiver.json(1)


def test_webhook_targets_are_hostile_input(app, staff_client):
    for url in ("http://example.org/hook", "https://10.0.0.5/hook", "https://127.0.0.1/x",
                "https://user@example.org/", "https://169.254.169.254/latest/meta-data",
                "ftp://example.org/", "https://[::1]/"):
        r = staff_client.put("/api/v1/channels/me", json={"channels": [
            {"kind": "webhook", "address": url}]})
        assert r.status_code == 422, url
        assert "channels.0.address" in r.json["error"]["fields"]

    def resolves_to(*addresses):
        return lambda host, port, type=None: [(2, 1, 6, "", (a, port)) for a in addresses]

    assert targets.problem("https://pager.example.org/x", resolve=resolves_to("10.1.2.3"))
    assert targets.problem("https://pager.example.org/x",
                           resolve=resolves_to("93.184.216.34", "127.0.0.1"))
    assert targets.problem("https://pager.example.org/x",
                           resolve=resolves_to("93.184.216.34")) is None
    assert targets.problem("https://pager.internal/x", allow_private=True) is None
    assert staff_client.get("/api/v1/channels/me").json == {"channels": []}


def test_send_me_a_test_per_channel(app, twilio, receiver, staff_client):
    r = staff_client.put("/api/v1/channels/me", json={"channels": [
        {"kind": "push"}, {"kind": "sms", "address": NURSE, "delay_seconds": 120},
        {"kind": "webhook", "address": receiver.url, "delay_seconds": 300}]})
    assert r.status_code == 200, r.json
    assert [c["delay_seconds"] for c in r.json["channels"]] == [0, 120, 300]
    for position, kind in ((0, "push"), (1, "sms"), (2, "webhook")):
        r = staff_client.post("/api/v1/channels/me/test", json={"position": position})
        assert r.status_code == 202 and r.json["channel"] == kind
    passes.run_pass()
    (sms,) = twilio.messages()
    assert sms.to == NURSE and "test" in sms.form["Body"]
    assert receiver.json(0)["type"] == "test"
    r = staff_client.post("/api/v1/channels/me/test", json={"position": 4})
    assert r.status_code == 422 and "position" in r.json["error"]["fields"]


def test_admin_sets_a_colleagues_channels_only_in_the_centre(app, staff_client, make_staff,
                                                             other_centre):
    colleague = make_staff(handle="colleague")
    outsider = make_staff(handle="outsider", centre_id=other_centre.id)
    r = staff_client.put(f"/api/v1/staff/admin/staff/{colleague.id}/channels",
                         json={"channels": [{"kind": "voice", "address": NURSE}]})
    assert r.status_code == 200
    assert staff_client.get(f"/api/v1/staff/admin/staff/{colleague.id}/channels"
                            ).json["channels"][0]["kind"] == "voice"
    r = staff_client.get(f"/api/v1/staff/admin/staff/{outsider.id}/channels")
    assert r.status_code == 404
    nurse_client = signed_in(app, colleague)
    r = nurse_client.get(f"/api/v1/staff/admin/staff/{colleague.id}/channels")
    assert r.status_code == 403


def test_sms_and_voice_off_by_default(database_url, _schema, tmp_path, clock, make_staff,
                                      make_patient):
    """Without provider settings a channel fails and the chain moves on (nothing external)."""
    from conftest import app_config

    from server import create_app
    plain = create_app(app_config(database_url, str(tmp_path / "plain")))
    assert plain.config["CHANNELS_TWILIO_ACCOUNT_SID"] == ""
    with plain.app_context():
        from notifications.channels import send
        result = send("sms", {"address": NURSE}, {"body": "x", "status_callback": "x"})
        assert result.outcome == "invalid" and "not configured" in result.error


def dt_seconds(value):
    return dt.timedelta(seconds=value)
