"""Signed acknowledge tokens for staff notifications: one escalation, one staff, one purpose."""
from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from ..clock import now

ACK_SALT = "cartwatch.push.acknowledge.v1"
ACK_MAX_AGE_SECONDS = 6 * 3600  # longer than a notification sits unread on a shift, no more


class _ClockSigner(TimestampSigner):
    """Timestamps from server.clock, so expiry follows the (test or replay) clock."""

    def get_timestamp(self) -> int:
        return int(now().timestamp())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=ACK_SALT,
                                  signer=_ClockSigner)


def ack_token(escalation_id: int, staff_id: int) -> str:
    """A token that lets `staff_id` acknowledge `escalation_id` from the notification."""
    return _serializer().dumps({"e": escalation_id, "s": staff_id, "p": "ack"})


def read_ack_token(token: str) -> tuple[int, int] | None:
    """(escalation_id, staff_id) of a valid, unexpired token, else None."""
    try:
        data = _serializer().loads(token, max_age=ACK_MAX_AGE_SECONDS)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or data.get("p") != "ack":
        return None
    escalation_id, staff_id = data.get("e"), data.get("s")
    if not isinstance(escalation_id, int) or not isinstance(staff_id, int):
        return None
    return escalation_id, staff_id
