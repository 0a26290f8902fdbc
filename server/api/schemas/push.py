"""Web Push bodies: the browser's subscription, receipts, acknowledge, status, deliveries."""
from __future__ import annotations

import binascii

from cryptography.hazmat.primitives.asymmetric import ec
from marshmallow import Schema, ValidationError, fields, validate, validates

from notifications import push
from notifications.vapid import b64url_decode

from ...ids import Id
from ...models.push import RECEIPT_EVENTS
from .common import StrictSchema, Timestamp


def _decoded(value: str, what: str) -> bytes:
    try:
        return b64url_decode(value)
    except (binascii.Error, ValueError):
        raise ValidationError(f"{what} must be base64url") from None


class KeysIn(StrictSchema):
    p256dh = fields.String(required=True, validate=validate.Length(max=100))
    auth = fields.String(required=True, validate=validate.Length(max=32))

    @validates("p256dh")
    def _p256dh(self, value, **_):
        raw = _decoded(value, "p256dh")
        if len(raw) != 65 or raw[0] != 4:
            raise ValidationError("p256dh must be an uncompressed P-256 point (65 bytes)")
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        except ValueError:
            raise ValidationError("p256dh is not a point on P-256") from None

    @validates("auth")
    def _auth(self, value, **_):
        if len(_decoded(value, "auth")) != 16:
            raise ValidationError("auth must be 16 bytes")


class SubscriptionIn(StrictSchema):
    """The browser's PushSubscription.toJSON()."""

    endpoint = fields.String(required=True, validate=validate.Length(max=1024))
    expirationTime = fields.Float(load_default=None, allow_none=True)  # the browser's own name
    keys = fields.Nested(KeysIn, required=True)

    @validates("endpoint")
    def _endpoint(self, value, **_):
        """Only a browser push service (or a configured private one): no SSRF."""
        if problem := push.endpoint_problem(value):
            raise ValidationError(problem)


class EndpointIn(StrictSchema):
    endpoint = fields.String(required=True, validate=validate.Length(max=1024))


class SubscriptionOut(Schema):
    id = fields.Integer()
    endpoint = fields.String()
    created_at = Timestamp()
    created = fields.Boolean()


class KeyOut(Schema):
    public_key = fields.String()


class ReceiptIn(StrictSchema):
    intent_id = Id(required=True, strict=False)
    event = fields.String(required=True, validate=validate.OneOf(RECEIPT_EVENTS))
    token = fields.String(validate=validate.Length(max=500), metadata={
        "description": "a staff notification's data.receipt_token: no session needed"})


class AckIn(StrictSchema):
    token = fields.String(required=True, validate=validate.Length(max=500))


class ReceiptOut(Schema):
    id = fields.Integer()
    event = fields.String(metadata={"description": "shown or clicked"})


class TestPushOut(Schema):
    intent_id = fields.Integer()
    subscriptions = fields.Integer(metadata={"description": "active subscriptions reached"})


class PushStatusOut(Schema):
    """The caller's push health."""

    subscriptions = fields.Integer(metadata={"description": "active subscriptions"})
    last_shown_at = Timestamp(allow_none=True, metadata={
        "description": "a device of the caller last showed a push"})
    warning = fields.Boolean(metadata={
        "description": "on duty and nothing shown for 24 h (or ever)"})


class AckOut(Schema):
    escalation_id = fields.Integer()
    state = fields.String()


class ChannelAttemptOut(Schema):
    """One SMS, voice or webhook send and its provider's last status."""

    kind = fields.String()
    at = Timestamp()
    outcome = fields.String(allow_none=True)
    status = fields.String(allow_none=True)
    status_at = Timestamp(allow_none=True)


class DeliveryOut(Schema):
    """One notification of an escalation: its recipient, state and what was shown."""

    intent_id = fields.Integer()
    purpose = fields.String()
    recipient = fields.String(metadata={"description": "staff handle, patient or caregiver"})
    recipient_kind = fields.String()
    recipient_id = fields.Integer()
    state = fields.String()
    attempts = fields.Integer()
    created_at = Timestamp()
    sent_at = Timestamp(allow_none=True)
    last_error = fields.String(allow_none=True)
    devices_reached = fields.Integer()
    shown_devices = fields.Integer()
    shown_at = Timestamp(allow_none=True)
    clicked_at = Timestamp(allow_none=True)
    channel = fields.String(metadata={"description": "push, sms, voice, webhook, pagerduty"})
    channel_attempts = fields.List(fields.Nested(ChannelAttemptOut))


class DeliveriesOut(Schema):
    escalation_id = fields.Integer()
    undeliverable_at = Timestamp(allow_none=True)
    undeliverable_reason = fields.String(allow_none=True)
    items = fields.List(fields.Nested(DeliveryOut))
