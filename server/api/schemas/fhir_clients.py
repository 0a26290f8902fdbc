"""FHIR backend-services clients of a centre (server/api/fhir_clients.py)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from .common import StrictSchema, Timestamp


class FhirClientOut(Schema):
    id = fields.Integer()
    client_id = fields.String()
    name = fields.String()
    scopes = fields.List(fields.String())
    jwks = fields.Dict()
    created_at = Timestamp()
    revoked_at = Timestamp(allow_none=True)


class FhirClientIn(StrictSchema):
    client_id = fields.String(required=True, validate=validate.Length(3, 64))
    name = fields.String(required=True, validate=validate.Length(1, 200))
    jwks = fields.Dict(required=True)
    scopes = fields.List(fields.String(), required=True, validate=validate.Length(1, 20))
