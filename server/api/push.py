"""Web Push API: VAPID key, subscriptions, receipts, test message, acknowledge, deliveries."""
from __future__ import annotations

import binascii
from functools import wraps

from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask, g, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates

from notifications import push
from notifications.vapid import b64url_decode

from ..auth.identity import Actor, current_staff, require_staff
from ..clinical import escalations
from ..errors import ApiError
from ..extensions import db
from ..ids import Id
from ..models import Staff
from ..models.push import RECEIPT_EVENTS
from ..outbox import immediate
from ..services import audit, push_subscriptions
from ..services.push_tokens import read_ack_token, read_receipt_token
from .checkin_schemas import StrictSchema

blp = Blueprint("push", __name__, url_prefix="/api/v1/push",
                description="Web Push: key, subscriptions, receipts, acknowledge from a push")

NO_STORE = {"Cache-Control": "no-store"}


def register_extra(app: Flask) -> None:
    """Bind the push sender to the app; start immediate dispatch before the first request."""
    if app.config.get("NOTIFICATIONS_ALLOW_HTTP_LOOPBACK") and not (
            app.config.get("TESTING") or app.config.get("DEVELOPMENT")):
        raise ValueError("NOTIFICATIONS_ALLOW_HTTP_LOOPBACK is for tests: it lets push "
                         "endpoints on http://127.0.0.1 in")
    push.init_app(app)
    app.before_request(immediate.warm_up)  # immediate dispatch ready before the first alarm


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
    expirationTime = fields.Float(load_default=None, allow_none=True)  # noqa: N815 (browser)
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
    created_at = fields.DateTime()
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


def _subscriber_required(find_actor):
    """Decorator factory: refuse unless `find_actor()` is staff or an enrolled device.

    Checked before the body is parsed; the caller is kept for the view (`_subscriber`).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            g.subscriber = find_actor()
            if g.subscriber.kind not in ("staff", "device"):
                audit.record_now("access.refused", outcome="denied",
                                 detail={"endpoint": request.endpoint})
                raise ApiError(401, "unauthorised", "Authentication required")
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _subscriber() -> Actor:
    return g.subscriber


def _receipt_token_actor() -> Actor | None:
    """The staff member a receipt's token speaks for; None without a token.

    A token that is forged, expired, for another notification or for an inactive account is
    refused outright (a session cookie sent along does not rescue it).
    """
    body = request.get_json(silent=True)
    token = body.get("token") if isinstance(body, dict) else None
    if token is None:
        return None
    found = read_receipt_token(token) if isinstance(token, str) else None
    staff = db.session.get(Staff, found[1]) if found else None
    if found is None or staff is None or not staff.active or found[0] != body.get("intent_id"):
        audit.record_now("push.receipt.refused", outcome="denied",
                         detail={"reason": "receipt_token"})
        raise ApiError(401, "unauthorised", "Invalid receipt token")
    return Actor("staff", staff=staff)


require_subscriber = _subscriber_required(lambda: g.actor)  # a staff session or a device
# a notification's receipt token, else a staff session or a device
require_receipt_sender = _subscriber_required(lambda: _receipt_token_actor() or g.actor)


@blp.route("/key")
class Key(MethodView):
    @blp.response(200, KeyOut)
    def get(self):
        """The VAPID public key (base64url uncompressed P-256 point) for subscribe()."""
        return {"public_key": push.public_key()}


@blp.route("/subscriptions")
class Subscriptions(MethodView):
    @require_subscriber
    @blp.arguments(SubscriptionIn)
    @blp.response(201, SubscriptionOut)
    def post(self, data):
        """Register this browser's push subscription (staff session or enrolled device)."""
        row, created = push_subscriptions.subscribe(_subscriber(), data)
        return {"id": row.id, "endpoint": row.endpoint, "created_at": row.created_at,
                "created": created}, 201, NO_STORE

    @require_subscriber
    @blp.arguments(EndpointIn)
    @blp.response(204)
    def delete(self, data):
        """Stop pushing to this browser's subscription."""
        if not push_subscriptions.unsubscribe(_subscriber(), data["endpoint"]):
            raise ApiError(404, "not_found", "Not found")
        return None


@blp.route("/receipts")
class Receipts(MethodView):
    @require_receipt_sender
    @blp.arguments(ReceiptIn)
    @blp.response(201)
    def post(self, data):
        """The service worker reports a notification shown or clicked.

        Staff notifications carry a receipt token, so a phone whose staff session has idled
        out still reports what it showed (else the ladder would take it as not shown).
        """
        receipt = push_subscriptions.record_receipt(_subscriber(), data["intent_id"],
                                                    data["event"])
        return {"id": receipt.id, "event": receipt.event}, 201, NO_STORE


@blp.route("/test")
class TestPush(MethodView):
    @require_staff()
    @blp.response(202)
    def post(self):
        """Send the caller a test notification on every subscribed device."""
        staff = current_staff()
        intent = push_subscriptions.send_test(staff)
        state = push_subscriptions.staff_status(staff)
        immediate.kick()  # the worker's next pass sends it if immediate dispatch is off
        return {"intent_id": intent.id, "subscriptions": state["subscriptions"]}, 202, NO_STORE


@blp.route("/status")
class Status(MethodView):
    @require_staff()
    @blp.response(200)
    def get(self):
        """The caller's push health: subscriptions, last shown, the 24 h warning."""
        state = push_subscriptions.staff_status(current_staff())
        last = state["last_shown_at"]
        return {**state, "last_shown_at": last.isoformat() if last else None}, 200, NO_STORE


@blp.route("/ack")
class AckFromPush(MethodView):
    @blp.arguments(AckIn)
    @blp.response(200)
    def post(self, data):
        """Acknowledge an escalation from the notification's action with its signed token."""
        found = read_ack_token(data["token"])
        staff = db.session.get(Staff, found[1]) if found else None
        if staff is None or not staff.active:
            audit.record_now("push.ack.refused", outcome="denied")
            raise ApiError(403, "invalid_token", "The acknowledge link is invalid or expired")
        g.actor = Actor("staff", staff=staff)  # audit names who acknowledged
        escalation = escalations.acknowledge(found[0], staff)
        return {"escalation_id": escalation.id, "state": escalation.state}, 200, NO_STORE


@blp.route("/escalations/<int:escalation_id>/deliveries")
class Deliveries(MethodView):
    @require_staff()
    @blp.response(200)
    def get(self, escalation_id):
        """Per recipient of an escalation: delivery state and which devices showed it."""
        body = push_subscriptions.escalation_deliveries(escalation_id, current_staff())
        for key in ("undeliverable_at",):
            body[key] = body[key].isoformat() if body[key] else None
        for item in body["items"]:
            for key in ("created_at", "sent_at", "shown_at", "clicked_at"):
                item[key] = item[key].isoformat() if item[key] else None
        return body, 200, NO_STORE
