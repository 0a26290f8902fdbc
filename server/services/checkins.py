"""Record check-ins durably and exactly once, and evaluate them in the same transaction."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError

from .. import policy as P
from ..audit import trail as audit
from ..clinical import self_check
from ..clinical.engine import evaluate_checkin, quiet_evaluation
from ..clinical.escalations import lock_patient
from ..clock import now
from ..errors import field_error
from ..extensions import db
from ..measures.service import apply as apply_measures
from ..models import CheckIn, Device
from . import device_readings
from .patients import person_of

LATE_AFTER = dt.timedelta(minutes=10)  # shown as "observed at …" when older than this


def request_fingerprint(body: Any) -> str:
    """Hash the canonical JSON of a request body, to tell a retry from a different request."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def valid_idempotency_key(key: str | None) -> str:
    """Accept a client UUID (the PWA's crypto.randomUUID()); make one when absent."""
    if key is None or key == "":
        return str(uuid.uuid4())
    try:
        return str(uuid.UUID(key))
    except ValueError:
        raise field_error("Idempotency-Key", "must be a UUID") from None


def record_checkin(device: Device, data: dict, key: str,
                   fingerprint: str) -> tuple[dict, int, bool]:
    """Store a check-in (or replay the first answer for a retried key) and evaluate it.

    The insert comes first and the unique Idempotency-Key decides: a retry, or a twin that
    waited for the first one's patient lock, fails that insert and replays the stored answer.
    No lookup runs before the insert, because nearly every key is new.
    """
    try:
        body, result = _store(device, data, key, fingerprint)
    except IntegrityError:
        db.session.rollback()  # this key is already stored: answer as the first time
        existing = _by_key(key)
        if existing is None:
            raise
        return _replay(existing, device, fingerprint)
    urgent = bool(result.escalation_ref
                  and result.escalation_ref.get("change") in ("opened", "raised"))
    return body, 201, urgent


def _store(device: Device, data: dict, key: str, fingerprint: str):
    patient = lock_patient(device.patient_id)  # one evaluation per patient at a time
    checkin = _build(device, data, key, fingerprint)
    lang = person_of(device).language
    result = quiet_evaluation(checkin, patient, lang)
    if result is None:  # the rules and measures need the stored row
        db.session.add(checkin)
        db.session.flush()  # the INSERT: a stored key fails here, before any other work
        apply_measures(checkin, patient)  # features + beyond_baseline before the rules
        result = evaluate_checkin(checkin, patient, lang)
    checkin.response = serialise(checkin, findings=result.findings,
                                 escalation=result.escalation_ref,
                                 instruction=result.instruction)
    db.session.add(checkin)
    db.session.flush()  # a quiet check-in's one INSERT (else the answer's UPDATE), before the
    # audit row, so PostgreSQL's audit-chain lock is held only for that row and the COMMIT
    body = answer(checkin)
    audit.record("checkin.create", patient_id=checkin.patient_id,
                 detail={"checkin": checkin.id})
    return body, result


def answer(checkin: CheckIn) -> dict:
    """A stored check-in as the API shows it: its first answer (stored with id None when
    the row was judged before its INSERT), or its plain data when it has no answer."""
    if not checkin.response:
        return serialise(checkin)
    return {**checkin.response, "id": checkin.id}


def _by_key(key: str) -> CheckIn | None:
    return db.session.execute(
        db.select(CheckIn).where(CheckIn.idempotency_key == key)
    ).scalar_one_or_none()


def _replay(existing: CheckIn, device: Device, fingerprint: str) -> tuple[dict, int, bool]:
    if existing.patient_id != device.patient_id or existing.request_hash != fingerprint:
        raise field_error("Idempotency-Key", "was already used for a different request")
    return answer(existing), 201, False


def _build(device: Device, data: dict, key: str, fingerprint: str) -> CheckIn:
    received = now()
    checkin = CheckIn(
        patient_id=device.patient_id,
        device_id=device.id,
        recorded_by=device.role,
        observed_at=data.get("observed_at") or received,
        received_at=received,
        symptoms=sorted(set(data.get("symptoms") or [])),
        idempotency_key=key,
        request_hash=fingerprint,
    )
    if temp := data.get("temperature"):
        checkin.temperature_value = temp["value"]
        checkin.temperature_unit = temp["unit"]
        checkin.temperature_c = (
            round(temp["value"], 2) if temp["unit"] == "C"
            else P.fahrenheit_to_celsius(temp["value"])
        )
    if ice := data.get("ice"):
        items = _ice_items(device, ice, checkin.observed_at, data.get("handwriting"))
        for item in P.ICE_ITEMS:
            setattr(checkin, f"ice_{item}", items[item])
        checkin.ice_total = sum(items[item] for item in P.ICE_ITEMS)
        checkin.ice_self = ice.get("self_administered", False)
    if vitals := data.get("vitals"):
        checkin.heart_rate = vitals.get("heart_rate")
        checkin.systolic_bp = vitals.get("systolic_bp")
        checkin.spo2 = vitals.get("spo2")
        checkin.respiratory_rate = vitals.get("respiratory_rate")
    checkin.device_readings = device_readings.stored(data.get("temperature"), data.get("vitals"))
    checkin.antipyretic = data.get("antipyretic")
    checkin.antipyretic_kind = data.get("antipyretic_kind")
    checkin.other_text = data.get("other")  # trimmed by the schema; None when blank
    if tremor := data.get("tremor"):
        checkin.tremor_rating = tremor["rating"]
        checkin.tremor_motion = tremor.get("motion")
    if handwriting := data.get("handwriting"):
        checkin.handwriting_judgement = handwriting.get("judgement")
        checkin.handwriting_strokes = handwriting.get("strokes")
    return checkin


def _ice_items(device: Device, ice: dict, observed_at: dt.datetime,
               handwriting: dict | None) -> dict[str, int]:
    """The ICE items to store: the server's own score of a self-check's answers, else the
    items as sent (a caregiver scored them, or an entry queued by an earlier app version)."""
    answers = ice.get("answers")
    if answers is None:
        return {item: ice[item] for item in P.ICE_ITEMS}
    wrote = bool(handwriting and handwriting.get("strokes")) or _wrote_recently(
        device.patient_id, observed_at)
    return self_check.score(answers, device.patient, observed_at, wrote)


def _wrote_recently(patient_id: int, observed_at: dt.datetime) -> bool:
    """Whether the sentence was written on the pad shortly before (the handwriting check's
    strokes, reused by the self-check's writing item rather than sent twice)."""
    since = observed_at - dt.timedelta(minutes=self_check.SENTENCE_REUSE_MINUTES)
    rows = db.session.execute(
        db.select(CheckIn.handwriting_strokes)
        .where(CheckIn.patient_id == patient_id, CheckIn.observed_at >= since,
               CheckIn.observed_at <= observed_at)
        .order_by(CheckIn.observed_at.desc()).limit(5)
    ).scalars()
    return any(strokes for strokes in rows)


def serialise(checkin: CheckIn, *, findings=None, escalation=None, instruction=None) -> dict:
    """The check-in as JSON-ready data (the shape of CheckInOut)."""
    vitals = {
        k: getattr(checkin, k)
        for k in ("heart_rate", "systolic_bp", "spo2", "respiratory_rate")
        if getattr(checkin, k) is not None
    }
    return {
        "id": checkin.id,
        "recorded_by": checkin.recorded_by,
        "observed_at": checkin.observed_at.isoformat(),
        "received_at": checkin.received_at.isoformat(),
        "late": checkin.received_at - checkin.observed_at > LATE_AFTER,
        "temperature": None if checkin.temperature_c is None else {
            "value": checkin.temperature_value,
            "unit": checkin.temperature_unit,
            "celsius": checkin.temperature_c,
        },
        "ice": checkin.ice,
        "ice_total": checkin.ice_total,
        "ice_self": checkin.ice_self,
        "vitals": vitals or None,
        "tremor": None if checkin.tremor_rating is None else {
            "rating": checkin.tremor_rating,
            "features": checkin.tremor_features,
        },
        "handwriting": None if not (checkin.handwriting_judgement or checkin.handwriting_strokes)
        else {"judgement": checkin.handwriting_judgement,
              "has_strokes": checkin.handwriting_strokes is not None,
              "features": checkin.handwriting_features},
        "symptoms": list(checkin.symptoms or []),
        "antipyretic": checkin.antipyretic,
        "antipyretic_kind": checkin.antipyretic_kind,
        "other": checkin.other_text,
        "devices": device_readings.models(checkin.device_readings),
        "findings": list(findings or []),
        "escalation": escalation,
        "instruction": instruction,
    }


def list_for_patient(patient_id: int, limit: int, before_id: int | None) -> list[CheckIn]:
    """A patient's check-ins, newest first, paged by id."""
    query = db.select(CheckIn).where(CheckIn.patient_id == patient_id)
    if before_id is not None:
        query = query.where(CheckIn.id < before_id)
    return list(db.session.execute(query.order_by(CheckIn.id.desc()).limit(limit)).scalars())
