"""Centre admin bodies: staff accounts, the centre's settings (with the policy's defaults
and bounds beside them), the audit log (server/api/staff_admin.py)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from ...ids import Id
from ...models.people import STAFF_ROLES, TIME_FORMATS
from ...services import staff_admin
from .common import Number, Policy, StrictSchema, Timestamp, valid_zone
from .quality import Bounds
from .staff import StaffOut

MAX_TIER = 5
# The browser's `pattern` (admin.js) is the same rule written for the `v` flag.
HANDLE = r"^[a-z0-9][a-z0-9._\-]{1,63}$"
HANDLE_RULE = ("2 to 64 characters: lower-case letters a-z, digits, dot, underscore or "
               "hyphen, starting with a letter or digit")


class StaffAdminOut(StaffOut):
    active = fields.Boolean()
    totp_enrolled = fields.Function(lambda s: s.totp_enrolled_at is not None,
                                    metadata={"type": "boolean"})
    created_at = Timestamp()


class StaffCreateIn(StrictSchema):
    handle = fields.String(required=True, validate=validate.Regexp(
        HANDLE, error=HANDLE_RULE))
    name = fields.String(required=True, validate=validate.Length(1, 200))
    email = fields.Email(required=True, validate=validate.Length(max=254))
    role = fields.String(required=True, validate=validate.OneOf(STAFF_ROLES))
    tier = fields.Integer(strict=True, load_default=1, validate=validate.Range(1, MAX_TIER))
    on_duty = fields.Boolean(load_default=True)
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=1024))


class StaffPatch(StrictSchema):
    name = fields.String(validate=validate.Length(1, 200))
    email = fields.Email(validate=validate.Length(max=254))
    role = fields.String(validate=validate.OneOf(STAFF_ROLES))
    tier = fields.Integer(strict=True, validate=validate.Range(1, MAX_TIER))
    on_duty = fields.Boolean()
    active = fields.Boolean()
    password = fields.String(load_only=True, validate=validate.Length(max=1024))
    reset_totp = fields.Boolean(load_only=True)


class OverrideBound(Bounds):
    """A threshold a centre may override: the policy's default and its safe bounds."""

    default = Number()


class CentreDefaults(Schema):
    """The policy's defaults and bounds of the v2 settings (staff_admin.centre_defaults)."""

    schedule = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    schedule_min_slots = fields.Dict(keys=fields.String(), values=fields.Integer())
    schedule_min_gap_hours = Number()
    ack_lapse_hours = fields.Dict(keys=fields.String(), values=Number())
    ack_lapse_bounds_hours = fields.List(Number())
    proximity_days = fields.Integer()
    driving_days = fields.Integer()
    days_bounds = fields.List(fields.Integer())


class CentreOut(Schema):
    id = fields.Integer()
    name = fields.String()
    phone_24h = fields.String()
    emergency_number = fields.String()
    timezone = fields.String()
    threshold_overrides = fields.Dict(keys=fields.String(), values=Number(), metadata={
        "description": "the centre's overrides by threshold name (override_bounds names them)"})
    override_bounds = Policy(staff_admin.override_bounds, fields.Dict,
                             keys=fields.String(), values=fields.Nested(OverrideBound))
    schedule = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                           metadata={"description": "the centre's own check-in times per period"})
    ack_lapse_hours = fields.Dict(keys=fields.String(), values=fields.Float())
    proximity_days = fields.Integer()
    driving_days = fields.Integer()
    time_format = fields.String(metadata={"description": "24h or 12h clock in the staff app"})
    handwriting_sentence = fields.String(allow_none=True, metadata={
        "description": "the centre's handwriting sentence; null: the app's, per language"})
    fhir_share_names = fields.Boolean(metadata={
        "description": "FHIR Patient / RelatedPerson carry names (default off: codes only)"})
    defaults = Policy(staff_admin.centre_defaults, fields.Nested, CentreDefaults,
                      metadata={"description": "policy defaults and bounds (v2)"})


class CentrePatch(StrictSchema):
    name = fields.String(validate=validate.Length(1, 200))
    phone_24h = fields.String(validate=validate.Regexp(r"^\+?[0-9 ()-]{3,40}$"))
    emergency_number = fields.String(validate=validate.Regexp(r"^[0-9]{2,6}$"))
    timezone = fields.String(validate=valid_zone)
    threshold_overrides = fields.Dict(keys=fields.String(), values=fields.Raw())
    # policy v2; checked against POLICY.md's limits by clinical/centre_settings.py
    schedule = fields.Dict(keys=fields.String(), values=fields.Raw())
    ack_lapse_hours = fields.Dict(keys=fields.String(), values=fields.Raw())
    proximity_days = fields.Integer(strict=True)
    driving_days = fields.Integer(strict=True)
    time_format = fields.String(validate=validate.OneOf(
        TIME_FORMATS, error="must be 24h or 12h"))
    handwriting_sentence = fields.String(allow_none=True)  # checked by centre_settings
    fhir_share_names = fields.Boolean(truthy={True}, falsy={False})  # JSON true / false only


class AuditQuery(StrictSchema):
    patient_id = Id(load_default=None)
    staff_id = Id(load_default=None)
    page = fields.Integer(load_default=1, validate=validate.Range(1, 100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(1, 200))


class AuditItem(Schema):
    id = fields.Integer()
    at = Timestamp()
    actor_kind = fields.String()
    actor_id = fields.Integer(allow_none=True)
    actor_handle = fields.String(allow_none=True)
    action = fields.String()
    patient_id = fields.Integer(allow_none=True)
    patient_code = fields.String(allow_none=True)
    outcome = fields.String()
    detail = fields.Dict(allow_none=True)


class AuditPage(Schema):
    items = fields.List(fields.Nested(AuditItem))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
