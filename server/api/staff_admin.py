"""Centre admins: staff accounts, tiers and duty, the centre's numbers, the audit log."""
from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..auth.identity import current_staff, require_staff, staff_patient
from ..ids import Id
from ..models.people import STAFF_ROLES, TIME_FORMATS
from ..services import staff_admin
from .schemas.common import Number, StrictSchema, Timestamp, valid_zone
from .schemas.staff import StaffOut

blp = Blueprint("staff_admin", __name__, url_prefix="/api/v1/staff/admin",
                description="Centre admins: staff, centre settings, audit log")
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


def Policy(source, kind, *args, **kwargs):  # a field factory, named like a field class
    """A field of kind `kind` whose value is `source()` (the policy's), not the centre's."""

    class _Policy(kind):
        def get_value(self, obj, attr, accessor=None, default=None):
            return source()

    return _Policy(*args, **kwargs)


class OverrideBound(Schema):
    default = Number()
    min = Number()
    max = Number()


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
    threshold_overrides = fields.Dict()
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


@blp.route("/staff")
class StaffList(MethodView):
    @require_staff("admin")
    @blp.response(200, StaffAdminOut(many=True))
    def get(self):
        """List the centre's staff with role, tier and duty."""
        return staff_admin.list_staff(current_staff()), 200

    @require_staff("admin")
    @blp.arguments(StaffCreateIn)
    @blp.response(201, StaffAdminOut)
    def post(self, data):
        """Create a staff account with an initial password (checked against the refused list)."""
        return staff_admin.create_staff(current_staff(), data), 201


@blp.route("/staff/<int:staff_id>")
class StaffById(MethodView):
    @require_staff("admin")
    @blp.arguments(StaffPatch)
    @blp.response(200, StaffAdminOut)
    def patch(self, changes, staff_id):
        """Change a member's details, role, tier, duty, active flag, password or TOTP."""
        admin = current_staff()
        staff = staff_admin.centre_staff(admin, staff_id)
        return (staff_admin.update_staff(admin, staff, changes, keep=g.actor.session),
                200)


@blp.route("/centre")
class CentreSettings(MethodView):
    @require_staff("admin")
    @blp.response(200, CentreOut)
    def get(self):
        """Read the centre's numbers, time zone and threshold overrides."""
        return staff_admin.read_centre(current_staff()), 200

    @require_staff("admin")
    @blp.arguments(CentrePatch)
    @blp.response(200, CentreOut)
    def patch(self, changes):
        """Change the centre's numbers or threshold overrides (within the engine's bounds)."""
        return staff_admin.update_centre(current_staff(), changes), 200


@blp.route("/audit")
class AuditLog(MethodView):
    @require_staff("admin")
    @blp.arguments(AuditQuery, location="query")
    @blp.response(200, AuditPage)
    def get(self, query):
        """Page through the centre's audit log, newest first, by patient or member of staff."""
        admin = current_staff()
        patient = staff_patient(query["patient_id"]) if query["patient_id"] else None
        staff = staff_admin.centre_staff(admin, query["staff_id"]) if query["staff_id"] else None
        body = staff_admin.audit_page(admin, patient, staff, query["page"], query["per_page"])
        return body, 200
