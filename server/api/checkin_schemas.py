"""Check-in schemas: the vocabulary of scenarios/FORMAT.md with the bounds of POLICY.md."""
from __future__ import annotations

import datetime as dt

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from ..clinical import policy as P
from ..clock import now
from ..ids import Id
from ..measures.motion import MotionSchema
from ..measures.strokes import StrokesSchema


class StrictSchema(Schema):
    """Unknown fields are an error: a stray patient_id or role is refused, never ignored."""

    class Meta:
        unknown = RAISE


class TemperatureSchema(StrictSchema):
    value = fields.Float(required=True, allow_nan=False)
    unit = fields.String(required=True, validate=validate.OneOf(P.TEMPERATURE_UNITS))

    @validates_schema
    def _within_bounds(self, data, **kwargs):
        unit, value = data.get("unit"), data.get("value")
        if unit is None or value is None:
            return
        low, high = (
            (P.TEMPERATURE_C_MIN, P.TEMPERATURE_C_MAX)
            if unit == "C"
            else (P.TEMPERATURE_F_MIN, P.TEMPERATURE_F_MAX)
        )
        if not low <= value <= high:
            raise ValidationError(f"must be between {low} and {high} °{unit}", "value")


class IceSchema(StrictSchema):
    orientation = fields.Integer(
        required=True, strict=True, validate=validate.Range(0, P.ICE_ITEMS["orientation"])
    )
    naming = fields.Integer(
        required=True, strict=True, validate=validate.Range(0, P.ICE_ITEMS["naming"])
    )
    commands = fields.Integer(
        required=True, strict=True, validate=validate.Range(0, P.ICE_ITEMS["commands"])
    )
    writing = fields.Integer(
        required=True, strict=True, validate=validate.Range(0, P.ICE_ITEMS["writing"])
    )
    attention = fields.Integer(
        required=True, strict=True, validate=validate.Range(0, P.ICE_ITEMS["attention"])
    )


class VitalsSchema(StrictSchema):
    heart_rate = fields.Integer(
        strict=True, validate=validate.Range(P.HEART_RATE_MIN, P.HEART_RATE_MAX)
    )
    systolic_bp = fields.Integer(
        strict=True, validate=validate.Range(P.SYSTOLIC_BP_MIN, P.SYSTOLIC_BP_MAX)
    )
    spo2 = fields.Integer(strict=True, validate=validate.Range(P.SPO2_MIN, P.SPO2_MAX))

    @validates_schema
    def _not_empty(self, data, **kwargs):
        if not data:
            raise ValidationError("give at least one of heart_rate, systolic_bp, spo2")


class TremorSchema(StrictSchema):
    rating = fields.String(required=True, validate=validate.OneOf(P.TREMOR_RATINGS))
    motion = fields.Nested(MotionSchema, load_default=None)


class HandwritingSchema(StrictSchema):
    judgement = fields.String(validate=validate.OneOf(P.HANDWRITING_JUDGEMENTS))
    strokes = fields.Nested(StrokesSchema, load_default=None)

    @validates_schema
    def _not_empty(self, data, **kwargs):
        if data.get("judgement") is None and data.get("strokes") is None:
            raise ValidationError("give a judgement, strokes or both")


class CheckInSchema(StrictSchema):
    """A check-in: any combination of observations, at least one."""

    temperature = fields.Nested(TemperatureSchema)
    ice = fields.Nested(IceSchema)
    vitals = fields.Nested(VitalsSchema)
    tremor = fields.Nested(TremorSchema)
    handwriting = fields.Nested(HandwritingSchema)
    symptoms = fields.List(
        fields.String(validate=validate.OneOf(P.SYMPTOMS)), validate=validate.Length(max=20)
    )
    observed_at = fields.AwareDateTime(default_timezone=dt.UTC)

    @validates_schema
    def _has_observation(self, data, **kwargs):
        observed = {"temperature", "ice", "vitals", "tremor", "handwriting", "symptoms"}
        if not observed & {k for k, v in data.items() if v not in (None, [])}:
            raise ValidationError("a check-in needs at least one observation")

    @validates_schema
    def _observed_in_range(self, data, **kwargs):
        observed = data.get("observed_at")
        if observed is None:
            return
        current = now()
        if observed < current - dt.timedelta(hours=P.OBSERVED_MAX_PAST_HOURS):
            raise ValidationError(
                f"may be at most {P.OBSERVED_MAX_PAST_HOURS} h in the past", "observed_at"
            )
        if observed > current + dt.timedelta(minutes=P.OBSERVED_MAX_FUTURE_MINUTES):
            raise ValidationError(
                f"may be at most {P.OBSERVED_MAX_FUTURE_MINUTES} min in the future", "observed_at"
            )


class TemperatureOut(Schema):
    value = fields.Float()
    unit = fields.String()
    celsius = fields.Float()


class InstructionOut(Schema):
    severity = fields.String(allow_none=True)
    action = fields.String()
    text = fields.String()
    phone = fields.String(allow_none=True)


class EscalationRefOut(Schema):
    id = fields.Integer()
    state = fields.String()
    severity = fields.String()
    syndromes = fields.List(fields.String())
    reasons = fields.List(fields.String())
    change = fields.String(allow_none=True)


class CheckInOut(Schema):
    """A stored check-in as the patient's device and staff see it."""

    id = fields.Integer()
    recorded_by = fields.String()
    observed_at = fields.String(metadata={"description": "ISO 8601, UTC"})
    received_at = fields.String(metadata={"description": "ISO 8601, UTC"})
    late = fields.Boolean()
    temperature = fields.Nested(TemperatureOut, allow_none=True)
    ice = fields.Dict(allow_none=True)
    ice_total = fields.Integer(allow_none=True)
    vitals = fields.Dict(allow_none=True)
    tremor = fields.Dict(allow_none=True)
    handwriting = fields.Dict(allow_none=True)
    symptoms = fields.List(fields.String())
    findings = fields.List(fields.String())
    escalation = fields.Nested(EscalationRefOut, allow_none=True)
    instruction = fields.Nested(InstructionOut, allow_none=True)


class CheckInQuery(StrictSchema):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    before_id = Id(load_default=None)
