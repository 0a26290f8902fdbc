"""The check-in schedule: slots in the patient's local time, reminders and missed check-ins.

The step handlers (`plan`, `run_*`) run from `jobs.run_due_work`, whose claim locks each row
together with its patient (and loads the centre): `row.patient` is locked and current.
"""
from __future__ import annotations

import datetime as dt

from .. import policy as P
from ..calendar import day_number, local_date, zone
from ..clock import now
from ..extensions import db
from ..models import CheckIn, Patient, ScheduledStep
from . import centre_settings, notify, rules
from .batch import Batch, CheckinWindow
from .escalations import Found, record_findings

SLOT_KINDS = ("reminder", "caregiver_reminder", "missed")
# the patient's calendar: a change to any of these re-plans its check-in slots
CALENDAR_FIELDS = ("timezone", "infused_at", "enrolled_at", "window_days", "monitoring_ended_at")


def replan(patient: Patient, at: dt.datetime | None = None) -> ScheduledStep:
    """Queue a (re)plan of the patient's slots, due now: called where a patient is created or
    its calendar changes (the due-work pass runs it, holding the patient's lock)."""
    step = ScheduledStep(kind="plan", due_at=at or now(), patient=patient)
    db.session.add(step)
    return step


def calendar_changed(fields) -> bool:
    """Whether a set of changed patient fields touches the calendar."""
    return bool(set(fields) & set(CALENDAR_FIELDS))


def _time(text: str) -> dt.time:
    hour, minute = text.split(":")
    return dt.time(int(hour), int(minute))


def periods_of(centre) -> tuple[tuple[int, int | None, tuple[str, ...]], ...]:
    """(first day, last day or None, due times) per period: POLICY.md's, or the centre's own."""
    return centre_settings.effective_schedule(centre)


def hours_for_day(day: int, window_days: int, periods=P.SCHEDULE) -> tuple[str, ...]:
    """The due times (local) of a day since infusion; none outside days 0..window_days."""
    if day < 0 or day > window_days:
        return ()
    for first, last, hours in periods:
        if first <= day <= (window_days if last is None else last):
            return hours
    return ()


def grace(day: int) -> dt.timedelta:
    """How long after its due time a slot's missed-check-in escalation fires."""
    key = "acute" if day <= P.MISSED_ACUTE_LAST_DAY else "late"
    return dt.timedelta(minutes=P.MISSED_AFTER_MINUTES[key])


def published(window_days: int, centre=None) -> dict:
    """The schedule a phone shows, for a window of `window_days`: the PWA holds no copy.

    Periods follow POLICY.md's table (with the centre's own times), cut at the window's end
    and where the missed-check-in time changes, so each carries one `missed_after_minutes`
    (the slot counts until then). The neuro check goes with the first and last slot of a day.
    """
    periods = []
    for first, last, times in periods_of(centre):
        last = window_days if last is None else min(last, window_days)
        acute_until = min(last, P.MISSED_ACUTE_LAST_DAY)
        for start, end in ((first, acute_until), (max(first, acute_until + 1), last)):
            if start > end:
                continue
            periods.append({
                "first_day": start, "last_day": end, "times": list(times),
                "neuro_times": sorted({times[0], times[-1]}),
                "missed_after_minutes": int(grace(start).total_seconds() // 60)})
    return {"periods": periods, "early_minutes": P.SLOT_EARLY_MINUTES}


def slot_day(patient: Patient, slot_at: dt.datetime) -> int:
    """Day since infusion of a slot, in the patient's zone."""
    return day_number(patient.infused_at, slot_at, patient.timezone)


def active(patient: Patient, slot_at: dt.datetime) -> bool:
    """Whether a slot counts: in the window, after enrolment, before monitoring ended."""
    day = slot_day(patient, slot_at)
    return (0 <= day <= patient.window_days and slot_at >= patient.enrolled_at
            and (patient.monitoring_ended_at is None or slot_at < patient.monitoring_ended_at))


def next_slot(patient: Patient, start: dt.datetime) -> dt.datetime | None:
    """The first active slot at or after `start` (None once the window is over)."""
    tz = zone(patient.timezone)
    day0 = local_date(patient.infused_at, patient.timezone)
    date = max(local_date(start, patient.timezone), day0)
    last = day0 + dt.timedelta(days=patient.window_days)
    periods = periods_of(getattr(patient, "centre", None))  # tests may pass a bare stub
    while date <= last:
        day = (date - day0).days
        for text in hours_for_day(day, patient.window_days, periods):
            slot = dt.datetime.combine(date, _time(text), tzinfo=tz).astimezone(dt.UTC)
            if slot >= start and active(patient, slot):
                return slot
        date += dt.timedelta(days=1)
    return None


def previous_slot(patient: Patient, before: dt.datetime) -> dt.datetime | None:
    """The last active slot strictly before `before` (None before enrolment's first slot)."""
    tz = zone(patient.timezone)
    day0 = local_date(patient.infused_at, patient.timezone)
    date = local_date(before, patient.timezone)
    first = max(day0, local_date(patient.enrolled_at, patient.timezone))
    periods = periods_of(getattr(patient, "centre", None))  # tests may pass a bare stub
    while date >= first:
        day = (date - day0).days
        for text in reversed(hours_for_day(day, patient.window_days, periods)):
            slot = dt.datetime.combine(date, _time(text), tzinfo=tz).astimezone(dt.UTC)
            if slot < before and active(patient, slot):
                return slot
        date -= dt.timedelta(days=1)
    return None


def add_slot(patient: Patient, slot_at: dt.datetime, at: dt.datetime) -> None:
    """Persist a slot's reminder, caregiver reminder and missed-check-in steps."""
    dues = {
        "reminder": slot_at,
        "caregiver_reminder": slot_at + dt.timedelta(minutes=P.CAREGIVER_REMINDER_MINUTES),
        "missed": slot_at + grace(slot_day(patient, slot_at)),
    }
    for kind, due in dues.items():
        db.session.add(ScheduledStep(kind=kind, due_at=due, patient_id=patient.id,
                                     slot_at=slot_at, created_at=at))


def plan(row: ScheduledStep, running: Batch) -> bool:
    """(Re)start a patient's slot chain from now: drop future slots, add the next one."""
    patient, at = row.patient, running.at  # locked by the claim: one planner per patient
    start = max(at, patient.enrolled_at)
    db.session.execute(
        db.update(ScheduledStep)
        .where(ScheduledStep.patient_id == patient.id, ScheduledStep.state == "pending",
               ScheduledStep.kind.in_(SLOT_KINDS), ScheduledStep.slot_at >= start)
        .values(state="cancelled")
    )
    slot = next_slot(patient, start)
    if slot is not None:
        add_slot(patient, slot, at)
    return slot is not None


def _window(patient: Patient, slot_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """When a check-in counts for a slot: from 60 min before it until its missed escalation."""
    early = slot_at - dt.timedelta(minutes=P.SLOT_EARLY_MINUTES)
    return early, slot_at + grace(slot_day(patient, slot_at))


def load_checkins(running: Batch, rows: list[ScheduledStep]) -> None:
    """For one due-work batch, answer `satisfied` from one query instead of one per row.

    Exact while the batch holds its patients: the claim locks them, and a check-in locks its
    patient before it inserts (on SQLite the batch holds the write lock).
    """
    slots = [row for row in rows if row.kind in SLOT_KINDS and row.slot_at is not None]
    if not slots:
        return
    windows = [_window(row.patient, row.slot_at) for row in slots]
    start, end = min(w[0] for w in windows), max(w[1] for w in windows)
    seen: dict[int, list[dt.datetime]] = {row.patient_id: [] for row in slots}
    found = db.session.execute(
        db.select(CheckIn.patient_id, CheckIn.observed_at).where(
            CheckIn.patient_id.in_(list(seen)), CheckIn.observed_at >= start,
            CheckIn.observed_at <= end))
    for patient_id, observed_at in found:
        seen[patient_id].append(observed_at)
    running.checkins = CheckinWindow(start, end, seen)


def satisfied(patient: Patient, slot_at: dt.datetime, running: Batch | None = None) -> bool:
    """A check-in observed from 60 min before the slot until its missed escalation fires."""
    early, late = _window(patient, slot_at)
    window = running.checkins if running is not None else None
    if window is not None and window.covers(patient.id, early, late):
        return any(early <= observed <= late for observed in window.observed[patient.id])
    found = db.session.execute(
        db.select(CheckIn.id).where(CheckIn.patient_id == patient.id,
                                    CheckIn.observed_at >= early,
                                    CheckIn.observed_at <= late).limit(1)
    ).first()
    return found is not None


def quiet(patient: Patient, at: dt.datetime) -> bool:
    """Whether an instant falls in the patient's local quiet hours (22:00–07:00)."""
    start, end = (_time(t) for t in P.QUIET_HOURS)
    local = at.astimezone(zone(patient.timezone)).time()
    return local >= start or local < end


def _remind(row: ScheduledStep, running: Batch, purpose: str, recipients) -> bool:
    patient, slot, at = row.patient, row.slot_at, running.at
    if (not active(patient, slot) or satisfied(patient, slot, running) or quiet(patient, at)
            or at >= slot + grace(slot_day(patient, slot))):
        return False
    for recipient in recipients(patient):
        notify.send(f"{purpose}:{patient.id}:{slot.isoformat()}:"
                    f"{notify.recipient_key(recipient)}", recipient, purpose, patient, at,
                    tag=f"{purpose}-{patient.id}")
    return True


def run_reminder(row: ScheduledStep, running: Batch) -> bool:
    """At the due time: remind patient and caregivers; persist the next slot of the chain."""
    patient = row.patient  # locked with the row by the claim: serialised with a re-plan
    following = next_slot(patient, row.slot_at + dt.timedelta(minutes=1))
    if following is not None:
        add_slot(patient, following, running.at)
    return _remind(row, running, "reminder", notify.family)


def run_caregiver_reminder(row: ScheduledStep, running: Batch) -> bool:
    """Due + 60 min and nothing yet: a second reminder, to caregivers only."""
    return _remind(row, running, "missed_checkin", notify.caregivers)


def run_missed(row: ScheduledStep, running: Batch) -> bool:
    """Due + 2 h / 4 h and nothing yet: R-MISSED (urgent days 0–14, routine from day 15)."""
    patient, slot, at = row.patient, row.slot_at, running.at  # patient locked by the claim
    if not active(patient, slot) or satisfied(patient, slot, running):
        return False
    severity = rules.missed_severity(slot_day(patient, slot))
    found = [Found(rules.MISSED.id, rules.MISSED_REASON, severity, None)]
    if missed_in_a_row(patient, slot):
        repeated = rules.BY_ID[MISSED_REPEATED]
        found.append(Found(repeated.id, MISSED_REPEATED_REASON, repeated.severity, None))
    record_findings(patient, found, at, slot, slot_at=slot)
    return True


MISSED_REPEATED = "R-MISSED-REPEATED"
MISSED_REPEATED_REASON = "missed_checkin_repeated"  # POLICY.md names this reason explicitly


def missed_in_a_row(patient: Patient, slot_at: dt.datetime) -> bool:
    """POLICY.md "Routine follow-up (v2)": the slot before this missed one was missed too.

    "In a row" means no check-in at all from the earlier slot's window opening to this
    slot's missed time; staff actions are not check-ins, so they never break the run. Each
    further slot missed in a row counts again (its predecessor is missed as well).
    """
    before = previous_slot(patient, slot_at)
    if before is None:
        return False
    early = before - dt.timedelta(minutes=P.SLOT_EARLY_MINUTES)
    late = slot_at + grace(slot_day(patient, slot_at))
    return db.session.execute(
        db.select(CheckIn.id).where(CheckIn.patient_id == patient.id,
                                    CheckIn.observed_at >= early,
                                    CheckIn.observed_at <= late).limit(1)
    ).first() is None
