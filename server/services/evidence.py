"""The values behind each reason of an escalation, for the queue card and escalation page.

A reason code says which rule fired ("fever"); the nurse needs the reading behind it (39.2 °C,
the highest of two), the ICE score against the patient's baseline, the vitals and the NEWS2
parts, who took them and when they were observed and received. Everything is read in one
query over the escalations' findings and their check-ins, however long the queue.
Staff-only: none of it goes into a push payload.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy.orm import load_only

from .. import policy as P
from ..calendar import day_number
from ..clinical import rules
from ..clinical.engine import facts_for
from ..extensions import db
from ..models import CheckIn, Escalation, Finding, Patient
from . import device_readings
from .checkins import LATE_AFTER

TEMPERATURE, ICE, VITALS, NEWS2 = "temperature", "ice", "vitals", "news2"
VITAL_SIGNS = ("heart_rate", "systolic_bp", "spo2", "respiratory_rate")

# Per rule: the value that picks which of its readings is shown (the worst one: max or min)
# and the blocks of values shown with it. Rules not listed (symptoms, tremor, handwriting,
# free text) show who recorded their latest check-in and when; R-MISSED shows its slots.
BEHIND: dict[str, tuple[str, Any, tuple[str, ...]]] = {
    "R-FEVER": ("temperature_c", max, (TEMPERATURE,)),
    "R-HYPOTHERMIA": ("temperature_c", min, (TEMPERATURE,)),
    "R-ANTIPYRETIC": ("temperature_c", max, (TEMPERATURE,)),
    "R-HYPOTENSION": ("systolic_bp", min, (VITALS,)),
    "R-HYPOXIA": ("spo2", min, (VITALS,)),
    "R-LOW-SPO2": ("spo2", min, (VITALS,)),
    "R-TACHYCARDIA": ("heart_rate", max, (VITALS,)),
    "R-BRADYCARDIA": ("heart_rate", min, (VITALS,)),
    "R-TACHYPNOEA": ("respiratory_rate", max, (VITALS,)),
    "R-BRADYPNOEA": ("respiratory_rate", min, (VITALS,)),
    "R-NEWS2": ("news2", max, (NEWS2, VITALS)),
    "R-ICE-LOW": ("ice_total", min, (ICE,)),
    "R-ICE-SEVERE": ("ice_total", min, (ICE,)),
}

# What the facts and the blocks read; raw samples (strokes, motion) and the stored answer
# are left in the database.
_COLUMNS = load_only(
    CheckIn.id, CheckIn.recorded_by, CheckIn.observed_at, CheckIn.received_at,
    CheckIn.temperature_c, CheckIn.temperature_value, CheckIn.temperature_unit,
    CheckIn.ice_total, CheckIn.ice_self, CheckIn.heart_rate, CheckIn.systolic_bp, CheckIn.spo2,
    CheckIn.respiratory_rate, CheckIn.symptoms, CheckIn.tremor_rating, CheckIn.tremor_features,
    CheckIn.handwriting_judgement, CheckIn.handwriting_features, CheckIn.antipyretic,
    CheckIn.other_text, CheckIn.device_readings)


def recorded_by(checkin: CheckIn) -> str:
    """patient, caregiver, or self_check: the patient alone took the ICE self-check."""
    return "self_check" if checkin.ice_self else checkin.recorded_by


def _reading(checkin: CheckIn, patient: Patient) -> dict[str, Any]:
    """One check-in's values and source, NEWS2 scored by the rule engine's own code."""
    total, parts = rules.news2(facts_for(checkin, patient.baseline_ice, history=False))
    vitals = {name: getattr(checkin, name) for name in VITAL_SIGNS}
    measured = any(v is not None for v in vitals.values()) or checkin.temperature_c is not None
    return {
        "source": {
            "checkin_id": checkin.id, "recorded_by": recorded_by(checkin),
            "observed_at": checkin.observed_at, "received_at": checkin.received_at,
            "late": checkin.received_at - checkin.observed_at > LATE_AFTER,
            "devices": device_readings.models(checkin.device_readings)},
        TEMPERATURE: None if checkin.temperature_c is None else {
            "value": checkin.temperature_value, "unit": checkin.temperature_unit,
            "celsius": checkin.temperature_c},
        ICE: None if checkin.ice_total is None else {
            "total": checkin.ice_total, "out_of": P.ICE_MAX, "baseline": patient.baseline_ice,
            "self_check": bool(checkin.ice_self)},
        VITALS: vitals if any(v is not None for v in vitals.values()) else None,
        NEWS2: {"total": total, "parts": parts} if measured else None,
        "_key": {"news2": total, **{name: getattr(checkin, name) for name in (
            "temperature_c", "ice_total", *VITAL_SIGNS)}},
    }


def _reason(rule_id: str, findings: list[Finding], readings: list[dict]) -> dict[str, Any]:
    """A rule's evidence: its worst reading (or latest), how many readings, its slots."""
    key, pick, blocks = BEHIND.get(rule_id, (None, None, ()))
    shown = readings[-1] if readings else None
    valued = [r for r in readings if key and r["_key"][key] is not None]
    if valued:  # the worst, the latest of equals
        best = pick(r["_key"][key] for r in valued)
        shown = [r for r in valued if r["_key"][key] == best][-1]
    out: dict[str, Any] = {
        "rule_id": rule_id, "reason": findings[0].reason,
        "severity": max((f.severity for f in findings), key=P.SEVERITIES.index),
        "readings": len(valued) if valued else len(readings),
        "shown": "highest" if valued and pick is max else "lowest" if valued else "latest",
        "source": shown["source"] if shown else None,
        "slots": sorted(f.slot_at for f in findings if f.slot_at is not None),
    }
    for block in (TEMPERATURE, ICE, VITALS, NEWS2):
        out[block] = shown[block] if shown and block in blocks else None
    return out


def for_escalations(escalations: list[Escalation]) -> dict[int, dict[str, Any]]:
    """{escalation id: {"reasons": [per rule, in the escalation's reason order],
    "vitals": the latest vital signs behind it with their NEWS2, or None}}.

    One query: the findings of all these escalations with their check-ins (outer join, so
    a missed slot's finding is there too), oldest first.
    """
    if not escalations:
        return {}
    by_id = {e.id: e for e in escalations}
    rows = db.session.execute(
        db.select(Finding, CheckIn).outerjoin(CheckIn, CheckIn.id == Finding.checkin_id)
        .where(Finding.escalation_id.in_(list(by_id)))
        .options(_COLUMNS)
        .order_by(Finding.observed_at, Finding.id)).all()
    cache: dict[int, dict] = {}
    findings: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    readings: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for finding, checkin in rows:
        escalation = by_id[finding.escalation_id]
        findings[escalation.id][finding.rule_id].append(finding)
        if checkin is not None:
            if checkin.id not in cache:
                cache[checkin.id] = _reading(checkin, escalation.patient)
            readings[escalation.id][finding.rule_id].append(cache[checkin.id])
    out = {}
    for escalation in escalations:
        order = {reason: i for i, reason in enumerate(escalation.reasons or [])}
        reasons = [_reason(rule_id, found, readings[escalation.id][rule_id])
                   for rule_id, found in findings[escalation.id].items()]
        reasons.sort(key=lambda r: order.get(r["reason"], len(order)))
        behind = sorted({id(r): r for group in readings[escalation.id].values()
                         for r in group}.values(),
                        key=lambda r: (r["source"]["observed_at"], r["source"]["checkin_id"]))
        latest = next((r for r in reversed(behind) if r[VITALS]), None)
        out[escalation.id] = {
            "reasons": reasons,
            "vitals": None if latest is None else {
                "source": latest["source"], "vitals": latest[VITALS], "news2": latest[NEWS2]},
        }
    return out


def patient_block(patient: Patient, at: dt.datetime, caregiver_enrolled: bool) -> dict:
    """The patient as a card heads it: code, name, zone, day N of the window, product."""
    return {"id": patient.id, "code": patient.code, "display_name": patient.display_name,
            "timezone": patient.timezone, "product": patient.product,
            "day": day_number(patient.infused_at, at, patient.timezone),
            "window_days": patient.window_days, "caregiver_enrolled": caregiver_enrolled}
