"""Staff: the triage queue, a patient's timeline and the patient overview."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..auth.identity import current_staff, require_staff, staff_patient
from ..services import timeline, triage
from .schemas.evidence import EvidenceOut, PatientBlockOut

blp = Blueprint("timeline", __name__, url_prefix="/api/v1/staff",
                description="Centre staff: patient timeline and overview")


class TimelineCheckinOut(Schema):
    """One check-in on the time axis, with the v2 inputs (free text as written: show it as
    text, never as HTML)."""

    id = fields.Integer()
    recorded_by = fields.String()
    observed_at = fields.String()
    observed_local = fields.String()
    received_at = fields.String()
    late = fields.Boolean()
    temperature_c = fields.Float(allow_none=True)
    temperature_value = fields.Float(allow_none=True)
    temperature_unit = fields.String(allow_none=True)
    ice_total = fields.Integer(allow_none=True)
    ice = fields.Dict(allow_none=True)
    ice_self = fields.Boolean(allow_none=True, metadata={"description": "self-check, alone"})
    heart_rate = fields.Integer(allow_none=True)
    systolic_bp = fields.Integer(allow_none=True)
    spo2 = fields.Integer(allow_none=True)
    respiratory_rate = fields.Integer(allow_none=True)
    tremor_rating = fields.String(allow_none=True)
    tremor = fields.Dict(allow_none=True)
    handwriting_judgement = fields.String(allow_none=True)
    has_handwriting = fields.Boolean()
    handwriting = fields.Dict(allow_none=True)
    symptoms = fields.List(fields.String())
    antipyretic = fields.Boolean(allow_none=True, metadata={
        "description": "fever medicine in the last 6 h; null when not asked"})
    antipyretic_kind = fields.String(allow_none=True)
    other = fields.String(allow_none=True, metadata={"description": "free text, as written"})
    devices = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "values read from a Bluetooth LE device: {value name: model} (ble)"})


class ReportedTextOut(Schema):
    checkin_id = fields.Integer()
    observed_at = fields.String()
    text = fields.String(metadata={"description": "as written: show as text, never HTML"})


class ReportedOut(Schema):
    """The family's own reports behind an escalation (staff only, never in a push)."""

    antipyretic = fields.Boolean(metadata={"description": "fever medicine in the last 6 h"})
    kind = fields.String(allow_none=True, metadata={"description": "paracetamol, ibuprofen…"})
    other = fields.List(fields.Nested(ReportedTextOut))


class TimelineOut(Schema):
    patient = fields.Dict()
    now = fields.String()
    now_local = fields.String()
    thresholds = fields.Dict()
    checkins = fields.List(fields.Nested(TimelineCheckinOut))
    symptoms = fields.List(fields.Dict())
    escalations = fields.List(fields.Dict())


class OverviewRow(Schema):
    id = fields.Integer()
    code = fields.String()
    display_name = fields.String()
    timezone = fields.String()
    product = fields.String()
    day = fields.Integer()
    window_days = fields.Integer()
    monitoring_ended_at = fields.String(allow_none=True)
    last_checkin_at = fields.String(allow_none=True)
    last_checkin_local = fields.String(allow_none=True)
    next_due_at = fields.String(allow_none=True)
    next_due_local = fields.String(allow_none=True)
    open_escalation = fields.Dict(allow_none=True)


class QueueItem(Schema):
    id = fields.Integer()
    patient_id = fields.Integer()
    patient_code = fields.String()
    patient = fields.Nested(PatientBlockOut)
    state = fields.String()
    severity = fields.String()
    syndromes = fields.List(fields.String())
    reasons = fields.List(fields.String())
    opened_at = fields.String()
    raised_at = fields.String(allow_none=True)
    observed_at = fields.String()
    acknowledged_at = fields.String(allow_none=True)
    acknowledged_by = fields.Dict(allow_none=True)
    undeliverable_at = fields.String(allow_none=True)
    undeliverable_reason = fields.String(allow_none=True)
    worsened_at = fields.String(allow_none=True, metadata={
        "description": "last re-alert: worse while acknowledged (policy v2)"})
    ack_lapsed_at = fields.String(allow_none=True, metadata={
        "description": "last acknowledgement that lapsed unresolved (policy v2)"})
    followed_up_at = fields.String(allow_none=True, metadata={
        "description": "routine follow-up sent to every tier (policy v2)"})
    ladder = fields.Dict()
    reported = fields.Nested(ReportedOut)
    evidence = fields.Nested(EvidenceOut)


@blp.route("/patients/<int:patient_id>/timeline")
class Timeline(MethodView):
    @require_staff()
    @blp.response(200, TimelineOut)
    def get(self, patient_id):
        """Return a patient's check-ins, symptoms and escalations on one time axis."""
        patient = staff_patient(patient_id)
        return timeline.patient_timeline(patient), 200


@blp.route("/queue")
class Queue(MethodView):
    @require_staff()
    @blp.response(200, QueueItem(many=True))
    def get(self):
        """List unresolved escalations, most severe and longest waiting first, with ladder."""
        return triage.queue(current_staff()), 200


@blp.route("/overview")
class Overview(MethodView):
    @require_staff()
    @blp.response(200, OverviewRow(many=True))
    def get(self):
        """List the centre's patients with day N, last check-in, next slot, open escalation."""
        return timeline.overview(current_staff()), 200
