"""Threshold what-if: replay a centre's stored check-ins through the rule engine with a
proposed override, read-only, to see which escalations the change would open or close.

The replay uses production's own code: `engine.facts_for` builds each check-in's facts and
`rules.evaluate` runs the rule table against `rules.effective_thresholds`, once with the
centre's current overrides and once with the proposal merged over them. Nothing is written
and nothing is sent: no escalation, finding, step or notification is created.

The model, kept simple so a centre lead can follow it:
- per check-in of the period, the set of rules that fire and the highest severity, under
  the current and under the proposed thresholds;
- an escalation stored for the period is grouped with the check-ins behind its findings.
  It would have **closed** (never opened) when none of its check-ins fires any rule under the
  proposal and it has no finding that is not a check-in's (a missed check-in keeps it);
  it would have **changed severity** when the highest severity over its check-ins (and its
  other findings) differs between current and proposed;
- a check-in that fires nothing now but fires under the proposal, and is not already
  behind a stored escalation, **would have opened** an escalation. Such check-ins of one
  patient form one episode while no check-in that fires nothing under the proposal comes
  between them (the production engine attaches later findings to the open escalation
  until someone resolves it; the replay cannot know when staff would have, so a quiet
  check-in ends the episode).
"""
from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace

from sqlalchemy.orm import load_only

from .. import policy as P
from ..clinical import rules
from ..clinical.engine import facts_for
from ..extensions import db
from ..models import CheckIn, Escalation, Finding, Patient
from .quality import Period

MAX_LISTED = 500  # rows listed per section; the counts cover everything


def _top(severities) -> str | None:
    ranked = [s for s in severities if s]
    return max(ranked, key=P.SEVERITIES.index) if ranked else None


def proposed_thresholds(centre, proposal: dict) -> tuple[dict, dict]:
    """(current, proposed) effective thresholds; the proposal overrides the centre's own."""
    current = rules.effective_thresholds(centre)
    merged = {**(centre.threshold_overrides or {}), **proposal}
    return current, rules.effective_thresholds(SimpleNamespace(threshold_overrides=merged))


# The columns the rules read (engine.facts_for), without the large raw strokes and motion.
FACT_COLUMNS = (CheckIn.id, CheckIn.patient_id, CheckIn.observed_at, CheckIn.temperature_c,
                CheckIn.heart_rate, CheckIn.systolic_bp, CheckIn.spo2, CheckIn.ice_total,
                CheckIn.symptoms, CheckIn.tremor_rating, CheckIn.tremor_features,
                CheckIn.handwriting_judgement, CheckIn.handwriting_features,
                CheckIn.respiratory_rate, CheckIn.antipyretic, CheckIn.other_text)


def _judge(facts: rules.Facts, thresholds: dict, memo: dict) -> tuple[list[str], str | None]:
    """The rules fired and top severity; equal facts (a frozen dataclass) are judged once."""
    if facts not in memo:
        fired = rules.evaluate(facts, thresholds)
        memo[facts] = ([f.id for f in fired], _top(f.severity for f in fired))
    return memo[facts]


def replay(centre, per: Period, proposal: dict) -> dict:
    """Which escalations of the period the proposal would open, close or re-grade."""
    current, proposed = proposed_thresholds(centre, proposal)
    checkins = list(db.session.execute(
        db.select(CheckIn, Patient).options(load_only(*FACT_COLUMNS))
        .join(Patient, Patient.id == CheckIn.patient_id).where(
            Patient.centre_id == centre.id, CheckIn.observed_at >= per.start,
            CheckIn.observed_at < per.end)
        .order_by(CheckIn.patient_id, CheckIn.observed_at, CheckIn.id)))
    judged, memo_current, memo_proposed = {}, {}, {}
    for checkin, patient in checkins:
        facts = facts_for(checkin, patient.baseline_ice)
        now_rules, now_top = _judge(facts, current, memo_current)
        new_rules, new_top = _judge(facts, proposed, memo_proposed)
        judged[checkin.id] = {"checkin_id": checkin.id, "patient_id": patient.id,
                              "observed_at": checkin.observed_at,
                              "current": now_rules, "current_severity": now_top,
                              "proposed": new_rules, "proposed_severity": new_top}
    stored = list(db.session.execute(
        db.select(Escalation).join(Patient, Patient.id == Escalation.patient_id).where(
            Patient.centre_id == centre.id, Escalation.opened_at >= per.start,
            Escalation.opened_at < per.end).order_by(Escalation.id)).scalars())
    behind: dict[int, list[Finding]] = defaultdict(list)
    if stored:
        for finding in db.session.execute(db.select(Finding).where(
                Finding.escalation_id.in_([e.id for e in stored]))).scalars():
            behind[finding.escalation_id].append(finding)
    covered, closed, changed = set(), [], []
    for escalation in stored:
        findings = behind[escalation.id]
        ids = sorted({f.checkin_id for f in findings if f.checkin_id in judged})
        covered.update(f.checkin_id for f in findings if f.checkin_id is not None)
        others = [f.severity for f in findings if f.checkin_id not in judged]
        was = _top([judged[i]["current_severity"] for i in ids] + others)
        would = _top([judged[i]["proposed_severity"] for i in ids] + others)
        row = {"escalation_id": escalation.id, "patient_id": escalation.patient_id,
               "checkin_ids": ids, "current_severity": was, "proposed_severity": would}
        if would is None and ids:
            closed.append(row)
        elif was != would:
            changed.append(row)
    opened, episode = [], {}
    for item in judged.values():
        patient_id = item["patient_id"]
        if not item["proposed"]:
            episode.pop(patient_id, None)
            continue
        if item["current"] or item["checkin_id"] in covered:
            continue
        if patient_id in episode:
            episode[patient_id]["checkin_ids"].append(item["checkin_id"])
            episode[patient_id]["proposed_severity"] = _top(
                [episode[patient_id]["proposed_severity"], item["proposed_severity"]])
            continue
        episode[patient_id] = {"patient_id": patient_id, "checkin_ids": [item["checkin_id"]],
                               "observed_at": item["observed_at"],
                               "proposed_severity": item["proposed_severity"],
                               "rules": item["proposed"]}
        opened.append(episode[patient_id])
    differing = [j for j in judged.values() if (j["current"], j["current_severity"])
                 != (j["proposed"], j["proposed_severity"])]
    return {"from": per.first, "to": per.last, "proposal": proposal,  # dates (WhatIfOut)
            "checkins_replayed": len(judged),
            "counts": {"opened": len(opened), "closed": len(closed), "changed": len(changed),
                       "checkins_differing": len(differing)},
            "opened": opened[:MAX_LISTED], "closed": closed[:MAX_LISTED],
            "changed": changed[:MAX_LISTED], "checkins": differing[:MAX_LISTED]}
