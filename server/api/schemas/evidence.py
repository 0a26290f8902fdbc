"""Staff: the values behind an escalation's reasons and the patient block, as typed schemas."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from .checkins import TemperatureOut  # value as recorded, its unit, and °C
from .common import Timestamp

RECORDED_BY = ("patient", "caregiver", "self_check")


class EvidenceSourceOut(Schema):
    """Which check-in, who recorded it, when it was observed and when it arrived."""

    checkin_id = fields.Integer()
    recorded_by = fields.String(validate=validate.OneOf(RECORDED_BY), metadata={
        "description": "patient, caregiver, or self_check (the patient alone took the ICE "
                       "self-check)"})
    observed_at = Timestamp()
    received_at = Timestamp()
    late = fields.Boolean(metadata={"description": "received more than 10 min after observed"})
    devices = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "values read from a Bluetooth LE device: {value name: model} (ble)"})


class EvidenceIceOut(Schema):
    total = fields.Integer()
    out_of = fields.Integer()
    baseline = fields.Integer(metadata={"description": "the patient's ICE baseline"})
    self_check = fields.Boolean(metadata={"description": "taken by the patient alone"})


class EvidenceVitalsOut(Schema):
    heart_rate = fields.Integer(allow_none=True, metadata={"description": "/min"})
    systolic_bp = fields.Integer(allow_none=True, metadata={"description": "mmHg"})
    spo2 = fields.Integer(allow_none=True, metadata={"description": "%"})
    respiratory_rate = fields.Integer(allow_none=True, metadata={"description": "breaths /min"})


class News2PartsOut(Schema):
    """Each NEWS2 parameter's score; a parameter not measured is absent (scores 0)."""

    respiratory_rate = fields.Integer()
    spo2 = fields.Integer()
    systolic_bp = fields.Integer()
    heart_rate = fields.Integer()
    temperature_c = fields.Integer()
    consciousness = fields.Integer()


class News2ScoreOut(Schema):
    total = fields.Integer()
    parts = fields.Nested(News2PartsOut)


class ReasonEvidenceOut(Schema):
    """One rule behind the escalation with the reading that shows it (the worst one)."""

    rule_id = fields.String()
    reason = fields.String()
    severity = fields.String()
    readings = fields.Integer(metadata={"description": "check-ins with this rule's value"})
    shown = fields.String(validate=validate.OneOf(("highest", "lowest", "latest")), metadata={
        "description": "which of the readings `source` and the values are: the worst one "
                       "(highest temperature, lowest systolic...) or the latest"})
    source = fields.Nested(EvidenceSourceOut, allow_none=True, metadata={
        "description": "the check-in shown; null for a missed slot"})
    slots = fields.List(Timestamp(), metadata={"description": "missed slots"})
    temperature = fields.Nested(TemperatureOut, allow_none=True)
    ice = fields.Nested(EvidenceIceOut, allow_none=True)
    vitals = fields.Nested(EvidenceVitalsOut, allow_none=True)
    news2 = fields.Nested(News2ScoreOut, allow_none=True)


class LatestVitalsOut(Schema):
    """The latest vital signs among the escalation's check-ins, with their NEWS2."""

    source = fields.Nested(EvidenceSourceOut)
    vitals = fields.Nested(EvidenceVitalsOut)
    news2 = fields.Nested(News2ScoreOut, allow_none=True)


class EvidenceOut(Schema):
    """The values behind an escalation's reasons (staff only, never in a push payload)."""

    reasons = fields.List(fields.Nested(ReasonEvidenceOut))
    vitals = fields.Nested(LatestVitalsOut, allow_none=True)


class PatientBlockOut(Schema):
    """The patient as a card heads it."""

    id = fields.Integer()
    code = fields.String()
    display_name = fields.String()
    timezone = fields.String()
    product = fields.String()
    day = fields.Integer(metadata={"description": "days since infusion, patient-local"})
    window_days = fields.Integer()
    caregiver_enrolled = fields.Boolean()
