"""What a phone reads: its context (calendar, schedule, bounds), its escalations and alerts."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from ...languages import LANGUAGES
from .checkins import TemperatureOut
from .common import StrictSchema, Timestamp
from .evidence import EvidenceIceOut, EvidenceVitalsOut


class RedeemIn(StrictSchema):
    code = fields.String(validate=validate.Length(max=40))
    token = fields.String(validate=validate.Length(max=64))


class SchedulePeriodOut(Schema):
    first_day = fields.Integer()
    last_day = fields.Integer()
    times = fields.List(fields.String(), metadata={"description": "due times, local HH:MM"})
    neuro_times = fields.List(fields.String(),
                              metadata={"description": "due times with the neuro check"})
    missed_after_minutes = fields.Integer(
        metadata={"description": "a slot counts until this long after its time"})


class ScheduleOut(Schema):
    periods = fields.List(fields.Nested(SchedulePeriodOut))
    early_minutes = fields.Integer(metadata={"description": "a slot counts from this long before"})


class DeviceEscalationOut(Schema):
    """An unresolved escalation as the patient's and caregivers' phones see it."""

    id = fields.Integer()
    state = fields.String(metadata={"description": "open or acknowledged"})
    severity = fields.String()
    syndromes = fields.List(fields.String())
    reasons = fields.List(fields.String())
    opened_at = Timestamp()
    raised_at = Timestamp(allow_none=True)
    acknowledged_at = Timestamp(allow_none=True)


class DeviceFoundOut(Schema):
    """One reason of an alert with the value behind it; the app has the words per code."""

    reason = fields.String(metadata={"description": "reason code (app i18n key found_<code>)"})
    severity = fields.String()
    temperature = fields.Nested(TemperatureOut, allow_none=True)
    ice = fields.Nested(EvidenceIceOut, allow_none=True)
    vitals = fields.Nested(EvidenceVitalsOut, allow_none=True)
    news2 = fields.Integer(allow_none=True)
    recorded_by = fields.String(allow_none=True, metadata={
        "description": "patient, caregiver or self_check"})
    observed_at = Timestamp(allow_none=True)
    slots = fields.List(Timestamp(), metadata={"description": "missed slots"})


class DeviceAlertInstructionOut(Schema):
    action = fields.String()
    text = fields.String()
    phone = fields.String(allow_none=True)


class DeviceAlertOut(Schema):
    """An alert of the phone's own patient: findings in words, instruction, progress."""

    id = fields.Integer()
    state = fields.String(metadata={"description": "open, acknowledged or resolved"})
    severity = fields.String()
    reasons = fields.List(fields.String())
    found = fields.List(fields.Nested(DeviceFoundOut))
    instruction = fields.Nested(DeviceAlertInstructionOut)
    opened_at = Timestamp()
    raised_at = Timestamp(allow_none=True)
    acknowledged_at = Timestamp(allow_none=True)
    resolved_at = Timestamp(allow_none=True)
    worsened_at = Timestamp(allow_none=True)
    unanswered_at = Timestamp(allow_none=True, metadata={
        "description": "the family was told the alert is not answered yet: call"})


class InputBoundsOut(Schema):
    """[lowest, highest] accepted; outside them a check-in is refused (422)."""

    temperature = fields.Dict(keys=fields.String(), values=fields.List(fields.Float()),
                              metadata={"description": "per unit, C and F"})
    heart_rate = fields.List(fields.Integer())
    systolic_bp = fields.List(fields.Integer())
    spo2 = fields.List(fields.Integer())
    respiratory_rate = fields.List(fields.Integer())
    other_max_length = fields.Integer(metadata={"description": "free text, characters"})
    # ble: a device's own timestamp is sent as observed_at only within these (POLICY.md)
    observed_max_past_hours = fields.Integer(metadata={"description": "observed_at, hours back"})
    observed_max_future_minutes = fields.Integer(metadata={
        "description": "observed_at, minutes ahead"})


class UsualRangeOut(Schema):
    """[low, high] of the usual range: outside it the app asks "Is this right?" and sends
    the value when confirmed; it is never a refusal."""

    temperature = fields.Dict(keys=fields.String(), values=fields.List(fields.Float()),
                              metadata={"description": "per unit, C and F"})
    heart_rate = fields.List(fields.Integer())
    systolic_bp = fields.List(fields.Integer())
    spo2 = fields.List(fields.Integer())
    respiratory_rate = fields.List(fields.Integer())


class SelfCheckChoicesOut(Schema):
    """The ICE self-check's options (v2): each holds the patient's own answer among three
    plausible others, unmarked; null when the record does not hold it."""

    city_options = fields.List(fields.String(), allow_none=True)
    place_options = fields.List(fields.String(), allow_none=True)


class DeviceContextOut(Schema):
    """What a phone needs to run the app: role, patient calendar and whom to call."""

    device_id = fields.Integer()
    role = fields.String()
    patient_code = fields.String()
    timezone = fields.String()
    infused_at = Timestamp()
    enrolled_at = Timestamp()
    window_days = fields.Integer()
    day = fields.Integer()
    city = fields.String(allow_none=True)
    place_of_care = fields.String(allow_none=True)
    language = fields.String(metadata={
        "description": "the language of this phone's person (patient or caregiver)"})
    centre_name = fields.String()
    centre_phone = fields.String()
    emergency_number = fields.String()
    schedule = fields.Nested(ScheduleOut, metadata={
        "description": "the check-in schedule (clinical/POLICY.md) for this patient's window"})
    input_bounds = fields.Nested(InputBoundsOut)
    usual_range = fields.Nested(UsualRangeOut)
    proximity_days = fields.Integer(metadata={
        "description": "days after infusion the patient stays within reach of the centre"})
    driving_days = fields.Integer(metadata={"description": "days after infusion without driving"})
    stay_near_until = fields.Date(metadata={"description": "local date of the last day near"})
    no_driving_until = fields.Date(metadata={
        "description": "local date of the last day without driving"})
    self_check = fields.Nested(SelfCheckChoicesOut)
    handwriting_sentence = fields.String(allow_none=True, metadata={
        "description": "the centre's sentence to copy; null: the app's, in its language"})


class LanguageIn(StrictSchema):
    """The language of this phone's person: the app, instructions and pushes follow it."""

    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))


class RedeemOut(DeviceContextOut):
    device_token = fields.String()
