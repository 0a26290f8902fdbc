"""Code systems and the conformance resources we serve: LOINC vital signs, our own CodeSystem,
the ICE Questionnaire. Every clinical number comes from server/policy.py."""
from __future__ import annotations

from .. import policy as P
from ..clinical.rules import RULES
from ..measures.service import FEATURE_NAMES

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
MEDIA_TYPE = "http://terminology.hl7.org/CodeSystem/media-type"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
FLAG_DETAIL = "http://hl7.org/fhir/StructureDefinition/flag-detail"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
VITAL_PROFILE = "http://hl7.org/fhir/StructureDefinition/vitalsigns"
CODESYSTEM_ID = "cartwatch"
QUESTIONNAIRE_ID = "ice"

# kind -> (LOINC code, display, profile, UCUM code) of the FHIR R4 vital-signs profiles
VITALS = {
    "temperature": ("8310-5", "Body temperature", "bodytemp", None),  # Cel or [degF] as entered
    "heart_rate": ("8867-4", "Heart rate", "heartrate", "/min"),
    "bp": ("85354-9", "Blood pressure panel with all children optional", "bp", "mm[Hg]"),
    "spo2": ("2708-6", "Oxygen saturation in Arterial blood", "oxygensat", "%"),
    "respiratory_rate": ("9279-1", "Respiratory rate", "resprate", "/min"),
}
SYSTOLIC = ("8480-6", "Systolic blood pressure")
DIASTOLIC = ("8462-4", "Diastolic blood pressure")
SPO2_PULSE_OX = ("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry")
TEMPERATURE_UCUM = {"C": ("Cel", "°C"), "F": ("[degF]", "°F")}

ICE_ITEM_TEXT = {
    "orientation": "Orientation: year, month, city, hospital (or place of care)",
    "naming": "Naming three objects shown",
    "commands": "Following simple commands",
    "writing": "Writing a standard sentence",
    "attention": "Attention: counting backwards from 100 by 10",
}
ADMINISTRATION = {"self": "Self-administered ICE check (patient alone, app-scored)",
                  "caregiver": "Caregiver-led ICE check (caregiver asks and scores)"}
SEVERITY_TO_FHIR = {"routine": "low", "urgent": "moderate", "emergency": "high"}
TREMOR_FEATURES = ("samples", "duration_s", "rate_hz", "rms", "band_rms", "band_fraction",
                   "dominant_hz", "ratio")


def base_url(config) -> str:
    """The FHIR base every canonical URL and reference is built on."""
    return config["PUBLIC_URL"].rstrip("/") + "/fhir/R4"


def codesystem_url(config) -> str:
    """Our CodeSystem's canonical URL (served at CodeSystem/cartwatch)."""
    return f"{base_url(config)}/CodeSystem/{CODESYSTEM_ID}"


def concepts() -> list[dict]:
    """Every code of our CodeSystem: checks, items, symptoms, features, rules, severities."""
    out = [{"code": "ice-total", "display": f"ICE score total (0–{P.ICE_MAX})"}]
    out += [{"code": f"ice-{item}", "display": f"ICE {text} ({P.ICE_ITEMS[item]} points)"}
            for item, text in ICE_ITEM_TEXT.items()]
    out += [{"code": f"ice-administration-{k}", "display": v} for k, v in ADMINISTRATION.items()]
    out += [{"code": f"symptom-{s}", "display": f"Symptom reported: {s.replace('_', ' ')}"}
            for s in P.SYMPTOMS]
    out += [{"code": "tremor-rating", "display": "Tremor self-rating"}]
    out += [{"code": f"tremor-{r}", "display": f"Tremor: {r}"} for r in P.TREMOR_RATINGS]
    out += [{"code": "tremor-features", "display": "Measured tremor (accelerometer) features"}]
    out += [{"code": "handwriting-judgement", "display": "Handwriting judged against baseline"}]
    out += [{"code": f"handwriting-{j}", "display": f"Handwriting: {j.replace('_', ' ')}"}
            for j in P.HANDWRITING_JUDGEMENTS]
    out += [{"code": "handwriting-features", "display": "Measured handwriting features"}]
    out += [{"code": f"feature-{name}", "display": f"Measured feature {name}"}
            for name in FEATURE_NAMES]
    out += [{"code": "antipyretic", "display": "Fever medicine taken in the last 6 h"},
            {"code": "antipyretic-kind", "display": "Which fever medicine"},
            {"code": "other-symptom", "display": "Something else, in their own words"},
            {"code": "handwriting-sample", "display": "Handwriting sample (SVG)"},
            {"code": "escalation", "display": "CARTwatch escalation"},
            {"code": "caregiver", "display": "Caregiver enrolled in CARTwatch"},
            {"code": "notification", "display": "CARTwatch notification (Web Push)"}]
    out += [{"code": f"severity-{s}", "display": f"Severity {s}"} for s in P.SEVERITIES]
    out += [{"code": rule.id, "display": rule.finding} for rule in RULES]
    out += [{"code": f"reason-{rule.reason}", "display": f"Reason {rule.reason}"}
            for rule in RULES]
    out += [{"code": f"syndrome-{s}", "display": s} for s in ("CRS", "ICANS")]
    out += [{"code": f"outcome-{o}", "display": o.replace("_", " ")} for o in
            ("advice_at_home", "came_to_hospital", "admitted", "false_alarm", "other")]
    out += [{"code": "acknowledged", "display": "Acknowledged by centre staff"}]
    from ..models.outbox import PURPOSES

    out += [{"code": f"purpose-{p}", "display": f"Notification: {p}"} for p in PURPOSES]
    seen, unique = set(), []
    for concept in out:  # a reason and a rule share no code, but be sure
        if concept["code"] not in seen:
            seen.add(concept["code"])
            unique.append(concept)
    return unique


def codesystem(config) -> dict:
    """The CodeSystem resource (no LOINC code exists for ICE or our measured features)."""
    items = concepts()
    return {"resourceType": "CodeSystem", "id": CODESYSTEM_ID, "url": codesystem_url(config),
            "version": f"policy-{P.POLICY_VERSION}", "name": "CARTwatch", "status": "active",
            "content": "complete", "caseSensitive": True, "count": len(items),
            "description": "Codes of CARTwatch checks, symptoms, measured features and rules "
                           f"(clinical policy v{P.POLICY_VERSION}).",
            "concept": items}


def coding(config, code: str) -> dict:
    """A Coding of our CodeSystem."""
    return {"system": codesystem_url(config), "code": code}


def questionnaire_url(config) -> str:
    """The ICE Questionnaire's canonical URL."""
    return f"{base_url(config)}/Questionnaire/{QUESTIONNAIRE_ID}"


def questionnaire(config) -> dict:
    """The ICE check (POLICY.md, 10 points) as a Questionnaire: its items and their points."""
    items = []
    for item, text in ICE_ITEM_TEXT.items():
        points = P.ICE_ITEMS[item]
        items.append({
            "linkId": item, "text": f"{text} ({points} point{'s' if points > 1 else ''})",
            "type": "integer", "required": True, "code": [coding(config, f"ice-{item}")],
            "extension": [{"url": MIN_VALUE, "valueInteger": 0},
                          {"url": MAX_VALUE, "valueInteger": points}]})
    items.append({"linkId": "administration", "text": "Who asked", "type": "choice",
                  "required": True, "answerOption": [
                      {"valueCoding": {**coding(config, f"ice-administration-{k}"),
                                       "display": v}} for k, v in ADMINISTRATION.items()]})
    items.append({"linkId": "total", "text": f"ICE score (0–{P.ICE_MAX})", "type": "integer",
                  "readOnly": True, "code": [coding(config, "ice-total")]})
    return {"resourceType": "Questionnaire", "id": QUESTIONNAIRE_ID,
            "url": questionnaire_url(config), "version": f"policy-{P.POLICY_VERSION}",
            "name": "ICEScore", "title": "ICE score (immune effector cell-associated "
            "encephalopathy)", "status": "active", "subjectType": ["Patient"],
            "description": "10 = normal; 7–9 = ICANS grade 1; 3–6 = grade 2; 0–2 = grade 3 "
                           "(Lee et al. 2019).", "item": items}
