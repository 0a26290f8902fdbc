"""A centre's alarm burden and responsiveness over a period: the centre quality page.

Alarm fatigue sank a published remote-monitoring programme; a centre lead needs its own
numbers before tuning thresholds. Everything here is read-only and centre-scoped: the
caller passes its centre and a `Period` (local dates of the centre, cut at now).

Definitions (documented so the figures can be checked by hand):
- patient-days: for each patient, the time monitored inside the period, in days
  (fractional): from max(enrolment, period start) to min(end of window — infusion day +
  window_days, whole — , monitoring end, period end).
- an escalation belongs to the period when it was opened in it; its rules are the rule ids
  of its findings; its severity is the stored (highest) severity.
- time to acknowledge: opened to the FIRST `acknowledged` event (an undo or lapse does not
  reset it); time to resolve: opened to resolved. Median is the usual median, p90 the
  nearest-rank 90th percentile; hours, None when there is nothing to measure.
- tier 1 share: among escalations ever acknowledged, the share whose first acknowledger is
  (now) on tier 1.
- lapsed: escalations with at least one `ack_lapsed` event; undeliverable: `undeliverable_at`.
- adherence: due slots (schedule.py's plan: the centre's times, active window) whose due time
  fell in the period and before now; answered when a check-in was observed in the slot's
  window (60 min before until its missed-check-in time), as `schedule.satisfied` counts it.
"""
from __future__ import annotations

import bisect
import datetime as dt
import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import DateTime, or_, type_coerce

from .. import policy as P
from ..calendar import local_date, zone
from ..clinical import schedule
from ..extensions import db
from ..models import CheckIn, Escalation, EscalationEvent, Finding, Patient, Staff
from ..models.clinical import OUTCOMES

DAY = dt.timedelta(days=1)
MAX_PERIOD_DAYS = 366
EARLY = dt.timedelta(minutes=P.SLOT_EARLY_MINUTES)
GRACE_ACUTE = schedule.grace(0)  # schedule.grace, the two values it takes
GRACE_LATE = schedule.grace(P.MISSED_ACUTE_LAST_DAY + 1)
PARTS = ("checkins", "with_temperature", "with_vitals", "with_ice")  # parts completed


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC, from the centre's local dates `first`..`last` (inclusive);
    `until` is end cut at now, for what can only have been due in the past (days, slots)."""

    first: dt.date
    last: dt.date
    start: dt.datetime
    end: dt.datetime
    until: dt.datetime


def period(first: dt.date, last: dt.date, tz: str, at: dt.datetime) -> Period:
    """The period of local dates first..last in zone `tz`, its end cut at `at` (now)."""
    z = zone(tz)
    start = dt.datetime.combine(first, dt.time(), tzinfo=z).astimezone(dt.UTC)
    end = dt.datetime.combine(last + DAY, dt.time(), tzinfo=z).astimezone(dt.UTC)
    return Period(first, last, start, end, max(start, min(end, at)))


def _hours(delta: dt.timedelta) -> float:
    return delta.total_seconds() / 3600


def p90(values: list[float]) -> float | None:
    """Nearest-rank 90th percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _rounded(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)


def _monitored(patient: Patient, per: Period) -> tuple[dt.datetime, dt.datetime] | None:
    z = zone(patient.timezone)
    day0 = local_date(patient.infused_at, patient.timezone)
    window_end = dt.datetime.combine(day0 + dt.timedelta(days=patient.window_days + 1),
                                     dt.time(), tzinfo=z).astimezone(dt.UTC)
    ends = [window_end, per.until]
    if patient.monitoring_ended_at is not None:
        ends.append(patient.monitoring_ended_at)
    start, end = max(patient.enrolled_at, per.start), min(ends)
    return (start, end) if end > start else None


def patient_days(patients: list[Patient], per: Period) -> float:
    """Monitored time of these patients inside the period, in days."""
    total = dt.timedelta()
    for patient in patients:
        span = _monitored(patient, per)
        if span:
            total += span[1] - span[0]
    return total / DAY


def due_slots(patient: Patient, per: Period, periods) -> list[tuple[dt.datetime, int]]:
    """(slot as naive UTC, day since infusion) of the patient's active slots due in the period.

    The schedule's own calendar (`schedule.hours_for_day`) with `schedule.active`'s
    conditions written out: the day is known from the loop, so it is not derived again
    per slot (this is the page's hot loop: 500 patients x 30 days).
    """
    span = _monitored(patient, per)
    if span is None:
        return []
    z = zone(patient.timezone)
    day0 = local_date(patient.infused_at, patient.timezone)
    date = local_date(span[0], patient.timezone)
    last = local_date(span[1], patient.timezone)
    window, enrolled, ended = patient.window_days, patient.enrolled_at, patient.monitoring_ended_at
    times = {}
    slots = []
    while date <= last:
        day = (date - day0).days
        for text in schedule.hours_for_day(day, window, periods):
            if text not in times:
                hour, minute = text.split(":")
                times[text] = dt.time(int(hour), int(minute))
            slot = dt.datetime.combine(date, times[text], tzinfo=z).astimezone(dt.UTC)
            if (per.start <= slot < per.until and slot >= enrolled
                    and (ended is None or slot < ended)):
                slots.append((slot.replace(tzinfo=None), day))  # naive UTC, as stored
        date += DAY
    return slots


def _answered(slot: dt.datetime, day: int, observed: list[dt.datetime]) -> bool:
    early = slot - EARLY
    late = slot + (GRACE_ACUTE if day <= P.MISSED_ACUTE_LAST_DAY else GRACE_LATE)
    i = bisect.bisect_left(observed, early)
    return i < len(observed) and observed[i] <= late


def adherence(centre, patients: list[Patient], per: Period) -> list[dict]:
    """Per patient: due slots in the period, answered, share answered (None when none due),
    and the parts completed: check-ins observed in the period, and how many carried a
    temperature, any vital sign (heart rate, blood pressure, SpO2, breathing rate) or an ICE."""
    periods = schedule.periods_of(centre)
    ids = [p.id for p in patients]
    seen: dict[int, list[dt.datetime]] = defaultdict(list)
    parts: dict[int, Counter] = defaultdict(Counter)
    start, until = per.start.replace(tzinfo=None), per.end.replace(tzinfo=None)
    if ids:
        vitals = or_(CheckIn.heart_rate.is_not(None), CheckIn.systolic_bp.is_not(None),
                     CheckIn.spo2.is_not(None), CheckIn.respiratory_rate.is_not(None))
        rows = db.session.execute(
            # naive UTC as stored: 30 000 rows need no time zone attached one by one
            db.select(CheckIn.patient_id, type_coerce(CheckIn.observed_at, DateTime()),
                      CheckIn.temperature_c.is_not(None), vitals, CheckIn.ice_total.is_not(None))
            .where(CheckIn.patient_id.in_(ids),
                   CheckIn.observed_at >= per.start - EARLY,
                   CheckIn.observed_at <= per.until + dt.timedelta(
                       minutes=max(P.MISSED_AFTER_MINUTES.values())))
            .order_by(CheckIn.patient_id, CheckIn.observed_at))
        for patient_id, observed_at, temperature, vital, ice in rows:
            seen[patient_id].append(observed_at)
            if start <= observed_at < until:
                parts[patient_id].update(checkins=1, with_temperature=bool(temperature),
                                         with_vitals=bool(vital), with_ice=bool(ice))
    table = []
    for patient in patients:
        slots = due_slots(patient, per, periods)
        observed = seen.get(patient.id, [])
        answered = sum(_answered(slot, day, observed) for slot, day in slots)
        table.append({"patient_id": patient.id, "code": patient.code, "due": len(slots),
                      "answered": answered,
                      "adherence": round(answered / len(slots), 4) if slots else None,
                      **{k: parts[patient.id][k] for k in PARTS}})
    return table


def _escalations(centre_id: int, per: Period) -> list:
    """The period's escalations, only the columns the figures read (rows, not objects)."""
    return list(db.session.execute(
        db.select(Escalation.id, Escalation.severity, Escalation.opened_at,
                  Escalation.resolved_at, Escalation.undeliverable_at, Escalation.outcome)
        .join(Patient, Patient.id == Escalation.patient_id).where(
            Patient.centre_id == centre_id, Escalation.opened_at >= per.start,
            Escalation.opened_at < per.end).order_by(Escalation.id)))


def _first_acks(ids: list[int]) -> dict[int, tuple[dt.datetime, int | None]]:
    first: dict[int, tuple[dt.datetime, int | None]] = {}
    if not ids:
        return first
    rows = db.session.execute(
        db.select(EscalationEvent.escalation_id, EscalationEvent.at, Staff.tier)
        .outerjoin(Staff, Staff.id == EscalationEvent.staff_id)
        .where(EscalationEvent.escalation_id.in_(ids), EscalationEvent.kind == "acknowledged")
        .order_by(EscalationEvent.at, EscalationEvent.id))
    for escalation_id, at, tier in rows:
        first.setdefault(escalation_id, (at, tier))
    return first


def _lapsed(ids: list[int]) -> set[int]:
    if not ids:
        return set()
    return set(db.session.execute(
        db.select(EscalationEvent.escalation_id).where(
            EscalationEvent.escalation_id.in_(ids),
            EscalationEvent.kind == "ack_lapsed")).scalars())


def _rules_of(ids: list[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    if ids:
        for escalation_id, rule_id in db.session.execute(
                db.select(Finding.escalation_id, Finding.rule_id)
                .where(Finding.escalation_id.in_(ids))):
            found[escalation_id].add(rule_id)
    return found


def _group(rows: list, days: float, acks, lapsed: set[int]) -> dict:
    """The figures of one group of escalations (the whole centre, or one rule)."""
    ack_hours = [_hours(acks[e.id][0] - e.opened_at) for e in rows if e.id in acks]
    resolve_hours = [_hours(e.resolved_at - e.opened_at) for e in rows if e.resolved_at]
    acked = [e for e in rows if e.id in acks]
    severities = Counter(e.severity for e in rows)
    return {
        "escalations": len(rows),
        "per_100_patient_days": _rounded(100 * len(rows) / days) if days else None,
        "by_severity": {s: severities.get(s, 0) for s in reversed(P.SEVERITIES)},
        "per_100_patient_days_by_severity": {
            s: (_rounded(100 * severities.get(s, 0) / days) if days else None)
            for s in reversed(P.SEVERITIES)},
        "ack_hours_median": _rounded(_median(ack_hours)),
        "ack_hours_p90": _rounded(p90(ack_hours)),
        "resolve_hours_median": _rounded(_median(resolve_hours)),
        "resolve_hours_p90": _rounded(p90(resolve_hours)),
        "acknowledged": len(acked),
        "tier1_share": (_rounded(sum(acks[e.id][1] == 1 for e in acked) / len(acked), 4)
                        if acked else None),
        "undeliverable": sum(e.undeliverable_at is not None for e in rows),
        "lapsed": sum(e.id in lapsed for e in rows),
    }


def figures(centre, per: Period) -> dict:
    """All the tables of the quality page for one centre and period."""
    patients = list(db.session.execute(
        db.select(Patient).where(Patient.centre_id == centre.id).order_by(Patient.id)).scalars())
    days = patient_days(patients, per)
    rows = _escalations(centre.id, per)
    ids = [e.id for e in rows]
    acks, lapsed, rules_of = _first_acks(ids), _lapsed(ids), _rules_of(ids)
    by_rule = []
    for rule_id in sorted({r for found in rules_of.values() for r in found}):
        group = [e for e in rows if rule_id in rules_of[e.id]]
        by_rule.append({"rule_id": rule_id, **_group(group, days, acks, lapsed)})
    table = adherence(centre, patients, per)
    due = sum(r["due"] for r in table)
    answered = sum(r["answered"] for r in table)
    outcomes = Counter(e.outcome for e in rows if e.resolved_at is not None)
    return {
        "from": per.first, "to": per.last,  # dates: QualityOut writes them
        "patients": sum(1 for p in patients if _monitored(p, per)),
        "patient_days": round(days, 2),
        "summary": _group(rows, days, acks, lapsed),
        "by_rule": by_rule,
        "slots_due": due, "slots_answered": answered,
        "missed_rate": round(1 - answered / due, 4) if due else None,
        "adherence": [r for r in table if r["due"]],
        "outcomes": {o: outcomes.get(o, 0) for o in OUTCOMES},
    }
