"""Staff sign-in, patients, caregivers, enrolment codes and devices as staff see them."""
from __future__ import annotations

import datetime as dt

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from ... import policy as P
from ...ids import Id
from ...languages import DEFAULT as DEFAULT_LANGUAGE
from ...languages import LANGUAGES
from ...models.people import DEVICE_ROLES, PRODUCTS
from .common import Reason, StrictSchema, Timestamp, valid_zone


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
    centre = fields.Nested(MeCentreOut)
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
    infused_at = Timestamp()
    enrolled_at = Timestamp()
    product = fields.String()
    window_days = fields.Integer()
    baseline_ice = fields.Integer()
    baseline_handwriting_checkin_id = fields.Integer(allow_none=True)
    baseline_tremor_checkin_id = fields.Integer(allow_none=True)
    city = fields.String(allow_none=True)
    place_of_care = fields.String(allow_none=True)
    language = fields.String()
    monitoring_ended_at = Timestamp(allow_none=True)
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
    expires_at = Timestamp()


class DeviceOut(Schema):
    id = fields.Integer()
    patient_id = fields.Integer()
    caregiver_id = fields.Integer(allow_none=True)
    role = fields.String()
    created_at = Timestamp()
    last_seen_at = Timestamp(allow_none=True)
    revoked_at = Timestamp(allow_none=True)
    revoked_reason = fields.String(allow_none=True, metadata={
        "description": "staff (this phone alone) or monitoring_ended"})
