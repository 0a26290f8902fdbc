"""Check-in schemas: the vocabulary of scenarios/FORMAT.md with the bounds of POLICY.md."""
from __future__ import annotations

import datetime as dt

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ... import policy as P
from ...clinical import self_check as SC
from ...clock import now
from ...ids import Id
from ...measures.motion import MotionSchema
from ...measures.strokes import StrokesSchema
from . import device_source
from .common import Flag, FreeText, StrictSchema, Timestamp


class TemperatureSchema(StrictSchema):
    value = fields.Float(required=True, allow_nan=False)
    unit = fields.String(required=True, validate=validate.OneOf(P.TEMPERATURE_UNITS))
    source = device_source.source_field()  # ble: manual (default) or device
    device = fields.Nested(device_source.DeviceReadingSchema)

    @validates_schema
    def _device_named(self, data, **kwargs):
        device_source.check_source(data, data.get("device"))

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


class NamedPictureSchema(StrictSchema):
    """One picture of the self-check and the name the patient chose (None: did not know)."""

    picture = fields.String(required=True, validate=validate.OneOf(SC.PICTURES))
    answer = fields.String(allow_none=True, load_default=None,
                           validate=validate.OneOf(SC.PICTURE_NAMES))


class SelfCheckAnswersSchema(StrictSchema):
    """What the patient answered in the self-check (v2), bounded: the server scores it.

    None (or an empty list) is "I don't know"; every field is the answer as given, never a
    right/wrong mark from the phone.
    """

    year = fields.Integer(strict=True, allow_none=True, load_default=None,
                          validate=validate.Range(0, 9999))
    month = fields.Integer(strict=True, allow_none=True, load_default=None,
                           validate=validate.Range(1, 12))
    city = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=120))
    place = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=120))
    naming = fields.List(fields.Nested(NamedPictureSchema), required=True,
                         validate=validate.Length(equal=SC.NAMING_COUNT))
    command = fields.List(fields.String(validate=validate.OneOf(SC.COMMAND_COLOURS)),
                          load_default=list, validate=validate.Length(max=SC.COMMAND_CIRCLES))
    counting = fields.List(
        fields.Integer(strict=True, allow_none=True, validate=validate.Range(0, 999)),
        load_default=list, validate=validate.Length(max=len(P.ICE_COUNT_BACK)))

    @validates_schema
    def _three_different_pictures(self, data, **kwargs):
        pictures = [n["picture"] for n in data.get("naming") or []]
        if len(set(pictures)) != len(pictures):
            raise ValidationError("three different pictures", "naming")


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
    # v2: the patient took the self-check alone (no right answer was shown)
    self_administered = Flag(data_key="self", load_default=False)
    # v2: the self-check's answers; when given, the server scores the items from them and
    # stores its own score (services/checkins.py), whatever the phone's items say
    answers = fields.Nested(SelfCheckAnswersSchema, load_default=None)

    @validates_schema
    def _answers_only_when_self(self, data, **kwargs):
        if data.get("answers") is not None and not data.get("self_administered"):
            raise ValidationError("only with self: true (the caregiver scores a led check)",
                                  "answers")


class VitalsSchema(StrictSchema):
    heart_rate = fields.Integer(
        strict=True, validate=validate.Range(P.HEART_RATE_MIN, P.HEART_RATE_MAX)
    )
    systolic_bp = fields.Integer(
        strict=True, validate=validate.Range(P.SYSTOLIC_BP_MIN, P.SYSTOLIC_BP_MAX)
    )
    spo2 = fields.Integer(strict=True, validate=validate.Range(P.SPO2_MIN, P.SPO2_MAX))
    respiratory_rate = fields.Integer(  # v2
        strict=True, validate=validate.Range(P.RESPIRATORY_RATE_MIN, P.RESPIRATORY_RATE_MAX)
    )
    # ble: the values read from a device, each with its device; the others were typed
    devices = device_source.VitalsDevicesField(
        ("heart_rate", "systolic_bp", "spo2", "respiratory_rate"))

    @validates_schema
    def _devices_match(self, data, **kwargs):
        device_source.check_vitals_devices(data)

    @validates_schema
    def _not_empty(self, data, **kwargs):
        if not {k for k in data if k != "devices"}:
            raise ValidationError(
                "give at least one of heart_rate, systolic_bp, spo2, respiratory_rate")


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
    other = FreeText(P.OTHER_TEXT_MAX)  # v2 R-OTHER
    # v2 R-ANTIPYRETIC: fever medicine in the last 6 h; an answer either way is an observation
    antipyretic = Flag()
    antipyretic_kind = fields.String(validate=validate.OneOf(P.ANTIPYRETIC_KINDS))
    observed_at = fields.AwareDateTime(default_timezone=dt.UTC)

    @validates_schema
    def _has_observation(self, data, **kwargs):
        """Any one answer makes a check-in (POLICY.md: one with only the fever-medicine
        answer or only free text satisfies a slot); blank free text is not an answer."""
        observed = {"temperature", "ice", "vitals", "tremor", "handwriting", "symptoms",
                    "other", "antipyretic"}
        if not observed & {k for k, v in data.items() if v not in (None, [])}:
            raise ValidationError("a check-in needs at least one observation")

    @validates_schema
    def _kind_only_when_taken(self, data, **kwargs):
        if data.get("antipyretic_kind") is not None and data.get("antipyretic") is not True:
            raise ValidationError("only with antipyretic: true", "antipyretic_kind")

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


class VitalsOut(Schema):
    heart_rate = fields.Integer()
    systolic_bp = fields.Integer()
    spo2 = fields.Integer()
    respiratory_rate = fields.Integer()


class InstructionOut(Schema):
    severity = fields.String(allow_none=True)
    action = fields.String()
    text = fields.String()
    phone = fields.String(allow_none=True)


class IceItemsOut(Schema):
    """The ICE items as scored (ASTCT ICE, 10 in all)."""

    orientation = fields.Integer()
    naming = fields.Integer()
    commands = fields.Integer()
    writing = fields.Integer()
    attention = fields.Integer()


MEASURED_FEATURES = "measured features by name (server/measures/), null before measuring"


class TremorOut(Schema):
    rating = fields.String()
    features = fields.Dict(keys=fields.String(), values=fields.Raw(), allow_none=True,
                           metadata={"description": MEASURED_FEATURES})


class HandwritingOut(Schema):
    judgement = fields.String(allow_none=True)
    has_strokes = fields.Boolean()
    features = fields.Dict(keys=fields.String(), values=fields.Raw(), allow_none=True,
                           metadata={"description": MEASURED_FEATURES})


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
    observed_at = Timestamp()
    received_at = Timestamp()
    late = fields.Boolean()
    temperature = fields.Nested(TemperatureOut, allow_none=True)
    ice = fields.Nested(IceItemsOut, allow_none=True)
    ice_total = fields.Integer(allow_none=True)
    ice_self = fields.Boolean(allow_none=True, metadata={
        "description": "the ICE check was a self-check, the patient alone (policy v2)"})
    vitals = fields.Nested(VitalsOut, allow_none=True)
    tremor = fields.Nested(TremorOut, allow_none=True)
    handwriting = fields.Nested(HandwritingOut, allow_none=True)
    symptoms = fields.List(fields.String())
    antipyretic = fields.Boolean(allow_none=True, metadata={
        "description": "fever medicine in the last 6 h; null when not asked (policy v2)"})
    antipyretic_kind = fields.String(allow_none=True)
    other = fields.String(allow_none=True, metadata={
        "description": "free text in the patient's own words, as written: show as text"})
    devices = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "values read from a Bluetooth LE device: {value name: model}; the "
                       "others were typed (ble)"})
    findings = fields.List(fields.String())
    escalation = fields.Nested(EscalationRefOut, allow_none=True)
    instruction = fields.Nested(InstructionOut, allow_none=True)


class CheckInQuery(StrictSchema):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    before_id = Id(load_default=None)
