"""Staff timeline, overview and triage queue bodies (instants in UTC, `_local` as shown)."""
from __future__ import annotations

from marshmallow import Schema, fields

from .checkins import IceItemsOut
from .common import Timestamp
from .escalations import EscalationCore, StaffRef
from .evidence import EvidenceOut, PatientBlockOut

SCALAR_FEATURES = "the measured features that are numbers or flags, by name (server/measures/)"


class TimelineCheckinOut(Schema):
    """One check-in on the time axis, with the v2 inputs (free text as written: show it as
    text, never as HTML)."""

    id = fields.Integer()
    recorded_by = fields.String()
    observed_at = Timestamp()
    observed_local = fields.String()
    received_at = Timestamp()
    late = fields.Boolean()
    temperature_c = fields.Float(allow_none=True)
    temperature_value = fields.Float(allow_none=True)
    temperature_unit = fields.String(allow_none=True)
    ice_total = fields.Integer(allow_none=True)
    ice = fields.Nested(IceItemsOut, allow_none=True)
    ice_self = fields.Boolean(allow_none=True, metadata={"description": "self-check, alone"})
    heart_rate = fields.Integer(allow_none=True)
    systolic_bp = fields.Integer(allow_none=True)
    spo2 = fields.Integer(allow_none=True)
    respiratory_rate = fields.Integer(allow_none=True)
    tremor_rating = fields.String(allow_none=True)
    tremor = fields.Dict(keys=fields.String(), values=fields.Raw(), allow_none=True,
                         metadata={"description": SCALAR_FEATURES})
    handwriting_judgement = fields.String(allow_none=True)
    has_handwriting = fields.Boolean()
    handwriting = fields.Dict(keys=fields.String(), values=fields.Raw(), allow_none=True,
                              metadata={"description": SCALAR_FEATURES})
    symptoms = fields.List(fields.String())
    antipyretic = fields.Boolean(allow_none=True, metadata={
        "description": "fever medicine in the last 6 h; null when not asked"})
    antipyretic_kind = fields.String(allow_none=True)
    other = fields.String(allow_none=True, metadata={"description": "free text, as written"})
    devices = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "values read from a Bluetooth LE device: {value name: model} (ble)"})


class ReportedTextOut(Schema):
    checkin_id = fields.Integer()
    observed_at = Timestamp()
    text = fields.String(metadata={"description": "as written: show as text, never HTML"})


class ReportedOut(Schema):
    """The family's own reports behind an escalation (staff only, never in a push)."""

    antipyretic = fields.Boolean(metadata={"description": "fever medicine in the last 6 h"})
    kind = fields.String(allow_none=True, metadata={"description": "paracetamol, ibuprofen…"})
    other = fields.List(fields.Nested(ReportedTextOut))


class TimelinePatientOut(Schema):
    """The patient as the timeline heads it."""

    id = fields.Integer()
    code = fields.String()
    display_name = fields.String()
    timezone = fields.String()
    product = fields.String()
    window_days = fields.Integer()
    day = fields.Integer()
    infused_at = Timestamp()
    infused_local = fields.String()
    monitoring_ended_at = Timestamp(allow_none=True)
    baseline_ice = fields.Integer()
    caregiver_enrolled = fields.Boolean()
    baseline_handwriting_checkin_id = fields.Integer(allow_none=True)
    baseline_tremor_checkin_id = fields.Integer(allow_none=True)
    summary_final = fields.Boolean(metadata={"description": "the course summary is final"})


class TimelineSymptomOut(Schema):
    at = Timestamp()
    local = fields.String()
    checkin_id = fields.Integer()
    symptom = fields.String()


class TimelineEscalationOut(EscalationCore):
    """An escalation on the time axis (UTC and patient-local)."""

    opened_local = fields.String()
    observed_at = Timestamp(allow_none=True)
    observed_local = fields.String(allow_none=True)
    resolved_local = fields.String(allow_none=True)


class TimelineOut(Schema):
    patient = fields.Nested(TimelinePatientOut)
    now = Timestamp()
    now_local = fields.String()
    thresholds = fields.Dict(keys=fields.String(), values=fields.Raw(metadata={
        "type": "number"}), metadata={"description": "the chart lines: the centre's "
                                      "effective thresholds and the ICE baseline"})
    checkins = fields.List(fields.Nested(TimelineCheckinOut))
    symptoms = fields.List(fields.Nested(TimelineSymptomOut))
    escalations = fields.List(fields.Nested(TimelineEscalationOut))


class OverviewRow(Schema):
    id = fields.Integer()
    code = fields.String()
    display_name = fields.String()
    timezone = fields.String()
    product = fields.String()
    day = fields.Integer()
    window_days = fields.Integer()
    monitoring_ended_at = Timestamp(allow_none=True)
    last_checkin_at = Timestamp(allow_none=True)
    last_checkin_local = fields.String(allow_none=True)
    next_due_at = Timestamp(allow_none=True)
    next_due_local = fields.String(allow_none=True)
    open_escalation = fields.Nested(TimelineEscalationOut, allow_none=True)


class NotifiedStaffOut(Schema):
    id = fields.Integer()
    handle = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    tier = fields.Integer(allow_none=True)


class NotifiedOut(Schema):
    """One member of staff the ladder notified: first when, sent, shown, clicked."""

    staff = fields.Nested(NotifiedStaffOut)
    first_at = Timestamp()
    sent = fields.Integer()
    shown = fields.Integer()
    clicked = fields.Integer()
    state = fields.String()


class QueueLadderOut(Schema):
    level = fields.Integer(allow_none=True)
    notified = fields.List(fields.Nested(NotifiedOut))
    undeliverable_at = Timestamp(allow_none=True)
    undeliverable_reason = fields.String(allow_none=True)


class QueueItem(Schema):
    id = fields.Integer()
    patient_id = fields.Integer()
    patient_code = fields.String()
    patient = fields.Nested(PatientBlockOut)
    state = fields.String()
    severity = fields.String()
    syndromes = fields.List(fields.String())
    reasons = fields.List(fields.String())
    opened_at = Timestamp()
    raised_at = Timestamp(allow_none=True)
    observed_at = Timestamp()
    acknowledged_at = Timestamp(allow_none=True)
    acknowledged_by = fields.Nested(StaffRef, allow_none=True)
    undeliverable_at = Timestamp(allow_none=True)
    undeliverable_reason = fields.String(allow_none=True)
    worsened_at = Timestamp(allow_none=True, metadata={
        "description": "last re-alert: worse while acknowledged (policy v2)"})
    ack_lapsed_at = Timestamp(allow_none=True, metadata={
        "description": "last acknowledgement that lapsed unresolved (policy v2)"})
    followed_up_at = Timestamp(allow_none=True, metadata={
        "description": "routine follow-up sent to every tier (policy v2)"})
    ladder = fields.Nested(QueueLadderOut)
    reported = fields.Nested(ReportedOut)
    evidence = fields.Nested(EvidenceOut)
