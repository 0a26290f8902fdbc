"""Web Push API: VAPID key, subscriptions, receipts, test message, acknowledge, deliveries."""
from __future__ import annotations

from functools import wraps

from flask import Flask, g, request
from flask.views import MethodView
from flask_smorest import Blueprint

from notifications import push

from .. import transaction
from ..auth.identity import Actor, current_staff, require_staff
from ..clinical import escalations
from ..errors import ApiError
from ..extensions import db
from ..models import Staff
from ..outbox import immediate
from ..services import push_subscriptions
from ..services.push_tokens import read_ack_token, read_receipt_token
from .schemas.push import (
    AckIn,
    AckOut,
    DeliveriesOut,
    EndpointIn,
    KeyOut,
    PushStatusOut,
    ReceiptIn,
    ReceiptOut,
    SubscriptionIn,
    SubscriptionOut,
    TestPushOut,
)

blp = Blueprint("push", __name__, url_prefix="/api/v1/push",
                description="Web Push: key, subscriptions, receipts, acknowledge from a push")


def register_extra(app: Flask) -> None:
    """Bind the push sender to the app; start immediate dispatch before the first request."""
    if app.config.get("NOTIFICATIONS_ALLOW_HTTP_LOOPBACK") and not (
            app.config.get("TESTING") or app.config.get("DEVELOPMENT")):
        raise ValueError("NOTIFICATIONS_ALLOW_HTTP_LOOPBACK is for tests: it lets push "
                         "endpoints on http://127.0.0.1 in")
    push.init_app(app)
    app.before_request(immediate.warm_up)  # immediate dispatch ready before the first alarm


def _subscriber_required(find_actor):
    """Decorator factory: refuse unless `find_actor()` is staff or an enrolled device.

    Checked before the body is parsed; the caller is kept for the view (`_subscriber`).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            g.subscriber = find_actor()
            if g.subscriber.kind not in ("staff", "device"):
                transaction.refuse("access.refused", outcome="denied",
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
        transaction.refuse("push.receipt.refused", outcome="denied",
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
                "created": created}, 201

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
    @blp.response(201, ReceiptOut)
    def post(self, data):
        """The service worker reports a notification shown or clicked.

        Staff notifications carry a receipt token, so a phone whose staff session has idled
        out still reports what it showed (else the ladder would take it as not shown).
        """
        receipt = push_subscriptions.record_receipt(_subscriber(), data["intent_id"],
                                                    data["event"])
        return {"id": receipt.id, "event": receipt.event}, 201


@blp.route("/test")
class TestPush(MethodView):
    @require_staff()
    @blp.response(202, TestPushOut)
    def post(self):
        """Send the caller a test notification on every subscribed device."""
        staff = current_staff()
        intent = push_subscriptions.send_test(staff)
        state = push_subscriptions.staff_status(staff)
        # the worker's next pass sends it if immediate dispatch is off
        transaction.after_commit(immediate.kick)
        return {"intent_id": intent.id, "subscriptions": state["subscriptions"]}, 202


@blp.route("/status")
class Status(MethodView):
    @require_staff()
    @blp.response(200, PushStatusOut)
    def get(self):
        """The caller's push health: subscriptions, last shown, the 24 h warning."""
        return push_subscriptions.staff_status(current_staff())


@blp.route("/ack")
class AckFromPush(MethodView):
    @blp.arguments(AckIn)
    @blp.response(200, AckOut)
    def post(self, data):
        """Acknowledge an escalation from the notification's action with its signed token."""
        found = read_ack_token(data["token"])
        staff = db.session.get(Staff, found[1]) if found else None
        if staff is None or not staff.active:
            transaction.refuse("push.ack.refused", outcome="denied")
            raise ApiError(403, "invalid_token", "The acknowledge link is invalid or expired")
        g.actor = Actor("staff", staff=staff)  # audit names who acknowledged
        escalation = escalations.acknowledge(found[0], staff)
        return {"escalation_id": escalation.id, "state": escalation.state}, 200


@blp.route("/escalations/<int:escalation_id>/deliveries")
class Deliveries(MethodView):
    @require_staff()
    @blp.response(200, DeliveriesOut)
    def get(self, escalation_id):
        """Per recipient of an escalation: delivery state and which devices showed it."""
        return push_subscriptions.escalation_deliveries(escalation_id, current_staff())
