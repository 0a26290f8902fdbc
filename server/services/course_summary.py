"""The facts of one patient's course for the summary PDF: calendar, series, samples, alerts.

Generated on demand from the stored course, never stored itself: a second copy of the chart
would need its own retention and access rules, and a summary read before the end would
otherwise go stale. The summary is *final* once monitoring is over — staff ended it
(`monitoring_ended_at`) or the window (infusion day + window_days, whole days in the
patient's zone, as `schedule.active` counts slots) has passed — and *interim* before; the
staff timeline carries the same flag (`summary_final`) so the patient page can say which.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..calendar import local_date, zone
from ..clinical import outcomes, rules
from ..clock import now
from ..extensions import db
from ..models import CheckIn, Escalation, EscalationEvent, Patient, Staff
from . import quality

FINDING_TEXT = {rule.reason: rule.finding for rule in rules.RULES}


@dataclass(frozen=True)
class Sample:
    """A handwriting sample to draw: its check-in, when written, and the strokes."""

    checkin_id: int
    observed_at: dt.datetime
    strokes: dict[str, Any]


def window_end(patient: Patient) -> dt.datetime:
    """The end of the monitoring window: midnight after day `window_days`, patient's zone."""
    day0 = local_date(patient.infused_at, patient.timezone)
    last = day0 + dt.timedelta(days=patient.window_days + 1)
    return dt.datetime.combine(last, dt.time(), tzinfo=zone(patient.timezone)).astimezone(dt.UTC)


def monitoring_end(patient: Patient) -> dt.datetime:
    """When monitoring ends (or ended): staff's end, or the end of the window if earlier."""
    end = window_end(patient)
    return min(end, patient.monitoring_ended_at) if patient.monitoring_ended_at else end


def is_final(patient: Patient, at: dt.datetime | None = None) -> bool:
    """Whether monitoring is over, so the summary is the final one for the chart."""
    return monitoring_end(patient) <= (at or now())


def _samples(patient: Patient, checkins: list[CheckIn]) -> dict[str, Sample | None]:
    with_writing = [c for c in checkins if c.handwriting_strokes]
    baseline = next((c for c in with_writing
                     if c.id == patient.baseline_handwriting_checkin_id), None)
    others = [c for c in with_writing if baseline is None or c.id != baseline.id]
    picked = {"baseline": baseline, "first": others[0] if others else None,
              "latest": others[-1] if len(others) > 1 else None}
    return {k: Sample(c.id, c.observed_at, c.handwriting_strokes) if c else None
            for k, c in picked.items()}


def _staff_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {s.id: f"{s.name} ({s.handle})" for s in db.session.execute(
        db.select(Staff).where(Staff.id.in_(ids))).scalars()}


def _escalations(patient: Patient) -> list[dict[str, Any]]:
    rows = list(db.session.execute(db.select(Escalation).where(
        Escalation.patient_id == patient.id).order_by(Escalation.opened_at)).scalars())
    acks: dict[int, EscalationEvent] = {}
    if rows:
        for event in db.session.execute(db.select(EscalationEvent).where(
                EscalationEvent.escalation_id.in_([e.id for e in rows]),
                EscalationEvent.kind == "acknowledged").order_by(EscalationEvent.at)).scalars():
            acks.setdefault(event.escalation_id, event)
    names = _staff_names({a.staff_id for a in acks.values() if a.staff_id}
                         | {e.resolved_by_id for e in rows if e.resolved_by_id})
    out = []
    for e in rows:
        ack = acks.get(e.id)  # the first acknowledgement (an undo or lapse keeps it)
        out.append({
            "id": e.id, "severity": e.severity, "state": e.state,
            "syndromes": list(e.syndromes or []), "reasons": list(e.reasons or []),
            "opened_at": e.opened_at, "acknowledged_at": ack.at if ack else None,
            "acknowledged_by": names.get(ack.staff_id) if ack and ack.staff_id else None,
            "resolved_at": e.resolved_at, "resolved_by": names.get(e.resolved_by_id),
            "outcome": e.outcome, "note": e.note, "registry": outcomes.describe(outcomes.of(e.id)),
        })
    return out


def _adherence(patient: Patient, at: dt.datetime) -> dict[str, Any]:
    """Due vs answered slots over the whole course so far (services/quality.py's counting)."""
    tz = patient.centre.timezone
    first = local_date(patient.enrolled_at, tz)
    last = local_date(min(at, monitoring_end(patient)), tz)
    per = quality.period(first, max(first, last), tz, at)
    row = quality.adherence(patient.centre, [patient], per)[0]
    return {"due": row["due"], "answered": row["answered"], "share": row["adherence"]}


def facts(patient: Patient) -> dict[str, Any]:
    """Everything the summary shows, read in a few queries."""
    at = now()
    checkins = list(db.session.execute(db.select(CheckIn).where(
        CheckIn.patient_id == patient.id).order_by(CheckIn.observed_at, CheckIn.id)).scalars())
    return {
        "patient": patient, "centre": patient.centre, "generated_at": at,
        "final": is_final(patient, at), "window_end": window_end(patient),
        "monitoring_end": monitoring_end(patient),
        "fever_c": rules.effective_thresholds(patient.centre)["fever_c"],
        "baseline_ice": patient.baseline_ice,
        "temperatures": [(c.observed_at, c.temperature_c) for c in checkins
                         if c.temperature_c is not None],
        "ice": [(c.observed_at, c.ice_total) for c in checkins if c.ice_total is not None],
        "samples": _samples(patient, checkins),
        "escalations": _escalations(patient),
        "adherence": _adherence(patient, at),
    }
