"""One unit test per finding rule of POLICY.md (named by rule id), plus thresholds."""
from __future__ import annotations

import json

import pytest

from server import policy as P
from server.clinical.conditions import check
from server.clinical.rules import (
    BY_ID,
    RULES,
    Facts,
    effective_thresholds,
    evaluate,
    missed_severity,
    news2,
    published,
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
    # policy v2
    "R-TACHYPNOEA": (Facts(respiratory_rate=25), Facts(respiratory_rate=24)),
    "R-BRADYPNOEA": (Facts(respiratory_rate=8), Facts(respiratory_rate=9)),
    "R-BRADYCARDIA": (Facts(heart_rate=40), Facts(heart_rate=41)),
    "R-NEWS2": (Facts(temperature_c=37.9, heart_rate=119, systolic_bp=91, spo2=95),  # 0+2+2+1
                Facts(temperature_c=37.9, heart_rate=119, systolic_bp=91, spo2=96)),  # 4
    "R-ANTIPYRETIC": (Facts(antipyretic=True), Facts(antipyretic=False, temperature_c=37.6)),
    "R-SLEEPY": (Facts(symptoms=frozenset({"sleepy"})), Facts(symptoms=frozenset({"jerks"}))),
    "R-JERKS": (Facts(symptoms=frozenset({"jerks"})), Facts(symptoms=frozenset({"sleepy"}))),
    "R-PERSONALITY": (Facts(symptoms=frozenset({"personality_change"})),
                      Facts(symptoms=frozenset({"confusion"}))),
    "R-HEARTBEAT": (Facts(symptoms=frozenset({"heartbeat"})), Facts(heart_rate=119)),
    "R-GUT": (Facts(symptoms=frozenset({"gut_severe"})), Facts()),
    "R-BLEEDING": (Facts(symptoms=frozenset({"bleeding"})), Facts()),
    "R-OTHER": (Facts(other_text="a rash on my arm"), Facts(other_text=None)),
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
    ("R-TACHYPNOEA", "urgent", "CRS"), ("R-BRADYPNOEA", "urgent", "CRS"),
    ("R-BRADYCARDIA", "urgent", "CRS"), ("R-NEWS2", "urgent", "CRS"),
    ("R-ANTIPYRETIC", "routine", "CRS"), ("R-SLEEPY", "urgent", "ICANS"),
    ("R-JERKS", "urgent", "ICANS"), ("R-PERSONALITY", "urgent", "ICANS"),
    ("R-HEARTBEAT", "urgent", "CRS"), ("R-GUT", "urgent", "CRS"), ("R-BLEEDING", "urgent", None),
    ("R-OTHER", "routine", None), ("R-MISSED-REPEATED", "urgent", None),
])
def test_rule_table_matches_policy(rule_id, severity, syndrome):
    """Severity and syndrome as in POLICY.md's table; every rule names a source."""
    rule = BY_ID[rule_id]
    assert (rule.severity, rule.syndrome) == (severity, syndrome)
    assert rule.source


@pytest.mark.parametrize("rule_id, reason", [
    ("R-FEVER", "fever"), ("R-ICE-LOW", "ice_low"), ("R-LOW-SPO2", "low_spo2"),
    ("R-HANDWRITING-MEASURED", "handwriting_measured"), ("R-TREMOR-MILD", "tremor_mild"),
    ("R-MISSED", "missed_checkin"), ("R-MISSED-REPEATED", "missed_checkin_repeated"),
    ("R-OTHER", "other_symptom"), ("R-BLEEDING", "bleeding"), ("R-NEWS2", "news2"),
    ("R-ANTIPYRETIC", "antipyretic"), ("R-TACHYPNOEA", "tachypnoea"),
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


def test_r_ice_severe_relative_to_baseline():
    """v2: a patient whose ICE baseline is 6 is not an emergency at 6, but is at 5."""
    assert fired(Facts(ice_total=6, baseline_ice=6)) == set()
    assert fired(Facts(ice_total=5, baseline_ice=6)) == {"R-ICE-SEVERE"}
    assert fired(Facts(ice_total=6, baseline_ice=7)) == {"R-ICE-SEVERE"}


def severities(facts: Facts, thresholds=None) -> dict[str, str]:
    return {f.id: f.severity for f in evaluate(facts, thresholds or T)}


@pytest.mark.parametrize("name, value, score", [
    ("respiratory_rate", 8, 3), ("respiratory_rate", 9, 1), ("respiratory_rate", 11, 1),
    ("respiratory_rate", 12, 0), ("respiratory_rate", 20, 0), ("respiratory_rate", 21, 2),
    ("respiratory_rate", 24, 2), ("respiratory_rate", 25, 3),
    ("spo2", 91, 3), ("spo2", 92, 2), ("spo2", 93, 2), ("spo2", 94, 1), ("spo2", 95, 1),
    ("spo2", 96, 0),
    ("systolic_bp", 90, 3), ("systolic_bp", 91, 2), ("systolic_bp", 100, 2),
    ("systolic_bp", 101, 1), ("systolic_bp", 110, 1), ("systolic_bp", 111, 0),
    ("systolic_bp", 219, 0), ("systolic_bp", 220, 3),
    ("heart_rate", 40, 3), ("heart_rate", 41, 1), ("heart_rate", 50, 1), ("heart_rate", 51, 0),
    ("heart_rate", 90, 0), ("heart_rate", 91, 1), ("heart_rate", 110, 1),
    ("heart_rate", 111, 2), ("heart_rate", 130, 2), ("heart_rate", 131, 3),
    ("temperature_c", 35.0, 3), ("temperature_c", 35.1, 1), ("temperature_c", 36.0, 1),
    ("temperature_c", 36.1, 0), ("temperature_c", 38.0, 0), ("temperature_c", 38.1, 1),
    ("temperature_c", 39.0, 1), ("temperature_c", 39.1, 2),
])
def test_news2_bands_as_in_policy(name, value, score):
    """Each NEWS2 band edge of POLICY.md's table; a missing parameter scores 0."""
    total, parts = news2(Facts(**{name: value}))
    assert parts[name] == score and total == score


@pytest.mark.parametrize("symptom, score", [
    ("confusion", 3), ("word_finding", 3), ("slurred_speech", 3), ("hard_to_wake", 3),
    ("sleepy", 0), ("headache_severe", 0),
])
def test_news2_consciousness_from_symptoms(symptom, score):
    """New confusion or hard to wake score 3; `sleepy` scores 0."""
    assert news2(Facts(symptoms=frozenset({symptom}))) == (score, {"consciousness": score})


def test_r_news2_urgent_from_5_emergency_from_7():
    """5–6 urgent, >= 7 emergency; the worked example of POLICY.md raises only R-NEWS2."""
    example = Facts(temperature_c=37.9, heart_rate=119, systolic_bp=91, spo2=95)
    assert severities(example) == {"R-NEWS2": "urgent"}
    six = Facts(temperature_c=37.9, heart_rate=119, systolic_bp=91, spo2=94, respiratory_rate=20)
    assert news2(six)[0] == 5 and severities(six) == {"R-NEWS2": "urgent", "R-LOW-SPO2": "urgent"}
    seven = Facts(temperature_c=38.1, heart_rate=119, systolic_bp=91, spo2=94,
                  respiratory_rate=21)  # 1 + 2 + 2 + 1 + 2
    assert news2(seven)[0] == 8 and severities(seven)["R-NEWS2"] == "emergency"
    exactly_seven = Facts(heart_rate=111, systolic_bp=91, spo2=92, respiratory_rate=12,
                          temperature_c=38.1)  # 2 + 2 + 2 + 0 + 1
    assert news2(exactly_seven)[0] == 7
    assert severities(exactly_seven)["R-NEWS2"] == "emergency"


def test_r_antipyretic_routine_urgent_from_37_5_and_centre_tunable():
    """Fever medicine is routine; urgent when the same check-in is >= 37.5 °C (tunable)."""
    assert severities(Facts(antipyretic=True)) == {"R-ANTIPYRETIC": "routine"}
    assert severities(Facts(antipyretic=True, temperature_c=37.4)) == {"R-ANTIPYRETIC": "routine"}
    assert severities(Facts(antipyretic=True, temperature_c=37.5)) == {"R-ANTIPYRETIC": "urgent"}
    centre = Centre(threshold_overrides={"antipyretic_urgent_c": 37.0})
    tuned = severities(Facts(antipyretic=True, temperature_c=37.0), effective_thresholds(centre))
    assert tuned == {"R-ANTIPYRETIC": "urgent"}
    assert set(validate_overrides({"antipyretic_urgent_c": 38.0})) == {"antipyretic_urgent_c"}


def test_rules_are_published_as_json_data():
    """Every check-in rule's condition is plain JSON; history/measure rules are server-only."""
    table = published()
    assert json.loads(json.dumps(table)) == table
    assert [r["id"] for r in table] == [r.id for r in RULES if r.condition is not None]
    assert {r["id"] for r in table if r["server_only"]} == {
        "R-HANDWRITING-MEASURED", "R-TREMOR-MEASURED", "R-TREMOR", "R-TREMOR-MILD"}
    assert {r["id"]: r["reason"] for r in table}["R-OTHER"] == "other_symptom"


@pytest.mark.parametrize("condition", [
    {"fact": "nonsense", "op": ">=", "value": 1}, {"fact": "spo2", "op": "~", "value": 1},
    {"fact": "spo2", "op": "<", "threshold": "no_such_threshold"}, {"symptoms_any": ["itch"]},
    {"all": []}, {"fact": "spo2", "in": []}, {"fact": "spo2", "op": "<"}, {},
])
def test_malformed_conditions_are_refused(condition):
    """The language checker refuses unknown facts, operators, thresholds and shapes."""
    with pytest.raises(ValueError):
        check(condition)


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


def test_generated_agreement_cases_cover_every_rule_on_both_sides():
    """The cases the phone agreement test runs: every rule with a condition fires in its
    `fires` cases, not in its `just misses` cases, and each severity step is met and missed."""
    from rule_cases import cases

    generated = cases()
    assert {rid for rid, _n, _f in generated} == {r.id for r in RULES if r.condition}
    for rule_id, name, facts in generated:
        found = severities(facts)
        if name.startswith("fires"):
            assert rule_id in found, (rule_id, name)
        elif name.startswith("just misses"):
            assert rule_id not in found, (rule_id, name)
        elif name.startswith("not "):
            assert found[rule_id] != name.removeprefix("not "), (rule_id, name)
        else:
            assert found[rule_id] == name, (rule_id, name)
