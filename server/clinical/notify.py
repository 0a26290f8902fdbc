"""Write notification intents into the outbox: recipients, dedupe keys, name-free payloads."""
from __future__ import annotations

import datetime as dt

from flask import current_app, has_app_context
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .. import clock
from ..extensions import db
from ..i18n import gettext as _
from ..models import Caregiver, NotificationIntent, Patient
from . import channel_plan, oncall
from .batch import Batch, Recipient, current
from .instructions import instruction, unanswered_text

WEB_PUSH_MAGIC = 8030  # Declarative Web Push: the payload is a notification by itself



def load_family(running: Batch, patient_ids) -> None:
    """Read the batch's patients' caregivers (and their languages) in one query.

    Exact while the batch holds its patients (the claim locks them); each centre's tiers are
    read once per batch as they are asked for: a staff member going on or off duty
    meanwhile is seen by the next batch, as by a row handled a moment earlier.
    """
    seen: dict[int, list[int]] = {pid: [] for pid in patient_ids}
    if seen:
        found = db.session.execute(
            db.select(Caregiver.patient_id, Caregiver.id, Caregiver.language)
            .where(Caregiver.patient_id.in_(list(seen))).order_by(Caregiver.id))
        for patient_id, caregiver_id, lang in found:
            seen[patient_id].append(caregiver_id)
            running.languages[caregiver_id] = lang
    running.caregivers.update(seen)


def family(patient: Patient) -> list[Recipient]:
    """The patient and every caregiver of the patient."""
    running = current()
    if running is not None and patient.id in running.caregivers:
        caregivers = running.caregivers[patient.id]
    else:
        caregivers = db.session.execute(
            db.select(Caregiver.id).where(Caregiver.patient_id == patient.id)
            .order_by(Caregiver.id)).scalars()
    return [("patient", patient.id)] + [("caregiver", cid) for cid in caregivers]


def caregivers(patient: Patient) -> list[Recipient]:
    """Every caregiver of the patient."""
    return [r for r in family(patient) if r[0] == "caregiver"]


def staff_tiers(centre_id: int) -> list[list[Recipient]]:
    """On-duty, active staff of a centre by tier, lowest first (empty tiers skipped)."""
    running = current()
    if running is None:
        return _read_tiers(centre_id)
    if centre_id not in running.tiers:
        running.tiers[centre_id] = _read_tiers(centre_id)
    return [list(tier) for tier in running.tiers[centre_id]]


def _read_tiers(centre_id: int) -> list[list[Recipient]]:
    """Who is on duty now (the injected clock): rotas, overrides and the manual toggle."""
    return oncall.on_duty(centre_id, clock.now())


def _url(path: str) -> str:
    base = current_app.config.get("PUBLIC_URL", "") if has_app_context() else ""
    return base.rstrip("/") + path


def recipient_language(recipient: Recipient, patient: Patient) -> str:
    """The language a patient or caregiver reads pushes in; staff texts stay English."""
    kind, recipient_id = recipient
    if kind == "patient":
        return patient.language
    if kind == "caregiver":
        running = current()
        if running is not None and recipient_id in running.languages:
            return running.languages[recipient_id]
        caregiver = db.session.get(Caregiver, recipient_id)
        return caregiver.language if caregiver is not None else patient.language
    return "en"


def _texts(purpose: str, kind: str, severity: str | None, patient: Patient,
           lang: str = "en") -> tuple[str, str]:
    centre = patient.centre
    if kind == "staff":
        label = (severity or "").capitalize()
        if purpose == "renotify":
            return (f"{label} alert still open", "Not yet acknowledged. Open CARTwatch.")
        return (f"{label} alert", "A patient needs review. Open CARTwatch to acknowledge.")
    if purpose == "reminder":
        return (_(lang, "Time for a check-in"), _(lang, "Please record a check-in in CARTwatch."))
    if purpose == "missed_checkin":
        return (_(lang, "Check-in not received"),
                _(lang, "Please help record a check-in in CARTwatch now."))
    if purpose == "acknowledged":
        return (_(lang, "Alert seen"),
                _(lang, "The centre has seen your alert and will contact you."))
    if purpose == "unanswered":
        return unanswered_text(severity or "urgent", centre, lang)
    advice = instruction(severity, centre, lang=lang)
    return (_(lang, "CARTwatch alert"), advice["text"])


def payload(purpose: str, kind: str, severity: str | None, escalation_id: int | None,
            patient: Patient, tag: str, lang: str = "en") -> dict:
    """The push payload (Declarative Web Push shape): no names, no clinical values; in the
    recipient's language (`lang`)."""
    title, body = _texts(purpose, kind, severity, patient, lang)
    path = f"/staff/#/escalations/{escalation_id}" if kind == "staff" and escalation_id \
        else "/staff/" if kind == "staff" else "/app/"
    return {
        "web_push": WEB_PUSH_MAGIC,
        "notification": {"title": title, "body": body, "navigate": _url(path), "tag": tag,
                         "silent": False},
        "kind": purpose, "severity": severity, "escalation_id": escalation_id,
    }


def send(key: str, recipient: Recipient, purpose: str, patient: Patient, at: dt.datetime, *,
         severity: str | None = None, escalation_id: int | None = None, tag: str = "") -> bool:
    """Insert one intent unless its dedupe key exists; True when a row was written.

    In a batch that holds intents: keep it for `write_held` and return True (the key may
    still exist; that INSERT skips it then).
    """
    kind, recipient_id = recipient
    values = dict(
        dedupe_key=key, recipient_kind=kind, recipient_id=recipient_id, patient_id=patient.id,
        escalation_id=escalation_id, purpose=purpose,
        urgency="high" if severity in ("urgent", "emergency") else "normal",
        payload=payload(purpose, kind, severity, escalation_id, patient,
                        tag or f"{purpose}-{escalation_id or patient.id}",
                        recipient_language(recipient, patient)),
        created_at=at, state="pending", next_attempt_at=at, attempts=0,
        channel_id=None, channel_kind=None, chain=None,
    )
    rows = channel_plan.expand(values)  # the recipient's channel list, if any (a chain)
    running = current()
    if running is not None and running.hold_intents:
        for row in rows:
            running.held_intents.setdefault(row["dedupe_key"], row)
        return True
    # one statement for the chain: its later keys exist exactly when its first does.
    # (psycopg reports rowcount -1 for a VALUES list: "unknown" counts as written.)
    return db.session.execute(_insert(rows)).rowcount != 0


HELD_PER_INSERT = 50  # 16 parameters each: well under SQLite's 999 of old builds


def write_held(running: Batch) -> None:
    """Insert the intents the batch held, in send order, skipping existing keys."""
    if not running.held_intents:
        return
    held = list(running.held_intents.values())
    running.held_intents.clear()
    for lo in range(0, len(held), HELD_PER_INSERT):
        db.session.execute(_insert(held[lo:lo + HELD_PER_INSERT]))


def _insert(rows: list[dict]):
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return insert(NotificationIntent).values(rows).on_conflict_do_nothing(
        index_elements=["dedupe_key"])


def recipient_key(recipient: Recipient) -> str:
    """The recipient part of a dedupe key, e.g. `staff3`."""
    return f"{recipient[0]}{recipient[1]}"


def page_update(escalation, action: str, at: dt.datetime) -> int:
    """Tell every paging target that took an alert of `escalation` it was acknowledged /
    resolved (PagerDuty's acknowledge / resolve on the same dedup_key; a webhook event)."""
    intent = NotificationIntent
    sent = db.session.execute(
        db.select(intent.recipient_id, intent.channel_id, intent.channel_kind).where(
            intent.escalation_id == escalation.id,
            intent.channel_kind.in_(channel_plan.PAGE_KINDS), intent.state == "sent",
            intent.purpose.in_(channel_plan.STAFF_CHAIN_PURPOSES)).distinct()).all()
    purpose = "acknowledged" if action == "acknowledge" else "resolved"
    count = 0
    for staff_id, channel_id, channel_kind in sent:
        key = (f"page-{purpose}:{escalation.id}:{escalation.ladder_epoch}:"
               f"{channel_id}:{at.isoformat()}")[:160]
        values = dict(
            dedupe_key=key, recipient_kind="staff", recipient_id=staff_id,
            patient_id=escalation.patient_id, escalation_id=escalation.id, purpose=purpose,
            urgency="normal", payload={"kind": purpose, "escalation_id": escalation.id,
                                       "severity": escalation.severity},
            created_at=at, state="pending", next_attempt_at=at, attempts=0,
            channel_id=channel_id, channel_kind=channel_kind, chain=None)
        count += db.session.execute(_insert([values])).rowcount
    return count
