"""Small helpers every mapping shares: FHIR instants, references, meta."""
from __future__ import annotations

import datetime as dt

from ..models import CheckIn

# Every resource type the API serves, in the CapabilityStatement's order.
RESOURCE_TYPES = ("Patient", "RelatedPerson", "Observation", "QuestionnaireResponse", "Media",
                  "Binary", "Flag", "DetectedIssue", "Communication", "Questionnaire",
                  "CodeSystem")
# Types that hold one patient's data (searched and exported by patient)
PATIENT_TYPES = ("Patient", "RelatedPerson", "Observation", "QuestionnaireResponse", "Media",
                 "Binary", "Flag", "DetectedIssue", "Communication")


def instant(value: dt.datetime | None) -> str | None:
    """A FHIR instant in UTC with the stored precision (what round-trips exactly)."""
    if value is None:
        return None
    value = value.astimezone(dt.UTC)
    text = value.isoformat(timespec="microseconds" if value.microsecond else "seconds")
    return text.replace("+00:00", "Z")


def parse_instant(text: str) -> dt.datetime:
    """Read back an instant this module wrote (tests and _since)."""
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(dt.UTC)


def meta(last_updated: dt.datetime, profile: str | None = None) -> dict:
    """meta.lastUpdated (and a profile when the resource claims one)."""
    out = {"lastUpdated": instant(last_updated)}
    if profile:
        out["profile"] = [profile]
    return out


def patient_ref(patient_id: int) -> dict:
    """A reference to a Patient."""
    return {"reference": f"Patient/{patient_id}"}


def performer(checkin: CheckIn) -> dict:
    """Who recorded a check-in: the patient, or the caregiver whose phone sent it."""
    device = checkin_device(checkin)
    if checkin.recorded_by == "caregiver" and device is not None and device.caregiver_id:
        return {"reference": f"RelatedPerson/{device.caregiver_id}"}
    return patient_ref(checkin.patient_id)


def checkin_device(checkin: CheckIn):
    """The device row of a check-in (loaded in bulk by the repository)."""
    return getattr(checkin, "_fhir_device", None)
