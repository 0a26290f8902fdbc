"""A patient's check-ins, symptoms and escalations on one time axis, and the centre overview."""
from __future__ import annotations

import datetime as dt
from typing import Any

from .. import policy as P
from ..audit import trail as audit
from ..calendar import day_number, local_iso
from ..clinical import rules, schedule
from ..clock import now
from ..extensions import db
from ..models import CheckIn, Escalation, Patient, Staff
from . import device_readings
from .checkins import LATE_AFTER
from .course_summary import is_final
from .patients import with_caregiver_phone

SEVERITY_RANK = {"emergency": 0, "urgent": 1, "routine": 2}
MAX_POINTS = 600  # about 100 days of three check-ins a day, with room for extra entries


def _local(at: dt.datetime | None, tz: str) -> str | None:
    return local_iso(at, tz) if at is not None else None


def _scalars(features: dict[str, Any] | None) -> dict[str, Any] | None:
    """A measure's figures without raw arrays: numbers, flags and one level of sub-figures."""
    if not features:
        return None
    out: dict[str, Any] = {}
    for key, value in features.items():
        if isinstance(value, bool | int | float | str) or value is None:
            out[key] = value
        elif isinstance(value, dict):
            out[key] = {k: v for k, v in value.items() if isinstance(v, bool | int | float)}
    return out


def _checkin_point(c: CheckIn, tz: str) -> dict[str, Any]:
    return {
        "id": c.id, "recorded_by": c.recorded_by,
        "observed_at": c.observed_at, "observed_local": _local(c.observed_at, tz),
        "received_at": c.received_at,
        "late": c.received_at - c.observed_at > LATE_AFTER,
        "temperature_c": c.temperature_c, "temperature_value": c.temperature_value,
        "temperature_unit": c.temperature_unit,
        "ice_total": c.ice_total, "ice": c.ice,
        "ice_self": c.ice_self,
        "heart_rate": c.heart_rate, "systolic_bp": c.systolic_bp, "spo2": c.spo2,
        "respiratory_rate": c.respiratory_rate,
        "tremor_rating": c.tremor_rating,
        "tremor": _scalars(c.tremor_features),
        "handwriting_judgement": c.handwriting_judgement,
        "has_handwriting": c.handwriting_strokes is not None,
        "handwriting": _scalars(c.handwriting_features),
        "symptoms": list(c.symptoms or []),
        "antipyretic": c.antipyretic, "antipyretic_kind": c.antipyretic_kind,
        "other": c.other_text,
        "devices": device_readings.models(c.device_readings),
    }


def escalation_view(e: Any, tz: str) -> dict[str, Any]:
    """An escalation's fields for a timeline or overview, times in UTC and patient-local."""
    return {
        "id": e.id, "state": e.state, "severity": e.severity,
        "syndromes": list(e.syndromes or []), "reasons": list(e.reasons or []),
        "opened_at": e.opened_at, "opened_local": _local(e.opened_at, tz),
        "raised_at": getattr(e, "raised_at", None),
        "observed_at": getattr(e, "observed_at", None),
        "observed_local": _local(getattr(e, "observed_at", None), tz),
        "acknowledged_at": getattr(e, "acknowledged_at", None),
        "resolved_at": getattr(e, "resolved_at", None),
        "resolved_local": _local(getattr(e, "resolved_at", None), tz),
        "outcome": getattr(e, "outcome", None),
    }


def _escalations(patient_id: int) -> list[Any]:
    return list(db.session.execute(
        db.select(Escalation).where(Escalation.patient_id == patient_id)
        .order_by(Escalation.opened_at)
    ).scalars())


def thresholds(patient: Patient) -> dict[str, Any]:
    """The lines the charts draw: the centre's effective thresholds when the engine has them."""
    values = dict(rules.effective_thresholds(patient.centre))
    values["baseline_ice"] = patient.baseline_ice
    return values


def patient_timeline(patient: Patient) -> dict[str, Any]:
    """Everything the timeline screen draws for one patient, audited as one read."""
    tz = patient.timezone
    rows = list(db.session.execute(
        db.select(CheckIn).where(CheckIn.patient_id == patient.id)
        .order_by(CheckIn.observed_at.desc(), CheckIn.id.desc()).limit(MAX_POINTS)
    ).scalars())
    rows.reverse()
    points = [_checkin_point(c, tz) for c in rows]
    symptoms = [{"at": p["observed_at"], "local": p["observed_local"], "checkin_id": p["id"],
                 "symptom": s} for p in points for s in p["symptoms"]]
    escalations = [escalation_view(e, tz) for e in _escalations(patient.id)]
    current = now()
    audit.record("timeline.read", patient_id=patient.id)
    return {
        "patient": {
            "id": patient.id, "code": patient.code, "display_name": patient.display_name,
            "timezone": tz, "product": patient.product, "window_days": patient.window_days,
            "day": day_number(patient.infused_at, current, tz),
            "infused_at": patient.infused_at, "infused_local": _local(patient.infused_at, tz),
            "monitoring_ended_at": patient.monitoring_ended_at,
            "baseline_ice": patient.baseline_ice,
            "caregiver_enrolled": patient.id in with_caregiver_phone([patient.id]),
            "baseline_handwriting_checkin_id": patient.baseline_handwriting_checkin_id,
            "baseline_tremor_checkin_id": patient.baseline_tremor_checkin_id,
            "summary_final": _summary_final(patient, current),
        },
        "now": current, "now_local": _local(current, tz),
        "thresholds": thresholds(patient),
        "checkins": points, "symptoms": symptoms, "escalations": escalations,
    }


def _summary_final(patient: Patient, at: dt.datetime) -> bool:
    """Whether the course summary PDF is the final one (monitoring over): course_summary."""
    return is_final(patient, at)


def next_due_slot(patient: Patient, at: dt.datetime) -> dt.datetime | None:
    """The earliest slot still open: not yet satisfied and not yet past its missed time."""
    longest = dt.timedelta(minutes=max(P.MISSED_AFTER_MINUTES.values()))
    slot = schedule.next_slot(patient, at - longest)
    for _ in range(8):  # a few slots at most: the ones due now and the next one
        if slot is None:
            return None
        missed_at = slot + schedule.grace(schedule.slot_day(patient, slot))
        if missed_at >= at and not schedule.satisfied(patient, slot):
            return slot
        slot = schedule.next_slot(patient, slot + dt.timedelta(seconds=1))
    return slot


def overview(staff: Staff) -> list[dict[str, Any]]:
    """The centre's patients with day N, last check-in, next slot and open escalation."""
    patients = list(db.session.execute(
        db.select(Patient).where(Patient.centre_id == staff.centre_id).order_by(Patient.code)
    ).scalars())
    ids = [p.id for p in patients]
    last = dict(db.session.execute(
        db.select(CheckIn.patient_id, db.func.max(CheckIn.observed_at))
        .where(CheckIn.patient_id.in_(ids)).group_by(CheckIn.patient_id)
    ).all()) if ids else {}
    open_by_patient = _open_escalations(ids)
    current = now()
    out = []
    for p in patients:
        tz = p.timezone
        esc = open_by_patient.get(p.id)
        due = next_due_slot(p, current)
        last_at = last.get(p.id)
        out.append({
            "id": p.id, "code": p.code, "display_name": p.display_name, "timezone": tz,
            "product": p.product, "day": day_number(p.infused_at, current, tz),
            "window_days": p.window_days, "monitoring_ended_at": p.monitoring_ended_at,
            "last_checkin_at": last_at, "last_checkin_local": _local(last_at, tz),
            "next_due_at": due, "next_due_local": _local(due, tz),
            "open_escalation": escalation_view(esc, tz) if esc is not None else None,
        })
    out.sort(key=lambda r: (SEVERITY_RANK.get((r["open_escalation"] or {}).get("severity"), 9),
                            r["code"]))
    audit.record_list_read("patient.overview", [row["id"] for row in out])
    return out


def _open_escalations(ids: list[int]) -> dict[int, Any]:
    if not ids:
        return {}
    rows = db.session.execute(
        db.select(Escalation).where(Escalation.patient_id.in_(ids),
                                    Escalation.state != "resolved")
        .order_by(Escalation.opened_at)
    ).scalars()
    return {e.patient_id: e for e in rows}
