"""Phones: the effective thresholds and advice, so the PWA can advise while offline."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..auth.identity import current_device, require_device
from ..clinical import policy as P
from ..clinical.instructions import instruction
from ..clinical.rules import effective_thresholds
from ..extensions import db
from ..services import audit

blp = Blueprint("thresholds", __name__, url_prefix="/api/v1/device",
                description="Offline advice for phones")


class ThresholdsOut(Schema):
    fever_c = fields.Float()
    hypothermia_c = fields.Float()
    systolic_bp_emergency_below = fields.Integer()
    spo2_emergency_below = fields.Integer()
    spo2_urgent_below = fields.Integer()
    heart_rate_urgent_from = fields.Integer()
    ice_emergency_at_or_below = fields.Integer()
    baseline_ice = fields.Integer()
    emergency_symptoms = fields.List(fields.String())
    urgent_symptoms = fields.List(fields.String())
    instructions = fields.Dict()


def thresholds_for(patient) -> dict:
    """The patient's centre's effective thresholds, symptom lists and advice per severity."""
    centre = patient.centre
    advice = {}
    for severity in ("emergency", "urgent", "routine"):
        full = instruction(severity, centre)
        advice[severity] = {"text": full["text"], "phone": full["phone"]}
    return {**effective_thresholds(centre), "baseline_ice": patient.baseline_ice,
            "emergency_symptoms": list(P.EMERGENCY_SYMPTOMS),
            "urgent_symptoms": list(P.URGENT_SYMPTOMS), "instructions": advice}


@blp.route("/thresholds")
class Thresholds(MethodView):
    @require_device
    @blp.response(200, ThresholdsOut)
    def get(self):
        """Return the thresholds and advice this phone's patient is checked against."""
        device = current_device()
        audit.record("thresholds.read", patient_id=device.patient_id)
        db.session.commit()
        return thresholds_for(device.patient), 200, {"Cache-Control": "no-store"}
