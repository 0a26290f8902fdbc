"""Evaluate a stored check-in against the finding rules, in the check-in's transaction."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..clock import now
from ..extensions import db
from ..measures.service import has_samples
from ..models import CheckIn, Patient
from . import rules
from .escalations import Found, record_findings, reference
from .instructions import instruction

LATE_AFTER = dt.timedelta(minutes=10)  # same as services.checkins: "observed at …" shown


@dataclass
class Evaluation:
    """What a check-in led to: rule ids found, the escalation touched, the advice to show."""

    findings: list[str] = field(default_factory=list)
    escalation_ref: dict | None = None
    instruction: dict | None = None


def _tremor_history(checkin: CheckIn) -> tuple[str | None, str | None]:
    """(previous rating, first recorded rating) of the patient, excluding this check-in."""
    base = db.select(CheckIn.tremor_rating).where(
        CheckIn.patient_id == checkin.patient_id, CheckIn.id != checkin.id,
        CheckIn.tremor_rating.is_not(None))
    previous = db.session.execute(
        base.where(CheckIn.observed_at <= checkin.observed_at)
        .order_by(CheckIn.observed_at.desc(), CheckIn.id.desc()).limit(1)).scalar()
    first = db.session.execute(
        base.order_by(CheckIn.observed_at, CheckIn.id).limit(1)).scalar()
    return previous, first


def facts_for(checkin: CheckIn, baseline_ice: int, *, history: bool = True) -> rules.Facts:
    """The facts the rules read, from a check-in and the patient's baselines.

    `history=False` leaves out the tremor history (two queries per check-in): readers of
    many check-ins at once, such as the staff queue's NEWS2, need only this row's values.
    """
    previous, first = (_tremor_history(checkin) if checkin.tremor_rating and history
                       else (None, None))
    return rules.Facts(
        temperature_c=checkin.temperature_c, heart_rate=checkin.heart_rate,
        systolic_bp=checkin.systolic_bp, spo2=checkin.spo2, ice_total=checkin.ice_total,
        baseline_ice=baseline_ice, symptoms=frozenset(checkin.symptoms or ()),
        tremor_rating=checkin.tremor_rating, previous_tremor=previous, baseline_tremor=first,
        handwriting_judgement=checkin.handwriting_judgement,
        handwriting_beyond_baseline=bool((checkin.handwriting_features or {})
                                         .get("beyond_baseline")),
        tremor_beyond_baseline=bool((checkin.tremor_features or {}).get("beyond_baseline")),
        respiratory_rate=checkin.respiratory_rate, antipyretic=bool(checkin.antipyretic),
        other_text=checkin.other_text,
    )


def _fired(checkin: CheckIn, patient: Patient) -> list:
    """The rules this check-in fires, with the patient's baselines and centre's thresholds."""
    return rules.evaluate(facts_for(checkin, patient.baseline_ice),
                          rules.effective_thresholds(patient.centre))


def quiet_evaluation(checkin: CheckIn, patient: Patient,
                     lang: str | None = None) -> Evaluation | None:
    """The advice for a check-in that fires no rule, judged before the row is stored.

    None when a rule fires (findings cite the stored row) or when the rules need the row
    itself (tremor history excludes it; measured samples may become its baseline): then
    store it first and call `evaluate_checkin`. Most check-ins are quiet, and judging them
    first lets their single INSERT carry the answer.
    """
    if checkin.tremor_rating is not None or has_samples(checkin) or _fired(checkin, patient):
        return None
    return Evaluation(instruction=instruction(None, patient.centre,
                                              lang=lang or patient.language))


def evaluate_checkin(checkin: CheckIn, patient: Patient, lang: str | None = None) -> Evaluation:
    """Run the rules; open, attach to or raise the patient's escalation; return the advice.

    The caller holds the patient's lock (`escalations.lock_patient`). The advice is in
    `lang` (the language of whoever recorded it), else the patient's.
    """
    lang = lang or patient.language
    fired = _fired(checkin, patient)
    if not fired:
        return Evaluation(instruction=instruction(None, patient.centre, lang=lang))
    found = [Found(r.id, rules.reason_of(r), r.severity, r.syndrome) for r in fired]
    escalation, change = record_findings(patient, found, now(), checkin.observed_at,
                                         checkin_id=checkin.id)
    late = checkin.received_at - checkin.observed_at > LATE_AFTER
    advice = instruction(escalation.severity, patient.centre, tz=patient.timezone,
                         observed_at=checkin.observed_at if late else None, lang=lang)
    return Evaluation(findings=[r.id for r in fired],
                      escalation_ref=reference(escalation, change), instruction=advice)
