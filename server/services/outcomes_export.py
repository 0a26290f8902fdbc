"""Registry export: per patient of a centre infused in a period, the course's outcomes.

Column definitions (the README's table says the same; the test checks them by hand):
- the cohort: the centre's patients whose infusion falls in the period (local dates of the
  centre, inclusive), as registries count by infusion;
- `crs_first_alert_day` / `icans_first_alert_day`: day since infusion (patient's zone, the
  infusion day is day 0) of the earliest finding of that syndrome, by when it was observed;
- `max_severity`: the highest severity any of the patient's escalations reached;
- `crs_max_grade` / `icans_max_grade`: the highest ASTCT grade recorded on any escalation;
- `<treatment>_first_date`: the earliest recorded date of tocilizumab, steroids, admission,
  ICU; `treatments`: every recorded (code, date), sorted;
- `first_ack_minutes`: the patient's first escalation, opened → its FIRST `acknowledged`
  event (as services/quality.py measures it; an undo does not reset it), in whole minutes;
  `median_ack_minutes`: the median of that over all the patient's acknowledged escalations.
Values are codes, numbers and dates; the patient code is the only identifier (no names).
"""
from __future__ import annotations

import csv
import io
import statistics
from collections import defaultdict
from typing import Any

from .. import policy as P
from ..calendar import day_number, local_date
from ..extensions import db
from ..models import Escalation, EscalationEvent, Finding, Patient
from ..models.outcomes import EscalationOutcome
from .quality import Period
from .quality_csv import _cell

RANK = {name: rank for rank, name in enumerate(P.SEVERITIES)}
TREATMENT_COLUMNS = tuple(f"{code}_first_date" for code in P.OUTCOME_TREATMENTS)
COLUMNS = ("patient_code", "product", "infusion_date", "window_days", "monitoring_ended_on",
           "escalations", "max_severity", "crs_first_alert_day", "icans_first_alert_day",
           "crs_max_grade", "icans_max_grade", *TREATMENT_COLUMNS, "treatments",
           "first_ack_minutes", "median_ack_minutes")


def _cohort(centre_id: int, per: Period) -> list[Patient]:
    return list(db.session.execute(
        db.select(Patient).where(Patient.centre_id == centre_id, Patient.infused_at >= per.start,
                                 Patient.infused_at < per.end).order_by(Patient.code)).scalars())


def _by_patient(query) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for row in db.session.execute(query):
        grouped[row[0]].append(row[1:])
    return grouped


def _minutes(escalations: list, acks: dict) -> tuple[int | None, float | None]:
    """(first escalation's minutes to acknowledge, median over the acknowledged ones)."""
    waits = {eid: (acks[eid] - opened).total_seconds() / 60
             for eid, opened, _severity in escalations if eid in acks}
    first = waits.get(escalations[0][0]) if escalations else None
    median = statistics.median(waits.values()) if waits else None
    return (None if first is None else round(first),
            None if median is None else round(median, 1))


def rows(centre_id: int, per: Period) -> tuple[list[int], list[dict[str, Any]]]:
    """The cohort's patient ids (for the audit) and one row per patient, keyed by COLUMNS
    (JSON keeps `treatments` a list)."""
    patients = _cohort(centre_id, per)
    ids = [p.id for p in patients]
    if not ids:
        return [], []
    escalations = _by_patient(
        db.select(Escalation.patient_id, Escalation.id, Escalation.opened_at, Escalation.severity)
        .where(Escalation.patient_id.in_(ids)).order_by(Escalation.opened_at, Escalation.id))
    findings = _by_patient(
        db.select(Finding.patient_id, Finding.syndrome, Finding.observed_at)
        .where(Finding.patient_id.in_(ids), Finding.syndrome.is_not(None)))
    recorded = _by_patient(
        db.select(EscalationOutcome.patient_id, EscalationOutcome.crs_grade,
                  EscalationOutcome.icans_grade, EscalationOutcome.treatments)
        .where(EscalationOutcome.patient_id.in_(ids)))
    acks: dict[int, Any] = {}
    for escalation_id, at in db.session.execute(
            db.select(EscalationEvent.escalation_id, EscalationEvent.at)
            .join(Escalation, Escalation.id == EscalationEvent.escalation_id)
            .where(Escalation.patient_id.in_(ids), EscalationEvent.kind == "acknowledged")
            .order_by(EscalationEvent.at, EscalationEvent.id)):
        acks.setdefault(escalation_id, at)
    return ids, [_row(p, escalations.get(p.id, []), findings.get(p.id, []), recorded.get(p.id, []),
                 acks) for p in patients]


def _row(p: Patient, escalations: list, findings: list, recorded: list, acks: dict) -> dict:
    tz = p.timezone
    first_day = {}
    for syndrome, observed_at in findings:
        day = day_number(p.infused_at, observed_at, tz)
        first_day[syndrome] = min(day, first_day.get(syndrome, day))
    treatments = sorted({(item["date"], item["code"]) for _c, _i, items in recorded
                         for item in items or []})
    first_ack, median_ack = _minutes(escalations, acks)
    row = {
        "patient_code": p.code, "product": p.product,
        "infusion_date": local_date(p.infused_at, tz).isoformat(), "window_days": p.window_days,
        "monitoring_ended_on": (local_date(p.monitoring_ended_at, tz).isoformat()
                                if p.monitoring_ended_at else None),
        "escalations": len(escalations),
        "max_severity": max((s for *_x, s in escalations), key=RANK.__getitem__, default=None),
        "crs_first_alert_day": first_day.get("CRS"),
        "icans_first_alert_day": first_day.get("ICANS"),
        "crs_max_grade": max((c for c, _i, _t in recorded if c), default=None),
        "icans_max_grade": max((i for _c, i, _t in recorded if i), default=None),
        "treatments": [{"code": code, "date": day} for day, code in treatments],
        "first_ack_minutes": first_ack, "median_ack_minutes": median_ack,
    }
    for code, column in zip(P.OUTCOME_TREATMENTS, TREATMENT_COLUMNS, strict=True):
        row[column] = next((day for day, c in treatments if c == code), None)
    return row


def to_csv(table: list[dict[str, Any]]) -> str:
    """The rows as CSV with the COLUMNS header; `treatments` as `code date` joined by `;`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in table:
        flat = {**row, "treatments": ";".join(f"{t['code']} {t['date']}"
                                              for t in row["treatments"])}
        writer.writerow([_cell(flat[name]) for name in COLUMNS])
    return out.getvalue()
