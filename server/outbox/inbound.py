"""What the SMS / voice provider tells us: delivery status, the call's TwiML, key presses,
inbound texts. Every request reaching here has passed the X-Twilio-Signature check.

- Status callbacks update the attempt (`channel_attempt.status`). An SMS `delivered` joins
  the receipts as `shown` (so the chain's later channels are not needed); an SMS `failed` /
  `undelivered`, a call `busy` / `no-answer` / `failed` / `canceled`, or a call `completed`
  while its alert is still open (answered, 1 not pressed) is a failed channel: the chain
  falls back to its next channel, after the last one the ladder moves on (outbox.flagging).
- A staff member pressing 1 in the call, or replying `1` / `ACK` by SMS from the number an
  alert was sent to, acknowledges exactly as the button does (`escalations.acknowledge`,
  audited as that member of staff, plus `channel.acknowledge` naming the channel). The SMS
  reply acknowledges the most recent alert sent by SMS or call to that number whose
  escalation is still open.
- `STOP` (and the provider's synonyms) from a patient's or caregiver's number opts every
  SMS channel with that number out (audited); `START` opts them in again.
"""
from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape

from flask import g

from .. import transaction
from ..audit import trail as audit
from ..auth.identity import Actor
from ..clinical import escalations
from ..clock import now
from ..domain_errors import DomainError
from ..errors import ApiError
from ..extensions import db
from ..models import ChannelAttempt, ContactChannel, Escalation, NotificationIntent, Receipt, Staff
from ..services import channel_send
from . import flagging, rows

NI = NotificationIntent
FAILED_SMS = ("failed", "undelivered")
FAILED_CALL = ("busy", "no-answer", "failed", "canceled")
STOP_WORDS = ("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT")
START_WORDS = ("START", "UNSTOP")
ACK_WORDS = ("1", "ACK")


def twiml(*parts: str) -> str:
    """A TwiML document."""
    return '<?xml version="1.0" encoding="UTF-8"?><Response>' + "".join(parts) + "</Response>"


def say(text: str) -> str:
    """A <Say> element."""
    return f"<Say>{escape(text)}</Say>"


def _intent(intent_id) -> NotificationIntent:
    try:
        intent = db.session.get(NI, int(intent_id))
    except (TypeError, ValueError, OverflowError):
        intent = None
    if intent is None or intent.channel_kind not in ("sms", "voice"):
        raise ApiError(404, "not_found", "Not found")
    return intent


def status(intent_id, params: dict) -> None:
    """A delivery status callback for a message or a call."""
    intent = _intent(intent_id)
    ref = params.get("MessageSid") or params.get("SmsSid") or params.get("CallSid") or ""
    value = (params.get("MessageStatus") or params.get("SmsStatus")
             or params.get("CallStatus") or "").lower()[:24]
    attempt = db.session.execute(
        db.select(ChannelAttempt).where(ChannelAttempt.intent_id == intent.id,
                                        ChannelAttempt.provider_ref == ref[:64])
        .order_by(ChannelAttempt.id.desc()).limit(1)).scalar_one_or_none()
    if attempt is None or not value:
        raise ApiError(404, "not_found", "Not found")
    if attempt.status == value:  # the provider repeats a callback it saw no answer to
        return
    at = now()
    attempt.status, attempt.status_at = value, at
    if intent.channel_kind == "sms" and value == "delivered":
        db.session.add(Receipt(intent_id=intent.id, event="shown", at=at,
                               staff_id=intent.recipient_id
                               if intent.recipient_kind == "staff" else None))
    elif (intent.channel_kind == "sms" and value in FAILED_SMS) or (
            intent.channel_kind == "voice" and (value in FAILED_CALL or (
                value == "completed" and _still_open(intent)))):
        reason = "channel_failed" if intent.channel_kind == "sms" else "not_answered"
        flagging.flag_unreachable(rows.job_of(intent), at, reason)
    db.session.commit()


def _still_open(intent: NotificationIntent) -> bool:
    escalation = db.session.get(Escalation, intent.escalation_id) if intent.escalation_id \
        else None
    return escalation is not None and escalation.state == "open"


def voice(intent_id) -> str:
    """The call's TwiML: the alert (code, severity, category) and "press 1"."""
    intent = _intent(intent_id)
    if intent.purpose == "test":
        return twiml(say("This is a CARTwatch test call. This channel works. Goodbye."))
    if intent.purpose in channel_send.STAFF_NOTICE_PURPOSES:
        return twiml(say(channel_send.notice_sentence(intent)), say("Goodbye."))
    if not _still_open(intent):
        return twiml(say("CARTwatch: this alert is no longer open. Goodbye."))
    escalation = db.session.get(Escalation, intent.escalation_id)
    spoken = (f"{channel_send.staff_sentence(intent, escalation)} "
              "Press 1 to acknowledge.")
    gather = (f'<Gather numDigits="1" timeout="10" method="POST" '
              f'action="{escape(channel_send.callback_url("gather", intent.id))}">'
              f"{say(spoken)}</Gather>")
    return twiml(gather, say("No key pressed. Goodbye."))


def gather(intent_id, digits: str) -> str:
    """A key pressed in the call: 1 acknowledges as the called member of staff."""
    intent = _intent(intent_id)
    if digits != "1" or intent.recipient_kind != "staff" or not intent.escalation_id:
        return twiml(say("Not acknowledged. Goodbye."))
    done = _acknowledge(intent, "voice")
    return twiml(say("Acknowledged. Thank you." if done else
                     "This alert is no longer open. Goodbye."))


def _acknowledge(intent: NotificationIntent, via: str) -> bool:
    staff = db.session.get(Staff, intent.recipient_id)
    if staff is None or not staff.active:
        return False
    g.actor = Actor("staff", staff=staff)  # audit names who acknowledged
    try:
        escalation = escalations.acknowledge(intent.escalation_id, staff)
    except DomainError:  # 409: acknowledged or resolved meanwhile (audited there)
        return False
    audit.record("channel.acknowledge", patient_id=escalation.patient_id,
                 detail={"escalation": escalation.id, "intent": intent.id, "channel": via})
    db.session.commit()
    return True


def inbound_sms(sender: str, body: str) -> str:
    """An inbound text: STOP / START from a family number, 1 / ACK from staff."""
    word = " ".join((body or "").split()).upper()
    at = now()
    if word in STOP_WORDS or word in START_WORDS:
        _opt(sender, word in STOP_WORDS, at)
        return twiml()  # the provider itself answers STOP / START on its numbers
    if word in ACK_WORDS:
        intent = latest_open_alert_to(sender)
        if intent is not None and _acknowledge(intent, "sms"):
            code = channel_send.alert_code(intent.escalation_id)
            return twiml(f"<Message>{escape(f'Acknowledged {code}.')}</Message>")
        transaction.refuse("channel.acknowledge", outcome="denied", detail={"channel": "sms"})
        return twiml("<Message>No open alert to acknowledge.</Message>")
    return twiml()


def latest_open_alert_to(number: str) -> NotificationIntent | None:
    """The most recent staff alert sent by SMS or call to `number` whose escalation is open."""
    return db.session.execute(
        db.select(NI).join(ChannelAttempt, ChannelAttempt.intent_id == NI.id)
        .join(Escalation, Escalation.id == NI.escalation_id)
        .where(ChannelAttempt.address == number, ChannelAttempt.kind.in_(("sms", "voice")),
               ChannelAttempt.outcome == "ok", NI.recipient_kind == "staff",
               NI.purpose.in_(("escalation", "renotify")), Escalation.state == "open")
        .order_by(ChannelAttempt.at.desc(), ChannelAttempt.id.desc()).limit(1)
    ).scalar_one_or_none()


def _opt(number: str, out: bool, at: dt.datetime) -> None:
    rows = db.session.execute(
        db.select(ContactChannel).where(ContactChannel.address == number,
                                        ContactChannel.kind == "sms",
                                        ContactChannel.recipient_kind != "staff")).scalars()
    for row in rows:
        if out and row.opted_out_at is None:
            row.opted_out_at = at
        elif not out and row.opted_out_at is not None:
            row.opted_out_at = None
        else:
            continue
        audit.record("channel.sms.opt_out" if out else "channel.sms.opt_in",
                     patient_id=row.patient_id, actor=(row.recipient_kind, row.recipient_id),
                     detail={"channel": row.id})
    db.session.commit()
