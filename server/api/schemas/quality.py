"""The quality page's figures and the threshold what-if (services/quality.py, whatif.py)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ...services import quality
from .common import Number, StrictSchema, Timestamp

Maybe = dict(allow_none=True)


class Bounds(Schema):
    min = Number()
    max = Number()


class GroupFigures(Schema):
    """One group of escalations: the whole centre, or one rule (quality._group)."""

    escalations = fields.Integer()
    per_100_patient_days = Number(**Maybe)
    by_severity = fields.Dict(keys=fields.String(), values=fields.Integer(),
                              metadata={"description": "count by severity"})
    per_100_patient_days_by_severity = fields.Dict(
        keys=fields.String(), values=Number(**Maybe))
    ack_hours_median = Number(**Maybe)
    ack_hours_p90 = Number(**Maybe)
    resolve_hours_median = Number(**Maybe)
    resolve_hours_p90 = Number(**Maybe)
    acknowledged = fields.Integer()
    tier1_share = Number(**Maybe)
    undeliverable = fields.Integer()
    lapsed = fields.Integer()


class RuleFigures(GroupFigures):
    rule_id = fields.String()


class AdherenceRow(Schema):
    patient_id = fields.Integer()
    code = fields.String()
    due = fields.Integer()
    answered = fields.Integer()
    adherence = Number(**Maybe)
    checkins = fields.Integer()
    with_temperature = fields.Integer()
    with_vitals = fields.Integer()
    with_ice = fields.Integer()


class QualityOut(Schema):
    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()
    patients = fields.Integer()
    patient_days = Number()
    summary = fields.Nested(GroupFigures)
    by_rule = fields.List(fields.Nested(RuleFigures))
    slots_due = fields.Integer()
    slots_answered = fields.Integer()
    missed_rate = Number(**Maybe)
    adherence = fields.List(fields.Nested(AdherenceRow))
    outcomes = fields.Dict(keys=fields.String(), values=fields.Integer(),
                           metadata={"description": "resolved escalations by outcome"})
    thresholds = fields.Dict(keys=fields.String(), values=Number(),
                             metadata={"description": "the centre's effective thresholds"})
    threshold_bounds = fields.Dict(keys=fields.String(), values=fields.Nested(Bounds))


class WhatIfCounts(Schema):
    opened = fields.Integer()
    closed = fields.Integer()
    changed = fields.Integer()
    checkins_differing = fields.Integer()


class WhatIfOpened(Schema):
    patient_id = fields.Integer()
    checkin_ids = fields.List(fields.Integer())
    observed_at = Timestamp()
    proposed_severity = fields.String(**Maybe)
    rules = fields.List(fields.String())


class WhatIfEscalation(Schema):
    escalation_id = fields.Integer()
    patient_id = fields.Integer()
    checkin_ids = fields.List(fields.Integer())
    current_severity = fields.String(**Maybe)
    proposed_severity = fields.String(**Maybe)


class WhatIfCheckin(Schema):
    checkin_id = fields.Integer()
    patient_id = fields.Integer()
    observed_at = Timestamp()
    current = fields.List(fields.String())
    current_severity = fields.String(**Maybe)
    proposed = fields.List(fields.String())
    proposed_severity = fields.String(**Maybe)


class WhatIfOut(Schema):
    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()
    proposal = fields.Dict(keys=fields.String(), values=Number(),
                           metadata={"description": "the proposed overrides, as sent"})
    checkins_replayed = fields.Integer()
    counts = fields.Nested(WhatIfCounts)
    opened = fields.List(fields.Nested(WhatIfOpened))
    closed = fields.List(fields.Nested(WhatIfEscalation))
    changed = fields.List(fields.Nested(WhatIfEscalation))
    checkins = fields.List(fields.Nested(WhatIfCheckin))


class PeriodIn(StrictSchema):
    """Local dates of the centre, inclusive; at most a year, not starting in the future."""

    from_ = fields.Date(data_key="from", load_default=None)
    to = fields.Date(load_default=None)

    @validates_schema
    def _bounded(self, data, **_kwargs):
        first, last = data.get("from_"), data.get("to")
        if first and last and last < first:
            raise ValidationError("must not be before from", "to")
        if first and last and (last - first).days >= quality.MAX_PERIOD_DAYS:
            raise ValidationError(f"at most {quality.MAX_PERIOD_DAYS} days", "to")
        if first and first.year < 2000:
            raise ValidationError("too far in the past", "from")


class QualityQuery(PeriodIn):
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")))


class WhatIfIn(PeriodIn):
    overrides = fields.Dict(keys=fields.String(validate=validate.Length(max=64)),
                            required=True, validate=validate.Length(min=1, max=20))
