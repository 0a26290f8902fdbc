"""Measured handwriting and tremor samples and the baselines (server/api/measures.py)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ... import policy as P
from ...ids import Id
from .common import REASON_MAX, StrictSchema, Timestamp


class SampleOut(Schema):
    checkin_id = fields.Integer()
    observed_at = Timestamp()
    label = fields.String(allow_none=True, metadata={
        "description": "handwriting judgement or tremor rating given with the sample"})
    features = fields.Dict()
    is_baseline = fields.Boolean()
    svg_url = fields.String(metadata={"description": "handwriting only"})


class SamplesQuery(StrictSchema):
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))


class BaselineIn(StrictSchema):
    handwriting_checkin_id = Id(strict=True)
    tremor_checkin_id = Id(strict=True)
    ice = fields.Integer(strict=True, validate=validate.Range(0, P.ICE_MAX))
    reason = fields.String(validate=validate.Length(max=REASON_MAX), allow_none=True)

    @validates_schema
    def _one_at_least(self, data, **kwargs):
        if not set(data) - {"reason"}:
            raise ValidationError("give handwriting_checkin_id, tremor_checkin_id, ice or more")


class BaselineOut(Schema):
    handwriting_checkin_id = fields.Integer(allow_none=True)
    tremor_checkin_id = fields.Integer(allow_none=True)
    ice = fields.Integer()


class BaselineChangeOut(Schema):
    """One change: `checkin_id` (handwriting, tremor) or `value` (ICE), and what it replaced."""

    id = fields.Integer()
    kind = fields.String(metadata={"description": "handwriting, tremor or ice"})
    checkin_id = fields.Integer(allow_none=True)
    value = fields.Integer(allow_none=True)
    previous_checkin_id = fields.Integer(allow_none=True)
    previous_value = fields.Integer(allow_none=True)
    staff_id = fields.Integer(allow_none=True, metadata={
        "description": "null: the first complete sample became the baseline"})
    staff_handle = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    at = Timestamp()
