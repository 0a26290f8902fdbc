"""The finding rules of POLICY.md as data, and the small engine that evaluates them.

Each rule carries its POLICY.md id, severity, syndrome, reason code and source; its condition
is data in the language of conditions.py, reading a check-in's `Facts` and the centre's
effective thresholds (policy.py + overrides). The same table is published to phones
(`published()`), which evaluate it offline: one copy of the rules.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .. import policy as P
from . import conditions as C
from .conditions import Condition, all_of, any_of, cmp, is_in, present, symptoms_any


@dataclass(frozen=True)
class Facts:
    """What the rules may read: one check-in's values plus the patient's baselines."""

    temperature_c: float | None = None
    heart_rate: int | None = None
    systolic_bp: int | None = None
    spo2: int | None = None
    ice_total: int | None = None
    baseline_ice: int = P.ICE_DEFAULT_BASELINE
    symptoms: frozenset[str] = field(default_factory=frozenset)
    tremor_rating: str | None = None
    previous_tremor: str | None = None  # the rating recorded just before this one
    baseline_tremor: str | None = None  # the patient's first recorded rating
    handwriting_judgement: str | None = None
    handwriting_beyond_baseline: bool = False
    tremor_beyond_baseline: bool = False
    respiratory_rate: int | None = None
    antipyretic: bool = False          # fever medicine taken in the last 6 h
    other_text: str | None = None      # free text, trimmed, None when empty


@dataclass(frozen=True)
class Rule:
    """One finding rule of POLICY.md; `condition` is data of the language in conditions.py.

    `severity_when` lists (severity, condition) pairs: the finding takes the highest
    severity whose condition also holds (R-NEWS2, R-ANTIPYRETIC); otherwise `severity`.
    """

    id: str
    finding: str
    severity: str
    syndrome: str | None
    source: str
    condition: Condition | None  # None: raised by the schedule, not by a check-in
    severity_when: tuple[tuple[str, Condition], ...] = ()

    @property
    def reason(self) -> str:
        """The reason code: the id in lower case without `R-`, dashes as underscores,
        unless POLICY.md names it (R-MISSED, R-MISSED-REPEATED, R-OTHER)."""
        return NAMED_REASONS.get(self.id) or self.id.removeprefix("R-").lower().replace("-", "_")

    @property
    def server_only(self) -> bool:
        """Whether the rule reads a fact only the server has (history, measured samples)."""
        reads = set(C.facts_read(self.condition)) if self.condition else set()
        for _severity, when in self.severity_when:
            reads |= C.facts_read(when)
        return bool(reads & C.SERVER_FACTS)


@dataclass(frozen=True)
class Fired:
    """A rule that fired, with the severity it took for these facts."""

    rule: Rule
    severity: str

    id = property(lambda self: self.rule.id)
    syndrome = property(lambda self: self.rule.syndrome)
    reason = property(lambda self: self.rule.reason)


NAMED_REASONS = {  # POLICY.md names these reason codes explicitly
    "R-MISSED": "missed_checkin",
    "R-MISSED-REPEATED": "missed_checkin_repeated",
    "R-OTHER": "other_symptom",
}

# R-TREMOR "worse than baseline": with ratings none < mild < moderate < severe and a new mild
# tremor (previous rating none or none recorded) being R-TREMOR-MILD, the only case below
# moderate is a mild tremor that persists (previous mild or worse) over a tremor-free first
# rating.
_NEW_MILD_TREMOR = all_of(is_in("tremor_rating", "mild"), is_in("previous_tremor", None, "none"))
_TREMOR_WORSE = any_of(
    is_in("tremor_rating", "moderate", "severe"),
    all_of(is_in("tremor_rating", "mild"), is_in("previous_tremor", "mild", "moderate", "severe"),
           is_in("baseline_tremor", "none")))


RULES: tuple[Rule, ...] = (
    Rule("R-FEVER", "temperature >= 38.0 °C (100.4 °F)", "urgent", "CRS",
         "ASTCT 2019 (fever defines CRS grade 1); product labels' patient advice",
         cmp("temperature_c", ">=", threshold="fever_c")),
    Rule("R-HYPOTHERMIA", "temperature < 35.0 °C", "urgent", "CRS",
         "sepsis warning sign in neutropenic patients",
         cmp("temperature_c", "<", threshold="hypothermia_c")),
    Rule("R-HYPOTENSION", "systolic BP < 90 mmHg", "emergency", "CRS",
         "ASTCT 2019 (hypotension defines grade >= 2; fever may be masked by antipyretics)",
         cmp("systolic_bp", "<", threshold="systolic_bp_emergency_below")),
    Rule("R-HYPOXIA", "SpO2 < 92 %", "emergency", "CRS",
         "ASTCT 2019 (hypoxia defines grade >= 2)",
         cmp("spo2", "<", threshold="spo2_emergency_below")),
    Rule("R-LOW-SPO2", "SpO2 92–94 %", "urgent", "CRS", "early hypoxia",
         all_of(cmp("spo2", ">=", threshold="spo2_emergency_below"),
                cmp("spo2", "<", threshold="spo2_urgent_below"))),
    Rule("R-TACHYCARDIA", "heart rate >= 120 /min at rest", "urgent", "CRS",
         "CRS sign (seed: tachycardia)",
         cmp("heart_rate", ">=", threshold="heart_rate_urgent_from")),
    Rule("R-TACHYPNOEA", "respiratory rate >= 25 /min", "urgent", "CRS",
         "NEWS2 (RR >= 25 scores 3); hypoxia sign",
         cmp("respiratory_rate", ">=", value=P.RESPIRATORY_RATE_URGENT_FROM)),
    Rule("R-BRADYPNOEA", "respiratory rate <= 8 /min", "urgent", "CRS",
         "NEWS2 (RR <= 8 scores 3)",
         cmp("respiratory_rate", "<=", value=P.RESPIRATORY_RATE_URGENT_AT_OR_BELOW)),
    Rule("R-BRADYCARDIA", "heart rate <= 40 /min", "urgent", "CRS",
         "NEWS2 (pulse <= 40 scores 3); labels: cardiac arrhythmia",
         cmp("heart_rate", "<=", value=P.HEART_RATE_SLOW_AT_OR_BELOW)),
    Rule("R-NEWS2", "NEWS2 from the vitals of one check-in >= 5; >= 7 is emergency", "urgent",
         "CRS", "Royal College of Physicians, NEWS2 (2017): 5–6 urgent response, "
         ">= 7 emergency response",
         cmp("news2", ">=", value=P.NEWS2_URGENT_FROM),
         severity_when=(("emergency", cmp("news2", ">=", value=P.NEWS2_EMERGENCY_FROM)),)),
    Rule("R-ANTIPYRETIC", "fever medicine taken in the last 6 h; urgent when temperature "
         ">= 37.5 °C (centre-tunable)", "routine", "CRS",
         "ASTCT 2019 and labels: antipyretics can mask fever; centres ask to be told",
         is_in("antipyretic", True),
         severity_when=(("urgent", cmp("temperature_c", ">=", threshold="antipyretic_urgent_c")),)),
    Rule("R-ICE-LOW", "ICE score 7–9 and below the patient's own baseline", "urgent", "ICANS",
         "ASTCT 2019 (ICE 7–9 = ICANS grade 1)",
         all_of(cmp("ice_total", ">", threshold="ice_emergency_at_or_below"),
                cmp("ice_total", ">=", value=P.ICE_LOW_AT_OR_ABOVE),
                cmp("ice_total", "<", other_fact="baseline_ice"),
                cmp("ice_total", "<", value=P.ICE_MAX))),
    Rule("R-ICE-SEVERE", "ICE score <= 6 and below the patient's own baseline", "emergency",
         "ICANS", "ASTCT 2019 (ICE 3–6 = grade 2, 0–2 = grade 3); v2: relative to baseline",
         all_of(cmp("ice_total", "<=", threshold="ice_emergency_at_or_below"),
                cmp("ice_total", "<", other_fact="baseline_ice"))),
    Rule("R-SEIZURE", "seizure seen", "emergency", "ICANS",
         "ASTCT 2019 (any seizure = grade >= 3)", symptoms_any("seizure")),
    Rule("R-CONSCIOUSNESS", "hard to wake, or unresponsive", "emergency", "ICANS",
         "ASTCT 2019 (depressed consciousness)", symptoms_any("hard_to_wake")),
    Rule("R-WEAKNESS", "new weakness of one side of the body", "emergency", "ICANS",
         "ASTCT 2019 (deep focal motor weakness = grade 4)", symptoms_any("weakness_one_side")),
    Rule("R-CONFUSION", "new confusion, word-finding trouble or slurred speech", "urgent",
         "ICANS", "seed: encephalopathy, aphasia; labels",
         symptoms_any("confusion", "word_finding", "slurred_speech")),
    Rule("R-SLEEPY", "unusually sleepy or very tired, but wakes easily", "urgent", "ICANS",
         "seed: lethargy; labels: severe fatigue", symptoms_any("sleepy")),
    Rule("R-JERKS", "sudden muscle jerks", "urgent", "ICANS", "seed: myoclonus",
         symptoms_any("jerks")),
    Rule("R-PERSONALITY", "personality change, agitation or restlessness", "urgent", "ICANS",
         "cilta-cel label (personality change); seed: delirium",
         symptoms_any("personality_change")),
    Rule("R-FACIAL", "new facial weakness or numbness", "urgent", "ICANS",
         "cilta-cel label (cranial nerve palsy, median ~3 weeks)", symptoms_any("facial_weakness")),
    Rule("R-HANDWRITING", "handwriting judged worse than baseline, or cannot write", "urgent",
         "ICANS", "ICE writing item; dysgraphia as early ICANS sign",
         is_in("handwriting_judgement", "worse", "cannot_write")),
    Rule("R-HANDWRITING-MEASURED",
         "measured handwriting change beyond the centre's threshold, judged same or not judged",
         "routine", "ICANS", "micrographia / dysgraphia",
         all_of(is_in("handwriting_beyond_baseline", True),
                is_in("handwriting_judgement", None, "same"))),
    Rule("R-TREMOR-MEASURED", "accelerometer tremor power well above the patient's baseline",
         "routine", "ICANS", "tremor", is_in("tremor_beyond_baseline", True)),
    Rule("R-TREMOR", "tremor moderate or severe, or worse than baseline", "urgent", "ICANS",
         "seed: tremor", _TREMOR_WORSE),
    Rule("R-TREMOR-MILD", "new mild tremor", "routine", "ICANS", "POLICY.md", _NEW_MILD_TREMOR),
    Rule("R-HEADACHE", "severe headache", "urgent", "ICANS", "seed: headache",
         symptoms_any("headache_severe")),
    Rule("R-BREATHING", "shortness of breath", "urgent", "CRS", "hypoxia symptom",
         symptoms_any("shortness_of_breath")),
    Rule("R-RIGORS", "shaking chills", "urgent", "CRS", "fever symptom", symptoms_any("rigors")),
    Rule("R-DIZZY", "dizziness or fainting", "urgent", "CRS", "hypotension symptom",
         symptoms_any("dizziness")),
    Rule("R-HEARTBEAT", "fast or irregular heartbeat felt", "urgent", "CRS",
         "labels (CRS symptoms: fast or irregular heartbeat)", symptoms_any("heartbeat")),
    Rule("R-GUT", "severe nausea, vomiting or diarrhoea", "urgent", "CRS",
         "labels (CRS symptoms: severe nausea, vomiting, diarrhoea)", symptoms_any("gut_severe")),
    Rule("R-BLEEDING", "bleeding or unusual bruising", "urgent", None,
         "labels: prolonged cytopenias after CAR-T", symptoms_any("bleeding")),
    Rule("R-OTHER", "something else, in the patient's or caregiver's own words", "routine", None,
         "a free-text line the centre reads", present("other_text")),
    Rule("R-MISSED", "no check-in for a due slot", "urgent", None,
         "a patient who stops answering may be drowsy or confused", None),
    Rule("R-MISSED-REPEATED", "a second due slot missed in a row", "urgent", None,
         "as R-MISSED", None),
)
BY_ID = {rule.id: rule for rule in RULES}
MISSED = BY_ID["R-MISSED"]
MISSED_REASON = NAMED_REASONS["R-MISSED"]
MISSED_REPEATED = BY_ID["R-MISSED-REPEATED"]
MISSED_REPEATED_REASON = NAMED_REASONS["R-MISSED-REPEATED"]
for _rule in RULES:  # a malformed condition fails at import, not at a patient's check-in
    for _cond in ((_rule.condition,) if _rule.condition else ()) + tuple(
            c for _s, c in _rule.severity_when):
        C.check(_cond)


def reason_of(rule: Rule | Fired) -> str:
    """The reason code printed for a rule (R-MISSED's is `missed_checkin`)."""
    return rule.reason


def missed_severity(day: int) -> str:
    """R-MISSED: urgent on days 0–14, routine from day 15."""
    return "urgent" if day <= P.MISSED_ACUTE_LAST_DAY else "routine"


def severity_for(rule: Rule, facts: Facts, thresholds: dict) -> str:
    """The rule's severity for these facts: the highest `severity_when` that holds."""
    severity = rule.severity
    for candidate, when in rule.severity_when:
        if (C.holds(when, facts, thresholds)
                and P.SEVERITIES.index(candidate) > P.SEVERITIES.index(severity)):
            severity = candidate
    return severity


def evaluate(facts: Facts, thresholds: dict) -> list[Fired]:
    """The rules whose condition holds for these facts, in table order, with severities."""
    return [Fired(r, severity_for(r, facts, thresholds)) for r in RULES
            if r.condition is not None and C.holds(r.condition, facts, thresholds)]


def news2(facts: Facts) -> tuple[int, dict[str, int]]:
    """The NEWS2 score of one check-in and its parts (for R-NEWS2 and the staff app)."""
    return C.news2(facts)


def published() -> list[dict]:
    """The rule table as data for phones (GET /api/v1/device/thresholds)."""
    return [{"id": r.id, "severity": r.severity, "syndrome": r.syndrome, "reason": r.reason,
             "condition": r.condition, "server_only": r.server_only,
             "severity_when": [{"severity": s, "when": w} for s, w in r.severity_when]}
            for r in RULES if r.condition is not None]


def validate_overrides(overrides: dict) -> dict[str, str]:
    """Problems with a centre's threshold overrides, by name (empty when all are safe)."""
    bounds = dict(P.THRESHOLD_BOUNDS)
    bounds.update({k: b for k, (_d, b) in P.MEASURE_OVERRIDES.items()})
    problems = {}
    for name, value in (overrides or {}).items():
        if name not in bounds:
            problems[name] = "not an adjustable threshold"
            continue
        low, high = bounds[name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems[name] = "must be a number"
        elif not low <= value <= high:
            problems[name] = f"must be between {low} and {high}"
    return problems


def effective_thresholds(centre) -> dict:
    """The policy thresholds with the centre's safe overrides applied (unsafe ones ignored)."""
    thresholds = dict(P.THRESHOLDS)
    overrides = (centre.threshold_overrides if centre is not None else None) or {}
    bad = validate_overrides(overrides)
    thresholds.update({k: v for k, v in overrides.items()
                       if k not in bad and k in P.THRESHOLDS})
    if thresholds["spo2_urgent_below"] <= thresholds["spo2_emergency_below"]:
        thresholds["spo2_urgent_below"] = P.THRESHOLDS["spo2_urgent_below"]
    return thresholds
