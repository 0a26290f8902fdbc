"""The phone's offline advice: effective thresholds, the rules as data, NEWS2, advice per
severity (server/api/thresholds.py)."""
from __future__ import annotations

from marshmallow import Schema, fields


class ConditionOut(Schema):
    """One node of the condition language (server/clinical/conditions.py)."""

    fact = fields.String()
    op = fields.String()
    threshold = fields.String()
    value = fields.Float()
    other_fact = fields.String()
    in_ = fields.List(fields.Raw(allow_none=True), attribute="in", data_key="in")
    present = fields.Boolean()
    symptoms_any = fields.List(fields.String())
    all = fields.List(fields.Nested(lambda: ConditionOut()))
    any = fields.List(fields.Nested(lambda: ConditionOut()))
    not_ = fields.Nested(lambda: ConditionOut(), attribute="not", data_key="not")


class SeverityWhenOut(Schema):
    severity = fields.String()
    when = fields.Nested(ConditionOut)


class RuleOut(Schema):
    """A finding rule as data; `server_only` rules read history the phone does not have."""

    id = fields.String()
    severity = fields.String()
    syndrome = fields.String(allow_none=True)
    reason = fields.String()
    condition = fields.Nested(ConditionOut)
    severity_when = fields.List(fields.Nested(SeverityWhenOut))
    server_only = fields.Boolean()


class News2Out(Schema):
    """POLICY.md v2 NEWS2 table: per parameter [[inclusive upper bound or null, score], ...]."""

    bands = fields.Dict(keys=fields.String(),
                        values=fields.List(fields.List(fields.Float(allow_none=True))))
    consciousness_symptoms = fields.List(fields.String())
    consciousness_score = fields.Integer()


class AdviceOut(Schema):
    text = fields.String()
    phone = fields.String(allow_none=True)


class ThresholdsOut(Schema):
    fever_c = fields.Float()
    hypothermia_c = fields.Float()
    systolic_bp_emergency_below = fields.Integer()
    spo2_emergency_below = fields.Integer()
    spo2_urgent_below = fields.Integer()
    heart_rate_urgent_from = fields.Integer()
    ice_emergency_at_or_below = fields.Integer()
    antipyretic_urgent_c = fields.Float()
    baseline_ice = fields.Integer()
    emergency_symptoms = fields.List(fields.String())
    urgent_symptoms = fields.List(fields.String())
    instructions = fields.Dict(keys=fields.String(), values=fields.Nested(AdviceOut), metadata={
        "description": "per severity: emergency, urgent, routine"})
    condition_language = fields.Integer()
    rules = fields.List(fields.Nested(RuleOut))
    server_facts = fields.List(fields.String())
    news2 = fields.Nested(News2Out)
