"""Schemas at the edge for staff, patients, caregivers, devices and enrolment."""
from __future__ import annotations

import datetime as dt

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from .. import policy as P
from ..calendar import zone
from ..ids import Id
from ..languages import DEFAULT as DEFAULT_LANGUAGE
from ..languages import LANGUAGES
from ..models.people import DEVICE_ROLES, PRODUCTS
from .checkin_schemas import StrictSchema


def valid_zone(value: str) -> None:
    """Validator: an IANA time zone name."""
    try:
        zone(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


class LoginIn(StrictSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(max=1024))


class TotpIn(StrictSchema):
    code = fields.String(required=True, validate=validate.Length(max=12))


class LoginOut(Schema):
    next = fields.String()
    totp_secret = fields.String()
    totp_uri = fields.String()
    csrf_token = fields.String()


class StaffOut(Schema):
    id = fields.Integer()
    handle = fields.String()
    name = fields.String()
    email = fields.String()
    role = fields.String()
    tier = fields.Integer()
    on_duty = fields.Boolean()
    centre_id = fields.Integer()


class MeCentreOut(Schema):
    """What every member of staff needs of the centre to show times: its zone and clock."""

    timezone = fields.String()
    time_format = fields.String()


class MeOut(Schema):
    staff = fields.Nested(StaffOut)
    centre = fields.Function(lambda body: MeCentreOut().dump(body["staff"].centre))
    csrf_token = fields.String()
    idle_minutes = fields.Integer()


class PatientIn(StrictSchema):
    display_name = fields.String(required=True, validate=validate.Length(1, 200))
    code = fields.String(validate=validate.Regexp(
        r"^[A-Za-z0-9\-]{3,32}$", error="3 to 32 letters, digits or hyphens"))
    timezone = fields.String(required=True, validate=valid_zone)
    infused_at = fields.AwareDateTime(required=True, default_timezone=dt.UTC)
    enrolled_at = fields.AwareDateTime(default_timezone=dt.UTC)
    product = fields.String(required=True, validate=validate.OneOf(PRODUCTS))
    window_days = fields.Integer(
        strict=True, load_default=P.DEFAULT_WINDOW_DAYS,
        validate=validate.Range(0, P.MAX_WINDOW_DAYS),
    )
    baseline_ice = fields.Integer(
        strict=True, load_default=P.ICE_DEFAULT_BASELINE, validate=validate.Range(0, P.ICE_MAX)
    )
    city = fields.String(validate=validate.Length(max=120), allow_none=True)
    place_of_care = fields.String(validate=validate.Length(max=120), allow_none=True)
    language = fields.String(load_default=DEFAULT_LANGUAGE, validate=validate.OneOf(LANGUAGES))


REASON_MAX = 500


class Reason(fields.String):
    """Free text saying why (trimmed, 1-500 characters): kept in the audit, never pushed."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not 1 <= len(text) <= REASON_MAX:
            raise ValidationError(f"give a reason of 1 to {REASON_MAX} characters")
        return text


class PatientCorrectionIn(StrictSchema):
    """A correction of the record: at least one field, and the reason (required)."""

    reason = Reason(required=True)
    display_name = fields.String(validate=validate.Length(1, 200))
    timezone = fields.String(validate=valid_zone)
    infused_at = fields.AwareDateTime(default_timezone=dt.UTC)
    enrolled_at = fields.AwareDateTime(default_timezone=dt.UTC)
    product = fields.String(validate=validate.OneOf(PRODUCTS))

    @validates_schema
    def _one_field_at_least(self, data, **kwargs):
        if not set(data) - {"reason"}:
            raise ValidationError("give at least one field to correct", "_schema")


class ProductOut(Schema):
    id = fields.String()
    suggested_window_days = fields.Integer(metadata={
        "description": "POLICY.md Time: 100 days advised for ide-cel and cilta-cel"})


class PatientOptionsOut(Schema):
    """What the enrolment and correction forms offer, from the policy and the centre."""

    products = fields.List(fields.Nested(ProductOut))
    timezone = fields.String(metadata={"description": "the centre's zone, the form's default"})
    default_window_days = fields.Integer()
    max_window_days = fields.Integer()
    default_baseline_ice = fields.Integer()
    ice_max = fields.Integer()
    reason_max_length = fields.Integer()


class PatientPatch(StrictSchema):
    window_days = fields.Integer(strict=True, validate=validate.Range(0, P.MAX_WINDOW_DAYS))
    baseline_ice = fields.Integer(strict=True, validate=validate.Range(0, P.ICE_MAX))
    city = fields.String(validate=validate.Length(max=120), allow_none=True)
    place_of_care = fields.String(validate=validate.Length(max=120), allow_none=True)
    language = fields.String(validate=validate.OneOf(LANGUAGES))
    end_monitoring = fields.Boolean()


class PatientOut(Schema):
    id = fields.Integer()
    code = fields.String()
    display_name = fields.String()
    timezone = fields.String()
    infused_at = fields.DateTime()
    enrolled_at = fields.DateTime()
    product = fields.String()
    window_days = fields.Integer()
    baseline_ice = fields.Integer()
    baseline_handwriting_checkin_id = fields.Integer(allow_none=True)
    baseline_tremor_checkin_id = fields.Integer(allow_none=True)
    city = fields.String(allow_none=True)
    place_of_care = fields.String(allow_none=True)
    language = fields.String()
    monitoring_ended_at = fields.DateTime(allow_none=True)
    day = fields.Integer()
    caregiver_enrolled = fields.Boolean(
        metadata={"description": "a caregiver's phone is enrolled (not revoked)"})


class CaregiverIn(StrictSchema):
    display_name = fields.String(required=True, validate=validate.Length(1, 200))
    language = fields.String(load_default=DEFAULT_LANGUAGE, validate=validate.OneOf(LANGUAGES))


class CaregiverOut(Schema):
    id = fields.Integer()
    patient_id = fields.Integer()
    display_name = fields.String()
    language = fields.String()


class EnrolmentCodeIn(StrictSchema):
    role = fields.String(required=True, validate=validate.OneOf(DEVICE_ROLES))
    caregiver_id = Id(strict=True)

    @validates("caregiver_id")
    def _positive(self, value, **kwargs):
        if value < 1:
            raise ValidationError("must be a caregiver id")


class EnrolmentCodeOut(Schema):
    id = fields.Integer()
    role = fields.String()
    code = fields.String()
    token = fields.String()
    url = fields.String()
    qr_svg = fields.String()
    expires_at = fields.String()


class DeviceOut(Schema):
    id = fields.Integer()
    patient_id = fields.Integer()
    caregiver_id = fields.Integer(allow_none=True)
    role = fields.String()
    created_at = fields.DateTime()
    last_seen_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)
    revoked_reason = fields.String(allow_none=True, metadata={
        "description": "staff (this phone alone) or monitoring_ended"})


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
    opened_at = fields.DateTime()
    raised_at = fields.DateTime(allow_none=True)
    acknowledged_at = fields.DateTime(allow_none=True)


class DeviceFoundOut(Schema):
    """One reason of an alert with the value behind it; the app has the words per code."""

    reason = fields.String(metadata={"description": "reason code (app i18n key found_<code>)"})
    severity = fields.String()
    temperature = fields.Dict(allow_none=True, metadata={"description": "value, unit, celsius"})
    ice = fields.Dict(allow_none=True, metadata={"description": "total, out_of, baseline"})
    vitals = fields.Dict(allow_none=True)
    news2 = fields.Integer(allow_none=True)
    recorded_by = fields.String(allow_none=True, metadata={
        "description": "patient, caregiver or self_check"})
    observed_at = fields.DateTime(allow_none=True)
    slots = fields.List(fields.DateTime(), metadata={"description": "missed slots"})


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
    opened_at = fields.DateTime()
    raised_at = fields.DateTime(allow_none=True)
    acknowledged_at = fields.DateTime(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    worsened_at = fields.DateTime(allow_none=True)
    unanswered_at = fields.DateTime(allow_none=True, metadata={
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
    infused_at = fields.DateTime()
    enrolled_at = fields.DateTime()
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
