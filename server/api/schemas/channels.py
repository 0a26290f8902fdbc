"""Channel bodies: a person's channel list in the order tried, its test (server/api/channels.py)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from ...models.channels import CHANNEL_KINDS
from ...services import channel_settings
from .common import StrictSchema, Timestamp


class ChannelIn(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(CHANNEL_KINDS))
    delay_seconds = fields.Integer(load_default=0, validate=validate.Range(0, 3600))
    address = fields.String(load_default=None, allow_none=True,
                            validate=validate.Length(max=1024))
    routing_key = fields.String(load_default=None, allow_none=True, load_only=True,
                                validate=validate.Length(max=64))
    consent = fields.Boolean(load_default=None, allow_none=True, metadata={
        "description": "patients / caregivers: the person agreed to SMS (recorded now)"})


class ChannelListIn(StrictSchema):
    channels = fields.List(fields.Nested(ChannelIn), required=True,
                           validate=validate.Length(max=channel_settings.MAX_CHANNELS))


class FamilyChannelListIn(ChannelListIn):
    caregiver_id = fields.Integer(load_default=None, allow_none=True,
                                  validate=validate.Range(1, 2**31 - 1))


class TestIn(StrictSchema):
    position = fields.Integer(required=True, validate=validate.Range(0, 10))


class ChannelOut(Schema):
    """One channel of a person's list, in the order tried."""

    id = fields.Integer()
    position = fields.Integer()
    kind = fields.String()
    delay_seconds = fields.Integer()
    address = fields.String(allow_none=True)
    secret = fields.String(allow_none=True, metadata={"description": "webhooks only"})
    routing_key_set = fields.Boolean(allow_none=True, metadata={
        "description": "PagerDuty only: a routing key is stored (never shown)"})
    consent_at = Timestamp(allow_none=True)
    consent_by_staff_id = fields.Integer(allow_none=True)
    opted_out_at = Timestamp(allow_none=True, metadata={"description": "STOP received"})


class ChannelListOut(Schema):
    channels = fields.List(fields.Nested(ChannelOut))


class CaregiverChannelsOut(ChannelListOut):
    caregiver_id = fields.Integer()


class FamilyChannelsOut(Schema):
    patient = fields.List(fields.Nested(ChannelOut))
    caregivers = fields.List(fields.Nested(CaregiverChannelsOut))


class ChannelTestOut(Schema):
    intent_id = fields.Integer()
    channel = fields.String()
