"""Signed tokens in staff notifications: acknowledge (one escalation, one staff) and receipt
(one notification, one staff). Each has its own salt, so neither can stand in for the other.

The service worker cannot rely on the staff session: a nurse on call is signed out after
15 idle minutes, yet the phone still shows the notification and must say so.
"""
from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from ..clock import now

ACK_SALT = "cartwatch.push.acknowledge.v1"
ACK_MAX_AGE_SECONDS = 6 * 3600  # longer than a notification sits unread on a shift, no more
RECEIPT_SALT = "cartwatch.push.receipt.v1"


class _ClockSigner(TimestampSigner):
    """Timestamps from server.clock, so expiry follows the (test or replay) clock."""

    def get_timestamp(self) -> int:
        return int(now().timestamp())


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt,
                                  signer=_ClockSigner)


def _read(token: str, salt: str, purpose: str, key: str) -> tuple[int, int] | None:
    """(data[key], staff id) of a valid, unexpired token for `purpose`, else None."""
    try:
        data = _serializer(salt).loads(token, max_age=ACK_MAX_AGE_SECONDS)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or data.get("p") != purpose:
        return None
    subject, staff_id = data.get(key), data.get("s")
    if not isinstance(subject, int) or not isinstance(staff_id, int):
        return None
    return subject, staff_id


def ack_token(escalation_id: int, staff_id: int) -> str:
    """A token that lets `staff_id` acknowledge `escalation_id` from the notification."""
    return _serializer(ACK_SALT).dumps({"e": escalation_id, "s": staff_id, "p": "ack"})


def read_ack_token(token: str) -> tuple[int, int] | None:
    """(escalation_id, staff_id) of a valid, unexpired acknowledge token, else None."""
    return _read(token, ACK_SALT, "ack", "e")


def receipt_token(intent_id: int, staff_id: int) -> str:
    """A token that lets the service worker report `intent_id` shown or clicked for staff."""
    return _serializer(RECEIPT_SALT).dumps({"i": intent_id, "s": staff_id, "p": "receipt"})


def read_receipt_token(token: str) -> tuple[int, int] | None:
    """(intent_id, staff_id) of a valid, unexpired receipt token, else None."""
    return _read(token, RECEIPT_SALT, "receipt", "i")
