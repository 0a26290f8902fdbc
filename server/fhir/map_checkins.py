"""A check-in as FHIR: vital-signs Observations, the ICE QuestionnaireResponse and its total,
symptom / tremor / handwriting Observations under our CodeSystem, the sample as Media + Binary.

Ids derive from the check-in id (`<checkin>-<part>`), so the same row always maps to the same
resources and a reader can find every resource of one entry.
"""
from __future__ import annotations

import base64

from ..measures import svg
from ..measures.service import FEATURE_NAMES
from ..models import CheckIn
from . import codes as C
from .common import instant, meta, patient_ref, performer


def _category(code: str, display: str) -> list[dict]:
    return [{"coding": [{"system": C.OBS_CATEGORY, "code": code, "display": display}]}]


def _observation(config, row: CheckIn, part: str, code: dict, category: tuple[str, str],
                 profile: str | None = None, **value) -> dict:
    """An Observation of one part of a check-in, with the times and performer every one has."""
    return {
        "resourceType": "Observation", "id": f"{row.id}-{part}",
        "meta": meta(row.received_at, profile), "status": "final",
        "category": _category(*category), "code": code,
        "subject": patient_ref(row.patient_id),
        "effectiveDateTime": instant(row.observed_at), "issued": instant(row.received_at),
        "performer": [performer(row)], **value,
    }


def _loinc(code: str, display: str) -> dict:
    return {"system": C.LOINC, "code": code, "display": display}


def _quantity(value, ucum: str, unit: str | None = None) -> dict:
    return {"value": value, "unit": unit or ucum, "system": C.UCUM, "code": ucum}


def _vital(config, row: CheckIn, kind: str, **value) -> dict:
    code, display, profile, _ucum = C.VITALS[kind]
    codings = [_loinc(code, display)]
    if kind == "spo2":
        codings.append(_loinc(*C.SPO2_PULSE_OX))
    return _observation(config, row, kind.replace("_", "-"),
                        {"coding": codings, "text": display}, ("vital-signs", "Vital Signs"),
                        f"http://hl7.org/fhir/StructureDefinition/{profile}", **value)


def vitals(config, row: CheckIn) -> list[dict]:
    """The vital-signs Observations of a check-in, in the units it was entered in."""
    out = []
    if row.temperature_value is not None:
        ucum, unit = C.TEMPERATURE_UCUM[row.temperature_unit]
        out.append(_vital(config, row, "temperature",
                          valueQuantity=_quantity(row.temperature_value, ucum, unit)))
    if row.heart_rate is not None:
        out.append(_vital(config, row, "heart_rate",
                          valueQuantity=_quantity(row.heart_rate, "/min", "beats/minute")))
    if row.systolic_bp is not None:
        # the profile wants both components; home devices here report systolic only
        out.append(_vital(config, row, "bp", component=[
            {"code": {"coding": [_loinc(*C.SYSTOLIC)]},
             "valueQuantity": _quantity(row.systolic_bp, "mm[Hg]", "mmHg")},
            {"code": {"coding": [_loinc(*C.DIASTOLIC)]},
             "dataAbsentReason": {"coding": [{"system": C.DATA_ABSENT, "code": "not-asked"}]}},
        ]))
    if row.spo2 is not None:
        out.append(_vital(config, row, "spo2", valueQuantity=_quantity(row.spo2, "%")))
    if row.respiratory_rate is not None:
        out.append(_vital(config, row, "respiratory_rate",
                          valueQuantity=_quantity(row.respiratory_rate, "/min",
                                                  "breaths/minute")))
    return out


def _own(config, code: str) -> dict:
    return {"coding": [C.coding(config, code)]}


def ice(config, row: CheckIn) -> list[dict]:
    """The ICE check as a QuestionnaireResponse plus an Observation of its total."""
    if row.ice_total is None:
        return []
    mode = "self" if row.ice_self else "caregiver"
    author = patient_ref(row.patient_id) if row.ice_self else performer(row)
    items = [{"linkId": item, "answer": [{"valueInteger": points}]}
             for item, points in row.ice.items()]
    items.append({"linkId": "administration", "answer": [{"valueCoding": {
        **C.coding(config, f"ice-administration-{mode}"), "display": C.ADMINISTRATION[mode]}}]})
    items.append({"linkId": "total", "answer": [{"valueInteger": row.ice_total}]})
    response = {
        "resourceType": "QuestionnaireResponse", "id": str(row.id), "meta": meta(row.received_at),
        "questionnaire": C.questionnaire_url(config), "status": "completed",
        "subject": patient_ref(row.patient_id), "authored": instant(row.observed_at),
        "author": author, "source": performer(row), "item": items,
    }
    total = _observation(config, row, "ice-total", _own(config, "ice-total"),
                         ("survey", "Survey"), valueInteger=row.ice_total,
                         derivedFrom=[{"reference": f"QuestionnaireResponse/{row.id}"}])
    return [response, total]


def _components(config, features: dict | None, allowed) -> list[dict]:
    """Scalar measured features as components (nested and missing ones are left out)."""
    out = []
    for name, value in (features or {}).items():
        if name not in allowed or value is None or isinstance(value, dict | list):
            continue
        component = {"code": _own(config, f"feature-{name}")}
        if isinstance(value, bool):
            component["valueBoolean"] = value
        elif isinstance(value, int):
            component["valueInteger"] = value
        elif isinstance(value, float):
            component["valueQuantity"] = {"value": value}
        else:
            component["valueString"] = str(value)
        out.append(component)
    return out


def neuro(config, row: CheckIn) -> list[dict]:
    """Symptoms, tremor, handwriting judgement and features, fever medicine, free text."""
    out = []
    for symptom in row.symptoms or []:
        out.append(_observation(config, row, f"symptom-{symptom.replace('_', '-')}",
                                _own(config, f"symptom-{symptom}"), ("survey", "Survey"),
                                valueBoolean=True))
    if row.antipyretic is not None:
        extra = {}
        if row.antipyretic_kind:
            extra["component"] = [{"code": _own(config, "antipyretic-kind"),
                                   "valueString": row.antipyretic_kind}]
        out.append(_observation(config, row, "antipyretic", _own(config, "antipyretic"),
                                ("survey", "Survey"), valueBoolean=row.antipyretic, **extra))
    if row.other_text:
        out.append(_observation(config, row, "other", _own(config, "other-symptom"),
                                ("survey", "Survey"), valueString=row.other_text))
    if row.tremor_rating:
        out.append(_observation(config, row, "tremor-rating", _own(config, "tremor-rating"),
                                ("survey", "Survey"), valueCodeableConcept=_own(
                                    config, f"tremor-{row.tremor_rating}")))
    parts = _components(config, row.tremor_features, C.TREMOR_FEATURES + (
        "beyond_baseline", "deviation", "complete", "error"))
    if parts:
        out.append(_observation(config, row, "tremor-features", _own(config, "tremor-features"),
                                ("exam", "Exam"), component=parts))
    if row.handwriting_judgement:
        out.append(_observation(
            config, row, "handwriting-judgement", _own(config, "handwriting-judgement"),
            ("exam", "Exam"),
            valueCodeableConcept=_own(config, f"handwriting-{row.handwriting_judgement}"),
            **({"derivedFrom": [{"reference": f"Media/{row.id}"}]}
               if row.handwriting_strokes else {})))
    parts = _components(config, row.handwriting_features, set(FEATURES_HANDWRITING))
    if parts:
        out.append(_observation(
            config, row, "handwriting-features", _own(config, "handwriting-features"),
            ("exam", "Exam"), component=parts,
            **({"derivedFrom": [{"reference": f"Media/{row.id}"}]}
               if row.handwriting_strokes else {})))
    return out


FEATURES_HANDWRITING = tuple(n for n in FEATURE_NAMES if n not in C.TREMOR_FEATURES
                             and n not in ("components", "baseline_id"))


def svg_of(row: CheckIn) -> str:
    """The handwriting sample drawn as SVG (the same drawing the staff app shows)."""
    return svg.render(row.handwriting_strokes, f"Handwriting sample {row.id}")


def media(config, row: CheckIn) -> list[dict]:
    """The handwriting sample as Media pointing at a Binary SVG."""
    if not row.handwriting_strokes:
        return []
    return [{
        "resourceType": "Media", "id": str(row.id), "meta": meta(row.received_at),
        "status": "completed",
        "type": {"coding": [{"system": C.MEDIA_TYPE, "code": "image", "display": "Image"}]},
        "modality": _own(config, "handwriting-sample"),
        "subject": patient_ref(row.patient_id), "createdDateTime": instant(row.observed_at),
        "issued": instant(row.received_at), "operator": performer(row),
        "content": {"contentType": "image/svg+xml", "url": f"Binary/{row.id}",
                    "title": f"Handwriting sample {row.id}"},
    }]


def binary(config, row: CheckIn) -> dict:
    """The SVG itself, base64 in a Binary whose security context is the patient."""
    data = base64.b64encode(svg_of(row).encode()).decode()
    return {"resourceType": "Binary", "id": str(row.id), "meta": meta(row.received_at),
            "contentType": "image/svg+xml", "securityContext": patient_ref(row.patient_id),
            "data": data}


def observations(config, row: CheckIn) -> list[dict]:
    """Every Observation of one check-in."""
    out = vitals(config, row) + neuro(config, row)
    out += [r for r in ice(config, row) if r["resourceType"] == "Observation"]
    return out


def by_type(config, row: CheckIn, rtype: str) -> list[dict]:
    """One check-in's resources of one type."""
    if rtype == "Observation":
        return observations(config, row)
    if rtype == "QuestionnaireResponse":
        return [r for r in ice(config, row) if r["resourceType"] == rtype]
    if rtype == "Media":
        return media(config, row)
    if rtype == "Binary":
        return [binary(config, row)] if row.handwriting_strokes else []
    return []

