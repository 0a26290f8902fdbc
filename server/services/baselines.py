"""Change a patient's handwriting, tremor or ICE baseline, keeping the history of changes.

A baseline is what the measures and R-ICE-LOW compare against; replacing it silently can hide
a decline. Every change is a `BaselineChange` row with the value it replaced (so the staff app
can undo it or go back to any earlier one) and an audit event (issue 16, finding 3).
"""
from __future__ import annotations

from .. import policy as P
from ..audit import trail as audit
from ..clock import now
from ..errors import field_error
from ..extensions import db
from ..measures import service as measures
from ..models import BaselineChange, Patient, Staff

CHECKIN_KINDS = ("handwriting", "tremor")


def current(patient: Patient, kind: str) -> int | None:
    """The baseline in force: a check-in id, or the ICE score."""
    if kind == "ice":
        return patient.baseline_ice
    return getattr(patient, measures.KINDS[kind][2])


def change(patient: Patient, kind: str, target: int, staff: Staff | None,
           reason: str | None = None) -> BaselineChange | None:
    """Set one baseline (validated), recorded with the value it replaces; None if unchanged."""
    before = current(patient, kind)
    if target == before:
        return None
    if kind == "ice":
        if isinstance(target, bool) or not 0 <= target <= P.ICE_MAX:
            raise field_error("ice", f"must be between 0 and {P.ICE_MAX}")
        patient.baseline_ice = target
        row = BaselineChange(value=target, previous_value=before)
    else:
        measures.set_baseline(patient, kind, target)
        row = BaselineChange(checkin_id=target, previous_checkin_id=before)
    row.patient_id, row.kind, row.at = patient.id, kind, now()
    row.staff_id = staff.id if staff is not None else None
    row.reason = reason
    db.session.add(row)
    audit.record("measures.baseline.set", patient_id=patient.id,
                 detail={"kind": kind, "old": before, "new": target})
    return row


def history(patient: Patient, limit: int = 200) -> list[BaselineChange]:
    """A patient's baseline changes, newest first."""
    return list(db.session.execute(
        db.select(BaselineChange).where(BaselineChange.patient_id == patient.id)
        .order_by(BaselineChange.at.desc(), BaselineChange.id.desc()).limit(limit)
    ).scalars())


def handles(staff_ids: set[int]) -> dict[int, str]:
    """Staff handles by id, read once for a whole history."""
    if not staff_ids:
        return {}
    return dict(db.session.execute(
        db.select(Staff.id, Staff.handle).where(Staff.id.in_(staff_ids))).all())
