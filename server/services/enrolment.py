"""Enrolment: staff issue a one-time code; a phone trades it for a device bearer token."""
from __future__ import annotations

import datetime as dt

import segno
from flask import current_app

from .. import transaction
from ..audit import trail as audit
from ..auth.tokens import hash_secret, new_enrolment_code, new_token, normalise_code
from ..clock import now
from ..errors import ApiError
from ..extensions import db
from ..models import Caregiver, Device, EnrolmentCode, Patient, Staff

REFUSED = ApiError(400, "enrolment_failed", "Code not accepted: check it or ask the centre")


def issue_code(patient: Patient, role: str, caregiver: Caregiver | None, staff: Staff) -> dict:
    """Create a code (text, grouped) and a QR token for one patient or caregiver phone."""
    code = new_enrolment_code()
    token = new_token(16)  # 128 bits, carried by the QR code
    hours = current_app.config["ENROLMENT_CODE_HOURS"]
    row = EnrolmentCode(
        patient_id=patient.id, caregiver_id=caregiver.id if caregiver else None, role=role,
        code_hash=hash_secret(code), token_hash=hash_secret(token),
        created_by_staff_id=staff.id, created_at=now(),
        expires_at=now() + dt.timedelta(hours=hours),
    )
    db.session.add(row)
    db.session.flush()
    audit.record("enrolment_code.create", patient_id=patient.id, detail={"code_id": row.id})
    # the person's language rides along, so the phone greets them in it before redeeming
    lang = caregiver.language if caregiver else patient.language
    url = f"{current_app.config['PUBLIC_URL']}/app/#enrol={token}&lang={lang}"
    return {
        "id": row.id, "role": role, "code": code, "token": token, "url": url,
        "qr_svg": segno.make(url, error="m").svg_inline(scale=4),
        "expires_at": row.expires_at,
    }


def redeem(code: str | None, token: str | None) -> tuple[str, Device]:
    """Exchange an unused, unexpired code or QR token for a new device token (single use)."""
    if token:
        where = EnrolmentCode.token_hash == hash_secret(token)
    elif code:
        where = EnrolmentCode.code_hash == hash_secret(normalise_code(code))
    else:
        raise REFUSED
    row = db.session.execute(
        db.select(EnrolmentCode).where(where).with_for_update()
    ).scalar_one_or_none()
    if row is None or row.used_at is not None or row.expires_at <= now():
        transaction.refuse("enrolment.redeem", patient_id=row.patient_id if row else None)
        raise REFUSED
    device_token = new_token(32)
    device = Device(patient_id=row.patient_id, caregiver_id=row.caregiver_id, role=row.role,
                    token_hash=hash_secret(device_token), created_at=now(), last_seen_at=now())
    db.session.add(device)
    db.session.flush()
    row.used_at = now()
    row.device_id = device.id
    audit.record("enrolment.redeem", patient_id=row.patient_id, actor=("device", device.id))
    return device_token, device


def revoke_device(device: Device, reason: str = "staff") -> None:
    """Revoke a device: its token fails from the next request on."""
    if device.revoked_at is None:
        device.revoked_at = now()
        device.revoked_reason = reason
    audit.record("device.revoke", patient_id=device.patient_id,
                 detail={"device": device.id, "reason": device.revoked_reason})
