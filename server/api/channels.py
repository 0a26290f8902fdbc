"""Channels: each person's channel list and test, and the SMS/voice provider's callbacks.

The callbacks (`/api/v1/channels/twilio/…`) carry no session and no token: the provider
signs each with `X-Twilio-Signature` over the URL it was given (PUBLIC_URL + path + query)
and its form parameters; anything unsigned or wrongly signed is refused with 403 before
any lookup. Their bodies are form-encoded (server/security.py lets exactly these paths).
"""
from __future__ import annotations

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from notifications.channels import twilio

from .. import transaction
from ..audit import trail as audit
from ..auth.identity import current_staff, require_staff, staff_patient
from ..errors import ApiError
from ..extensions import db
from ..models import Caregiver, Staff
from ..outbox import immediate
from ..outbox import inbound as channel_inbound
from ..services import channel_settings
from .schemas.channels import (
    ChannelListIn,
    ChannelListOut,
    ChannelTestOut,
    FamilyChannelListIn,
    FamilyChannelsOut,
    TestIn,
)

blp = Blueprint("channels", __name__, url_prefix="/api/v1",
                description="Delivery channels: lists, tests, provider callbacks")
PROVIDER_PREFIX = "/api/v1/channels/twilio/"


@blp.route("/channels/me")
class MyChannels(MethodView):
    @require_staff()
    @blp.response(200, ChannelListOut)
    def get(self):
        """The caller's channel list (empty: Web Push only)."""
        return {"channels": channel_settings.listing("staff", current_staff().id)}, 200

    @require_staff()
    @blp.arguments(ChannelListIn)
    @blp.response(200, ChannelListOut)
    def put(self, data):
        """Replace the caller's channel list ("push; SMS after 120 s; call after 300 s")."""
        staff = current_staff()
        return {"channels": channel_settings.replace("staff", staff.id, data["channels"],
                                                     staff)}, 200


@blp.route("/channels/me/test")
class MyChannelTest(MethodView):
    @require_staff()
    @blp.arguments(TestIn)
    @blp.response(202, ChannelTestOut)
    def post(self, data):
        """Send the caller a test through the channel at `position`."""
        intent = channel_settings.send_test(current_staff(), data["position"])
        transaction.after_commit(immediate.kick)
        return {"intent_id": intent.id, "channel": intent.channel_kind or "push"}, 202


def _centre_staff(staff_id: int) -> Staff:
    staff = db.session.get(Staff, staff_id)
    if staff is None or staff.centre_id != current_staff().centre_id:
        transaction.refuse("channel.settings.refused", outcome="denied",
                         detail={"staff": staff_id})
        raise ApiError(404, "not_found", "Not found")
    return staff


@blp.route("/staff/admin/staff/<int:staff_id>/channels")
class StaffChannels(MethodView):
    @require_staff("admin")
    @blp.response(200, ChannelListOut)
    def get(self, staff_id):
        """A member of staff's channel list (admins of the same centre)."""
        staff = _centre_staff(staff_id)
        return {"channels": channel_settings.listing("staff", staff.id)}, 200

    @require_staff("admin")
    @blp.arguments(ChannelListIn)
    @blp.response(200, ChannelListOut)
    def put(self, data, staff_id):
        """Replace a member of staff's channel list."""
        staff = _centre_staff(staff_id)
        return {"channels": channel_settings.replace("staff", staff.id, data["channels"],
                                                     current_staff())}, 200


@blp.route("/staff/patients/<int:patient_id>/channels")
class FamilyChannels(MethodView):
    @require_staff()
    @blp.response(200, FamilyChannelsOut)
    def get(self, patient_id):
        """The patient's and each caregiver's channel list (SMS numbers, consent, STOP)."""
        patient = staff_patient(patient_id)
        body = {"patient": channel_settings.listing("patient", patient.id),
                "caregivers": [{"caregiver_id": c.id,
                                "channels": channel_settings.listing("caregiver", c.id)}
                               for c in patient.caregivers]}
        audit.record("channel.settings.read", patient_id=patient.id)
        return body, 200

    @require_staff()
    @blp.arguments(FamilyChannelListIn)
    @blp.response(200, ChannelListOut)
    def put(self, data, patient_id):
        """Replace the patient's (or, with caregiver_id, a caregiver's) channel list."""
        patient = staff_patient(patient_id)
        kind, recipient = "patient", patient.id
        if data["caregiver_id"] is not None:
            caregiver = db.session.get(Caregiver, data["caregiver_id"])
            if caregiver is None or caregiver.patient_id != patient.id:
                raise ApiError(422, "validation_error", "Invalid input",
                               {"caregiver_id": ["not a caregiver of this patient"]})
            kind, recipient = "caregiver", caregiver.id
        return {"channels": channel_settings.replace(kind, recipient, data["channels"],
                                                     current_staff(), patient.id)}, 200


# ---- provider callbacks --------------------------------------------------------------------
def signed_url() -> str:
    """The URL the provider called, as it signed it: PUBLIC_URL + path + query.

    Not `request.url`: behind TLS proxies the scheme and host the app sees are the proxy's
    (ProxyFix trusts only X-Forwarded-For/-Proto), while the provider signs the public URL
    it was given, which CARTwatch builds from PUBLIC_URL (services/channel_send.py).
    """
    query = request.query_string.decode("latin-1")
    base = current_app.config.get("PUBLIC_URL", "").rstrip("/")
    return base + request.path + (f"?{query}" if query else "")


def _verified() -> dict:
    params = request.form.to_dict(flat=True) if request.mimetype == \
        "application/x-www-form-urlencoded" else {}
    if not twilio.signature_valid(current_app.config.get("CHANNELS_TWILIO_AUTH_TOKEN"),
                                  signed_url(), params,
                                  request.headers.get("X-Twilio-Signature")):
        transaction.refuse("channel.callback.refused", outcome="denied",
                         detail={"endpoint": request.endpoint})
        raise ApiError(403, "bad_signature", "Missing or wrong X-Twilio-Signature")
    return params


def _xml(text: str) -> Response:
    return Response(text, 200, {"Content-Type": "text/xml; charset=utf-8"})


@blp.route("/channels/twilio/status")
class ProviderStatus(MethodView):
    def post(self):
        """Status callback for a message or a call (provider-signed)."""
        params = _verified()
        channel_inbound.status(request.args.get("intent"), params)
        return Response(status=204)


@blp.route("/channels/twilio/voice")
class ProviderVoice(MethodView):
    def post(self):
        """The call's TwiML, fetched by the provider when the call is answered."""
        _verified()
        return _xml(channel_inbound.voice(request.args.get("intent")))


@blp.route("/channels/twilio/gather")
class ProviderGather(MethodView):
    def post(self):
        """The key pressed in the call (`Digits`): 1 acknowledges."""
        params = _verified()
        return _xml(channel_inbound.gather(request.args.get("intent"),
                                           params.get("Digits", "")))


@blp.route("/channels/twilio/sms")
class ProviderSms(MethodView):
    def post(self):
        """An inbound text: STOP / START, or 1 / ACK from an on-call number."""
        params = _verified()
        return _xml(channel_inbound.inbound_sms(params.get("From", ""), params.get("Body", "")))
