"""Rota bodies: rotas, overrides, who is on call, the coverage banner (server/api/rotas.py)."""
from __future__ import annotations

import datetime as dt

from marshmallow import Schema, fields, validate

from ...ids import Id
from ...models.rota import OVERRIDE_KINDS, PATTERNS
from ...services import rotas
from .common import StrictSchema, Timestamp
from .staff_admin import MAX_TIER

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
