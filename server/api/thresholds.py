"""Phones: the effective thresholds and advice, so the PWA can advise while offline."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from .. import policy as P
from ..audit import trail as audit
from ..auth.identity import current_device, require_device
from ..clinical import conditions, rules
from ..clinical.instructions import instruction
from ..clinical.rules import effective_thresholds
from ..extensions import db
from ..services.patients import person_of

blp = Blueprint("thresholds", __name__, url_prefix="/api/v1/device",
                description="Offline advice for phones")


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


def thresholds_for(patient, lang: str | None = None) -> dict:
    """The patient's centre's effective thresholds, the rules as data and advice per severity.

    The phone evaluates `rules` with its interpreter of the same condition language
    (pwa/app/js/rules.js): the server's table is the only copy of the rules.
    """
    centre = patient.centre
    advice = {}
    for severity in ("emergency", "urgent", "routine"):
        full = instruction(severity, centre, lang=lang or patient.language)
        advice[severity] = {"text": full["text"], "phone": full["phone"]}
    return {**effective_thresholds(centre), "baseline_ice": patient.baseline_ice,
            "emergency_symptoms": list(P.EMERGENCY_SYMPTOMS),
            "urgent_symptoms": list(P.URGENT_SYMPTOMS), "instructions": advice,
            "condition_language": conditions.LANGUAGE_VERSION, "rules": rules.published(),
            "server_facts": sorted(conditions.SERVER_FACTS),
            "news2": {"bands": {name: [list(band) for band in bands]
                                for name, bands in P.NEWS2_BANDS.items()},
                      "consciousness_symptoms": list(P.NEWS2_CONSCIOUSNESS_SYMPTOMS),
                      "consciousness_score": P.NEWS2_CONSCIOUSNESS_SCORE}}


@blp.route("/thresholds")
class Thresholds(MethodView):
    @require_device
    @blp.response(200, ThresholdsOut)
    def get(self):
        """Return the thresholds and advice this phone's patient is checked against."""
        device = current_device()
        audit.record("thresholds.read", patient_id=device.patient_id)
        db.session.commit()
        body = thresholds_for(device.patient, person_of(device).language)
        return body
