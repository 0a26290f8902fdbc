"""What each channel sends, built from the outbox row, and the record of each attempt.

Privacy as for push: no names, no clinical values. A member of staff's SMS or call says
the alert's code (E<escalation id>), its severity and its reason category (CRS, ICANS,
missed check-in or other) and how to acknowledge; a patient's or caregiver's SMS carries
the same instruction the push would (`notify._texts`, `instructions.py`) and the centre's
number, nothing more; webhooks and PagerDuty get ids, severity and the category.
"""
from __future__ import annotations

import datetime as dt

from ..clinical import notify
from ..clinical.channel_plan import STAFF_NOTICE_PURPOSES
from ..extensions import db
from ..i18n import gettext as _
from ..models import ChannelAttempt, ContactChannel, Escalation, NotificationIntent, Patient

NI = NotificationIntent
CALLBACK_PATH = "/api/v1/channels/twilio"
PD_SEVERITY = {"emergency": "critical", "urgent": "error", "routine": "warning"}
TEST_BODY = "CARTwatch test message: this channel works."


def category(escalation: Escalation | None) -> str:
    """The reason category said aloud or texted: a syndrome, never a value."""
    if escalation is None:
        return "other"
    if escalation.syndromes:
        return " and ".join(escalation.syndromes)
    if any(str(r).startswith("missed_checkin") for r in escalation.reasons or ()):
        return "missed check-in"
    return "other"


def alert_code(escalation_id: int | None) -> str:
    """The alert's code as staff see it in the app (E + the escalation id)."""
    return f"E{escalation_id}" if escalation_id else "E?"


def callback_url(what: str, intent_id: int) -> str:
    """An absolute provider callback URL under PUBLIC_URL (what the signature covers)."""
    return notify._url(f"{CALLBACK_PATH}/{what}?intent={intent_id}")


def target(intent: NotificationIntent) -> dict | None:
    """The channel's address (and secret) when it may be used now; None otherwise.

    A patient's or caregiver's SMS needs recorded consent and no STOP since.
    """
    channel = db.session.get(ContactChannel, intent.channel_id) if intent.channel_id else None
    if channel is None or (channel.kind != intent.channel_kind):
        return None
    if intent.recipient_kind != "staff" and channel.kind == "sms" and (
            channel.consent_at is None or channel.opted_out_at is not None):
        return None
    return {"channel_id": channel.id, "address": channel.address, "secret": channel.secret}


def staff_sentence(intent: NotificationIntent, escalation: Escalation | None) -> str:
    """"Urgent alert E12 (CRS)." — the push title's words with the code and category."""
    severity = escalation.severity if escalation else intent.payload.get("severity")
    label = (severity or "").capitalize()
    still = " still open" if intent.purpose == "renotify" else ""
    return f"CARTwatch: {label} alert{still} {alert_code(intent.escalation_id)} " \
           f"({category(escalation)})."


def message(intent: NotificationIntent) -> dict:
    """The message for the intent's channel kind."""
    escalation = db.session.get(Escalation, intent.escalation_id) if intent.escalation_id \
        else None
    kind = intent.channel_kind
    if intent.purpose == "test":
        return _test_message(intent)
    if intent.purpose in STAFF_NOTICE_PURPOSES:
        return _notice_message(intent)
    if kind == "sms":
        if intent.recipient_kind == "staff":
            body = f"{staff_sentence(intent, escalation)} Reply 1 or ACK to acknowledge."
        else:
            patient = db.session.get(Patient, intent.patient_id)
            lang = notify.recipient_language((intent.recipient_kind, intent.recipient_id),
                                             patient)
            title, text = notify._texts(intent.purpose, intent.recipient_kind,
                                        intent.payload.get("severity"), patient, lang)
            body = f"{title}. {text}"
            if patient.centre.phone_24h not in body:
                body += " " + _(lang, "Centre: {phone}.", phone=patient.centre.phone_24h)
            body += " " + _(lang, "Reply STOP to stop these texts.")
        return {"body": body, "status_callback": callback_url("status", intent.id)}
    if kind == "voice":
        return {"twiml_url": callback_url("voice", intent.id),
                "status_callback": callback_url("status", intent.id)}
    document = {
        "type": f"escalation.{intent.purpose}", "escalation_id": intent.escalation_id,
        "code": alert_code(intent.escalation_id),
        "severity": escalation.severity if escalation else None,
        "category": category(escalation), "state": escalation.state if escalation else None,
        "url": notify._url(f"/staff/#/escalations/{intent.escalation_id}"),
        "sent_at": intent.created_at.isoformat(),
    }
    if kind == "webhook":
        return {"body": document}
    action = {"acknowledged": "acknowledge", "resolved": "resolve"}.get(intent.purpose,
                                                                       "trigger")
    event = {"event_action": action, "dedup_key": dedup_key(intent.escalation_id)}
    if action == "trigger":
        event["payload"] = {
            "summary": staff_sentence(intent, escalation), "source": "cartwatch",
            "severity": PD_SEVERITY.get(document["severity"], "error"),
            "component": "escalation", "custom_details": {
                k: document[k] for k in ("code", "severity", "category", "escalation_id")}}
        event["links"] = [{"href": document["url"], "text": "Open in CARTwatch"}]
    return {"event": event}


def notice_sentence(intent: NotificationIntent) -> str:
    """A rota notice's words (its push title and body: counts and ids, never a patient)."""
    note = intent.payload.get("notification", {})
    return f"CARTwatch: {note.get('title', '')}. {note.get('body', '')}".strip()


def _notice_message(intent: NotificationIntent) -> dict:
    if intent.channel_kind == "sms":
        return {"body": notice_sentence(intent),
                "status_callback": callback_url("status", intent.id)}
    return {"twiml_url": callback_url("voice", intent.id),
            "status_callback": callback_url("status", intent.id)}


def dedup_key(escalation_id: int | None) -> str:
    """PagerDuty's dedup_key: the escalation id, prefixed so a shared service can tell it."""
    return f"cartwatch-escalation-{escalation_id}"


def _test_message(intent: NotificationIntent) -> dict:
    kind = intent.channel_kind
    if kind == "sms":
        return {"body": TEST_BODY, "status_callback": callback_url("status", intent.id)}
    if kind == "voice":
        return {"twiml_url": callback_url("voice", intent.id),
                "status_callback": callback_url("status", intent.id)}
    document = {"type": "test", "escalation_id": None, "code": None, "severity": None,
                "category": None, "state": None, "url": notify._url("/staff/"),
                "sent_at": intent.created_at.isoformat()}
    if kind == "webhook":
        return {"body": document}
    return {"event": {"event_action": "trigger", "dedup_key": f"cartwatch-test-{intent.id}",
                      "payload": {"summary": "CARTwatch test event", "source": "cartwatch",
                                  "severity": "info"}}}


def record_attempt(intent_id: int, kind: str, target: dict, result, at: dt.datetime) -> None:
    """Store one channel attempt (in the caller's commit)."""
    db.session.connection().execute(ChannelAttempt.__table__.insert().values(
        intent_id=intent_id, channel_id=target.get("channel_id"), kind=kind,
        address=target.get("address") if kind in ("sms", "voice") else None, at=at,
        status_code=result.status, outcome=result.outcome,
        status="accepted" if result.ok else result.outcome, provider_ref=result.ref,
        error=result.error))
