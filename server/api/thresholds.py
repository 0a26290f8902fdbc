"""Phones: the effective thresholds and advice, so the PWA can advise while offline."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from .. import policy as P
from ..audit import trail as audit
from ..auth.identity import current_device, require_device
from ..clinical import conditions, rules
from ..clinical.instructions import instruction
from ..clinical.rules import effective_thresholds
from ..services.patients import person_of
from .schemas.thresholds import ThresholdsOut

blp = Blueprint("thresholds", __name__, url_prefix="/api/v1/device",
                description="Offline advice for phones")


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
        body = thresholds_for(device.patient, person_of(device).language)
        return body
