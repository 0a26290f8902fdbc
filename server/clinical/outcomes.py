"""Record and amend an escalation's registry outcomes: ASTCT grades and dated treatments.

The schema at the edge (api/schemas/outcomes.py) checks the shapes: grades 1–4, known
treatment codes. What needs the patient is checked here: a treatment's date is a calendar day
in the patient's zone, not after today there and not before the infusion day. Every write
is audited with the escalation and the names of the fields that changed (no values: the
audit trail holds references only).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ..audit import trail as audit
from ..calendar import local_date
from ..clock import now
from ..domain_errors import InvalidInput
from ..extensions import db
from ..models import Escalation, Patient, Staff
from ..models.outcomes import EscalationOutcome

FIELDS = ("crs_grade", "icans_grade", "treatments")


def given(data: dict[str, Any]) -> bool:
    """Whether a resolve body carries any outcome field."""
    return any(data.get(name) not in (None, []) for name in FIELDS)


def check_dates(patient: Patient, treatments: list[dict[str, Any]], at: dt.datetime) -> None:
    """Refuse (422, naming `treatments.N.date`) a date after today or before the infusion day."""
    today = local_date(at, patient.timezone)
    day0 = local_date(patient.infused_at, patient.timezone)
    problems: dict[str, list[str]] = {}
    for i, item in enumerate(treatments):
        if item["date"] > today:
            problems[f"treatments.{i}.date"] = ["must not be in the future"]
        elif item["date"] < day0:
            problems[f"treatments.{i}.date"] = ["must not be before the infusion day"]
    if problems:
        raise InvalidInput(problems)


def _normalised(treatments: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Distinct {code, date} items as stored: ISO dates, sorted by date then code."""
    pairs = sorted({(item["date"].isoformat(), item["code"]) for item in treatments})
    return [{"code": code, "date": day} for day, code in pairs]


def of(escalation_id: int) -> EscalationOutcome | None:
    """The escalation's recorded outcomes, if any."""
    return db.session.execute(db.select(EscalationOutcome).where(
        EscalationOutcome.escalation_id == escalation_id)).scalar_one_or_none()


def store(escalation: Escalation, staff: Staff, data: dict[str, Any],
          at: dt.datetime | None = None) -> EscalationOutcome:
    """Write the whole record (absent fields are cleared), in the caller's transaction."""
    at = at or now()
    treatments = data.get("treatments") or []
    check_dates(escalation.patient, treatments, at)
    values = {"crs_grade": data.get("crs_grade"), "icans_grade": data.get("icans_grade"),
              "treatments": _normalised(treatments)}
    row = of(escalation.id)
    if row is None:
        row = EscalationOutcome(escalation_id=escalation.id, patient_id=escalation.patient_id,
                                recorded_at=at, recorded_by_id=staff.id, treatments=[])
        db.session.add(row)
        changed = sorted(name for name, value in values.items() if value not in (None, []))
        action = "escalation.outcomes.record"
    else:
        changed = sorted(name for name, value in values.items() if getattr(row, name) != value)
        action = "escalation.outcomes.amend"
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at, row.updated_by_id = at, staff.id
    audit.record(action, patient_id=escalation.patient_id,
                 detail={"escalation": escalation.id, "fields": changed})
    return row


def describe(row: EscalationOutcome | None) -> dict[str, Any]:
    """The record as the API returns it (empty when nothing was recorded)."""
    if row is None:
        return {"crs_grade": None, "icans_grade": None, "treatments": [],
                "recorded_at": None, "updated_at": None, "updated_by_id": None}
    return {"crs_grade": row.crs_grade, "icans_grade": row.icans_grade,
            "treatments": list(row.treatments or []), "recorded_at": row.recorded_at,
            "updated_at": row.updated_at, "updated_by_id": row.updated_by_id}
