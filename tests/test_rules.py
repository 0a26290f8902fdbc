"""One unit test per finding rule of POLICY.md (named by rule id), plus thresholds."""
from __future__ import annotations

import pytest

from server.clinical import policy as P
from server.clinical.rules import (
    BY_ID,
    RULES,
    Facts,
    effective_thresholds,
    evaluate,
    missed_severity,
    reason_of,
    validate_overrides,
)
from server.models import Centre

T = dict(P.THRESHOLDS)

# (rule id, facts that fire it, facts just on the other side of its threshold)
CASES = {
    "R-FEVER": (Facts(temperature_c=38.0), Facts(temperature_c=37.9)),
    "R-HYPOTHERMIA": (Facts(temperature_c=34.9), Facts(temperature_c=35.0)),
    "R-HYPOTENSION": (Facts(systolic_bp=89), Facts(systolic_bp=90)),
    "R-HYPOXIA": (Facts(spo2=91), Facts(spo2=92)),
    "R-LOW-SPO2": (Facts(spo2=94), Facts(spo2=95)),
    "R-TACHYCARDIA": (Facts(heart_rate=120), Facts(heart_rate=119)),
    "R-ICE-LOW": (Facts(ice_total=9), Facts(ice_total=9, baseline_ice=9)),
    "R-ICE-SEVERE": (Facts(ice_total=6), Facts(ice_total=7)),
    "R-SEIZURE": (Facts(symptoms=frozenset({"seizure"})), Facts(symptoms=frozenset())),
    "R-CONSCIOUSNESS": (Facts(symptoms=frozenset({"hard_to_wake"})),
                        Facts(symptoms=frozenset({"dizziness"}))),
    "R-WEAKNESS": (Facts(symptoms=frozenset({"weakness_one_side"})),
                   Facts(symptoms=frozenset({"facial_weakness"}))),
    "R-CONFUSION": (Facts(symptoms=frozenset({"slurred_speech"})),
                    Facts(symptoms=frozenset({"headache_severe"}))),
    "R-FACIAL": (Facts(symptoms=frozenset({"facial_weakness"})),
                 Facts(symptoms=frozenset({"weakness_one_side"}))),
    "R-HANDWRITING": (Facts(handwriting_judgement="cannot_write"),
                      Facts(handwriting_judgement="same")),
    "R-HANDWRITING-MEASURED": (Facts(handwriting_beyond_baseline=True),
                               Facts(handwriting_beyond_baseline=True,
                                     handwriting_judgement="worse")),
    "R-TREMOR-MEASURED": (Facts(tremor_beyond_baseline=True), Facts()),
    "R-TREMOR": (Facts(tremor_rating="moderate", previous_tremor="none", baseline_tremor="none"),
                 Facts(tremor_rating="mild", previous_tremor="none", baseline_tremor="none")),
    "R-TREMOR-MILD": (Facts(tremor_rating="mild", previous_tremor="none",
                            baseline_tremor="none"),
                      Facts(tremor_rating="mild", previous_tremor="mild",
                            baseline_tremor="mild")),
    "R-HEADACHE": (Facts(symptoms=frozenset({"headache_severe"})), Facts()),
    "R-BREATHING": (Facts(symptoms=frozenset({"shortness_of_breath"})), Facts()),
    "R-RIGORS": (Facts(symptoms=frozenset({"rigors"})), Facts()),
    "R-DIZZY": (Facts(symptoms=frozenset({"dizziness"})), Facts()),
}


def fired(facts: Facts, thresholds=None) -> set[str]:
    return {rule.id for rule in evaluate(facts, thresholds or T)}


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires_at_its_threshold(rule_id):
    """The rule fires for facts on its side of the threshold."""
    assert rule_id in fired(CASES[rule_id][0])


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_stays_quiet_just_outside(rule_id):
    """The rule does not fire just on the other side."""
    assert rule_id not in fired(CASES[rule_id][1])


def test_every_rule_but_missed_has_a_case():
    """No rule of POLICY.md goes untested."""
    assert set(CASES) == {r.id for r in RULES} - {"R-MISSED", "R-MISSED-REPEATED"}


@pytest.mark.parametrize("rule_id, severity, syndrome", [
    ("R-FEVER", "urgent", "CRS"), ("R-HYPOTHERMIA", "urgent", "CRS"),
    ("R-HYPOTENSION", "emergency", "CRS"), ("R-HYPOXIA", "emergency", "CRS"),
    ("R-LOW-SPO2", "urgent", "CRS"), ("R-TACHYCARDIA", "urgent", "CRS"),
    ("R-ICE-LOW", "urgent", "ICANS"), ("R-ICE-SEVERE", "emergency", "ICANS"),
    ("R-SEIZURE", "emergency", "ICANS"), ("R-CONSCIOUSNESS", "emergency", "ICANS"),
    ("R-WEAKNESS", "emergency", "ICANS"), ("R-CONFUSION", "urgent", "ICANS"),
    ("R-FACIAL", "urgent", "ICANS"), ("R-HANDWRITING", "urgent", "ICANS"),
    ("R-HANDWRITING-MEASURED", "routine", "ICANS"), ("R-TREMOR-MEASURED", "routine", "ICANS"),
    ("R-TREMOR", "urgent", "ICANS"), ("R-TREMOR-MILD", "routine", "ICANS"),
    ("R-HEADACHE", "urgent", "ICANS"), ("R-BREATHING", "urgent", "CRS"),
    ("R-RIGORS", "urgent", "CRS"), ("R-DIZZY", "urgent", "CRS"), ("R-MISSED", "urgent", None),
])
def test_rule_table_matches_policy(rule_id, severity, syndrome):
    """Severity and syndrome as in POLICY.md's table; every rule names a source."""
    rule = BY_ID[rule_id]
    assert (rule.severity, rule.syndrome) == (severity, syndrome)
    assert rule.source


@pytest.mark.parametrize("rule_id, reason", [
    ("R-FEVER", "fever"), ("R-ICE-LOW", "ice_low"), ("R-LOW-SPO2", "low_spo2"),
    ("R-HANDWRITING-MEASURED", "handwriting_measured"), ("R-TREMOR-MILD", "tremor_mild"),
    ("R-MISSED", "missed_checkin"),
])
def test_reason_codes(rule_id, reason):
    """Lower case without R-, dashes as underscores; R-MISSED is missed_checkin."""
    assert reason_of(BY_ID[rule_id]) == reason


def test_r_missed_is_urgent_to_day_14_then_routine():
    """R-MISSED: urgent on days 0–14, routine from day 15."""
    assert [missed_severity(d) for d in (0, 14, 15, 30)] == [
        "urgent", "urgent", "routine", "routine"]


def test_r_ice_low_range_is_seven_to_nine():
    """R-ICE-LOW covers 7–9 only; 6 is R-ICE-SEVERE; 10 is normal."""
    assert fired(Facts(ice_total=7)) == {"R-ICE-LOW"}
    assert fired(Facts(ice_total=6)) == {"R-ICE-SEVERE"}
    assert fired(Facts(ice_total=10)) == set()
    assert fired(Facts(ice_total=8, baseline_ice=7)) == set()


def test_r_tremor_worse_than_first_recorded_rating():
    """A mild tremor that persists over a tremor-free baseline is worse than baseline."""
    facts = Facts(tremor_rating="mild", previous_tremor="mild", baseline_tremor="none")
    assert fired(facts) == {"R-TREMOR"}
    first = Facts(tremor_rating="mild")  # the first rating ever: new mild, routine
    assert fired(first) == {"R-TREMOR-MILD"}


def test_r_spo2_rules_do_not_overlap():
    """SpO2 91 is only R-HYPOXIA; 92 only R-LOW-SPO2."""
    assert fired(Facts(spo2=91)) == {"R-HYPOXIA"}
    assert fired(Facts(spo2=92)) == {"R-LOW-SPO2"}


def test_measured_handwriting_not_when_judged_worse_or_flag_missing():
    """R-HANDWRITING-MEASURED reads the beyond_baseline flag, only when judged same or not."""
    assert fired(Facts(handwriting_beyond_baseline=True, handwriting_judgement="same")) == {
        "R-HANDWRITING-MEASURED"}
    assert fired(Facts(handwriting_beyond_baseline=False)) == set()


def test_safe_override_applies_and_unsafe_is_ignored():
    """A centre's override inside THRESHOLD_BOUNDS applies; outside it is ignored."""
    centre = Centre(threshold_overrides={"fever_c": 37.5, "heart_rate_urgent_from": 200})
    thresholds = effective_thresholds(centre)
    assert thresholds["fever_c"] == 37.5
    assert thresholds["heart_rate_urgent_from"] == P.THRESHOLDS["heart_rate_urgent_from"]
    assert "R-FEVER" in fired(Facts(temperature_c=37.6), thresholds)


def test_override_validation_names_each_problem():
    """Unknown names, non-numbers and out-of-bounds values are each reported."""
    problems = validate_overrides({"fever_c": 40, "bogus": 1, "spo2_urgent_below": "x",
                                   "hypothermia_c": 35.5})
    assert set(problems) == {"fever_c", "bogus", "spo2_urgent_below"}


def test_every_bound_contains_the_policy_default():
    """The policy default is always a valid override."""
    for name, (low, high) in P.THRESHOLD_BOUNDS.items():
        assert low <= P.THRESHOLDS[name] <= high
