"""Patient and RelatedPerson: identified by the patient code; names only if the centre says."""
from __future__ import annotations

from ..models import Caregiver, Patient
from .codes import base_url, coding
from .common import meta, patient_ref


def patient(config, row: Patient) -> dict:
    """A Patient: the code as identifier; the name only with the centre's fhir_share_names."""
    out = {
        "resourceType": "Patient", "id": str(row.id), "meta": meta(row.created_at),
        "identifier": [{"system": f"{base_url(config)}/patient-code", "value": row.code}],
        "active": row.monitoring_ended_at is None,
    }
    if row.centre.fhir_share_names:
        out["name"] = [{"text": row.display_name}]
    return out


def related_person(config, row: Caregiver) -> dict:
    """A caregiver as RelatedPerson of its patient."""
    out = {
        "resourceType": "RelatedPerson", "id": str(row.id), "meta": meta(row.created_at),
        "active": True, "patient": patient_ref(row.patient_id),
        "relationship": [{"coding": [{**coding(config, "caregiver"),
                                      "display": "Caregiver enrolled in CARTwatch"}]}],
    }
    if row.patient.centre.fhir_share_names:
        out["name"] = [{"text": row.display_name}]
    return out
