"""Rotas: admins edit a centre's rotas and overrides and see who is on call; every member of
staff sees the coverage banner (a tier with nobody on duty now or soon)."""
from __future__ import annotations

import datetime as dt

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..auth.identity import current_staff, require_staff
from ..clock import now
from ..ids import Id
from ..models.rota import OVERRIDE_KINDS, PATTERNS
from ..services import rotas
from .schemas.common import StrictSchema, Timestamp
from .schemas.staff_admin import MAX_TIER

blp = Blueprint("rotas", __name__, url_prefix="/api/v1/staff",
                description="Rotas, overrides, who is on call, the coverage banner")
HHMM = validate.Regexp(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", error="a local time HH:MM")


class OverrideOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    staff_id = fields.Integer(allow_none=True)
    starts_at = Timestamp()
    ends_at = Timestamp()
    created_by = fields.Integer(allow_none=True)
    created_at = Timestamp()


class RotaOut(Schema):
    id = fields.Integer()
    tier = fields.Integer()
    pattern = fields.String()
    handoffs = fields.List(fields.String())
    weekday = fields.Integer(allow_none=True)
    starts_on = fields.Date()
    people = fields.List(fields.Integer())
    updated_at = Timestamp()
    overrides = fields.List(fields.Nested(OverrideOut))


class RotaIn(StrictSchema):
    tier = fields.Integer(strict=True, required=True, validate=validate.Range(1, MAX_TIER))
    pattern = fields.String(required=True, validate=validate.OneOf(PATTERNS))
    handoffs = fields.List(fields.String(validate=HHMM), required=True,
                           validate=validate.Length(1, 6))
    weekday = fields.Integer(strict=True, allow_none=True, load_default=None,
                             validate=validate.Range(0, 6))
    starts_on = fields.Date(required=True)
    people = fields.List(Id(), required=True, validate=validate.Length(1, 50))


class RotaPatch(StrictSchema):
    pattern = fields.String(validate=validate.OneOf(PATTERNS))
    handoffs = fields.List(fields.String(validate=HHMM), validate=validate.Length(1, 6))
    weekday = fields.Integer(strict=True, allow_none=True, validate=validate.Range(0, 6))
    starts_on = fields.Date()
    people = fields.List(Id(), validate=validate.Length(1, 50))


class OverrideIn(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(OVERRIDE_KINDS))
    staff_id = Id(allow_none=True, load_default=None)
    starts_at = fields.AwareDateTime(required=True, default_timezone=dt.UTC)
    ends_at = fields.AwareDateTime(allow_none=True, load_default=None, default_timezone=dt.UTC)


class OncallQuery(StrictSchema):
    at = fields.AwareDateTime(load_default=None, default_timezone=dt.UTC)
    hours = fields.Integer(load_default=rotas.VIEW_HOURS, validate=validate.Range(1, 7 * 24),
                           metadata={"description": "how far ahead (the rota page: 168)"})


class OncallPersonOut(Schema):
    id = fields.Integer()
    handle = fields.String()
    name = fields.String()
    on_duty = fields.Boolean()
    active = fields.Boolean()


class SegmentOut(Schema):
    starts_at = Timestamp()
    ends_at = Timestamp()
    person = fields.Nested(OncallPersonOut, allow_none=True)
    override_id = fields.Integer(allow_none=True)
    pageable = fields.Boolean()


class RotaGapOut(Schema):
    starts_at = Timestamp()
    ends_at = Timestamp()


class RotaOncallOut(Schema):
    rota_id = fields.Integer()
    tier = fields.Integer()
    segments = fields.List(fields.Nested(SegmentOut))
    gaps = fields.List(fields.Nested(RotaGapOut))


class OncallOut(Schema):
    at = Timestamp()
    until = Timestamp()
    timezone = fields.String()
    now = fields.List(fields.List(fields.Nested(OncallPersonOut, allow_none=True)), metadata={
        "description": "per tier, lowest first: who is paged now"})
    rotas = fields.List(fields.Nested(RotaOncallOut), metadata={
        "description": "per rota: its segments (who, from when to when) and gaps"})


class CoverageGapOut(Schema):
    """A rota tier with nobody on duty, now or within the warning lead."""

    tier = fields.Integer()
    starts_at = Timestamp()
    ends_at = Timestamp()
    now = fields.Boolean()


class CoverageOut(Schema):
    gaps = fields.List(fields.Nested(CoverageGapOut))
    lead_hours = fields.Float()


def _utc(value: dt.datetime | None) -> dt.datetime:
    return now() if value is None else value.astimezone(dt.UTC)


@blp.route("/admin/rotas")
class RotaList(MethodView):
    @require_staff("admin")
    @blp.response(200, RotaOut(many=True))
    def get(self):
        """List the centre's rotas with their overrides."""
        return rotas.list_rotas(current_staff()), 200

    @require_staff("admin")
    @blp.arguments(RotaIn)
    @blp.response(201, RotaOut)
    def post(self, data):
        """Create a tier's rota: pattern, handoff times, start date, people in turn."""
        return rotas.create_rota(current_staff(), data), 201


@blp.route("/admin/rotas/<int:rota_id>")
class RotaById(MethodView):
    @require_staff("admin")
    @blp.arguments(RotaPatch)
    @blp.response(200, RotaOut)
    def patch(self, changes, rota_id):
        """Change a rota's pattern, handoff times, weekday, start date or people."""
        admin = current_staff()
        return rotas.update_rota(admin, rotas.centre_rota(admin, rota_id), changes), 200

    @require_staff("admin")
    @blp.response(204)
    def delete(self, rota_id):
        """Delete a rota (the tier goes back to the manual on-duty toggle)."""
        admin = current_staff()
        rotas.delete_rota(admin, rotas.centre_rota(admin, rota_id))
        return "", 204


@blp.route("/admin/rotas/<int:rota_id>/overrides")
class OverrideList(MethodView):
    @require_staff("admin")
    @blp.response(200, OverrideOut(many=True))
    def get(self, rota_id):
        """List a rota's overrides."""
        admin = current_staff()
        rota = rotas.centre_rota(admin, rota_id)
        return rotas.list_overrides(admin, rota), 200

    @require_staff("admin")
    @blp.arguments(OverrideIn)
    @blp.response(201, OverrideOut)
    def post(self, data, rota_id):
        """Add a swap (one shift), a cover or an absence (an interval) to a rota."""
        admin = current_staff()
        return rotas.create_override(admin, rotas.centre_rota(admin, rota_id), data), 201


@blp.route("/admin/rotas/<int:rota_id>/overrides/<int:override_id>")
class OverrideById(MethodView):
    @require_staff("admin")
    @blp.response(204)
    def delete(self, rota_id, override_id):
        """Delete an override."""
        admin = current_staff()
        rotas.delete_override(admin, rotas.centre_rota(admin, rota_id), override_id)
        return "", 204


@blp.route("/admin/oncall")
class Oncall(MethodView):
    @require_staff("admin")
    @blp.arguments(OncallQuery, location="query")
    @blp.response(200, OncallOut)
    def get(self, query):
        """Who is on duty at `at` (default now) per tier, and each rota over the next 48 h."""
        return rotas.oncall_view(current_staff(), _utc(query["at"]), query["hours"]), 200


@blp.route("/coverage")
class Coverage(MethodView):
    @require_staff()
    @blp.response(200, CoverageOut)
    def get(self):
        """Rota tiers with nobody on duty now or within the warning lead (the queue banner)."""
        return rotas.coverage(current_staff(), now()), 200
