"""The finding rules of POLICY.md as data, and the small engine that evaluates them.

Each rule carries its POLICY.md id, severity, syndrome, reason code and source; its condition
reads a check-in's `Facts` and the centre's effective thresholds (policy.py + overrides).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from . import policy as P

RATING_RANK = {name: rank for rank, name in enumerate(P.TREMOR_RATINGS)}


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


Condition = Callable[[Facts, dict], bool]


@dataclass(frozen=True)
class Rule:
    """One finding rule of POLICY.md."""

    id: str
    finding: str
    severity: str
    syndrome: str | None
    source: str
    condition: Condition | None  # None: raised by the schedule, not by a check-in

    @property
    def reason(self) -> str:
        """The reason code: the id in lower case without `R-`, dashes as underscores."""
        return self.id.removeprefix("R-").lower().replace("-", "_")


def _has(*symptoms: str) -> Condition:
    return lambda f, t: bool(f.symptoms & set(symptoms))


def _tremor_new_mild(f: Facts, t: dict) -> bool:
    return f.tremor_rating == "mild" and f.previous_tremor in (None, "none")


def _tremor_worse(f: Facts, t: dict) -> bool:
    """Moderate or severe; or above the first recorded rating when not a new mild tremor."""
    if f.tremor_rating in ("moderate", "severe"):
        return True
    if f.tremor_rating is None or f.baseline_tremor is None or _tremor_new_mild(f, t):
        return False
    return RATING_RANK[f.tremor_rating] > RATING_RANK[f.baseline_tremor]


def _set(value) -> bool:
    return value is not None


RULES: tuple[Rule, ...] = (
    Rule("R-FEVER", "temperature >= 38.0 °C (100.4 °F)", "urgent", "CRS",
         "ASTCT 2019 (fever defines CRS grade 1); product labels' patient advice",
         lambda f, t: _set(f.temperature_c) and f.temperature_c >= t["fever_c"]),
    Rule("R-HYPOTHERMIA", "temperature < 35.0 °C", "urgent", "CRS",
         "sepsis warning sign in neutropenic patients",
         lambda f, t: _set(f.temperature_c) and f.temperature_c < t["hypothermia_c"]),
    Rule("R-HYPOTENSION", "systolic BP < 90 mmHg", "emergency", "CRS",
         "ASTCT 2019 (hypotension defines grade >= 2; fever may be masked by antipyretics)",
         lambda f, t: _set(f.systolic_bp) and f.systolic_bp < t["systolic_bp_emergency_below"]),
    Rule("R-HYPOXIA", "SpO2 < 92 %", "emergency", "CRS",
         "ASTCT 2019 (hypoxia defines grade >= 2)",
         lambda f, t: _set(f.spo2) and f.spo2 < t["spo2_emergency_below"]),
    Rule("R-LOW-SPO2", "SpO2 92–94 %", "urgent", "CRS", "early hypoxia",
         lambda f, t: _set(f.spo2)
         and t["spo2_emergency_below"] <= f.spo2 < t["spo2_urgent_below"]),
    Rule("R-TACHYCARDIA", "heart rate >= 120 /min at rest", "urgent", "CRS",
         "CRS sign (seed: tachycardia)",
         lambda f, t: _set(f.heart_rate) and f.heart_rate >= t["heart_rate_urgent_from"]),
    Rule("R-ICE-LOW", "ICE score 7–9 and below the patient's own baseline", "urgent", "ICANS",
         "ASTCT 2019 (ICE 7–9 = ICANS grade 1)",
         lambda f, t: _set(f.ice_total)
         and max(t["ice_emergency_at_or_below"] + 1, P.ICE_LOW_AT_OR_ABOVE)
         <= f.ice_total < min(f.baseline_ice, P.ICE_MAX)),
    Rule("R-ICE-SEVERE", "ICE score <= 6", "emergency", "ICANS",
         "ASTCT 2019 (ICE 3–6 = grade 2, 0–2 = grade 3)",
         lambda f, t: _set(f.ice_total) and f.ice_total <= t["ice_emergency_at_or_below"]),
    Rule("R-SEIZURE", "seizure seen", "emergency", "ICANS",
         "ASTCT 2019 (any seizure = grade >= 3)", _has("seizure")),
    Rule("R-CONSCIOUSNESS", "hard to wake, or unresponsive", "emergency", "ICANS",
         "ASTCT 2019 (depressed consciousness)", _has("hard_to_wake")),
    Rule("R-WEAKNESS", "new weakness of one side of the body", "emergency", "ICANS",
         "ASTCT 2019 (deep focal motor weakness = grade 4)", _has("weakness_one_side")),
    Rule("R-CONFUSION", "new confusion, word-finding trouble or slurred speech", "urgent",
         "ICANS", "seed: encephalopathy, aphasia; labels",
         _has("confusion", "word_finding", "slurred_speech")),
    Rule("R-FACIAL", "new facial weakness or numbness", "urgent", "ICANS",
         "cilta-cel label (cranial nerve palsy, median ~3 weeks)", _has("facial_weakness")),
    Rule("R-HANDWRITING", "handwriting judged worse than baseline, or cannot write", "urgent",
         "ICANS", "ICE writing item; dysgraphia as early ICANS sign",
         lambda f, t: f.handwriting_judgement in ("worse", "cannot_write")),
    Rule("R-HANDWRITING-MEASURED",
         "measured handwriting change beyond the centre's threshold, judged same or not judged",
         "routine", "ICANS", "micrographia / dysgraphia",
         lambda f, t: f.handwriting_beyond_baseline
         and f.handwriting_judgement in (None, "same")),
    Rule("R-TREMOR-MEASURED", "accelerometer tremor power well above the patient's baseline",
         "routine", "ICANS", "tremor", lambda f, t: f.tremor_beyond_baseline),
    Rule("R-TREMOR", "tremor moderate or severe, or worse than baseline", "urgent", "ICANS",
         "seed: tremor", _tremor_worse),
    Rule("R-TREMOR-MILD", "new mild tremor", "routine", "ICANS", "POLICY.md", _tremor_new_mild),
    Rule("R-HEADACHE", "severe headache", "urgent", "ICANS", "seed: headache",
         _has("headache_severe")),
    Rule("R-BREATHING", "shortness of breath", "urgent", "CRS", "hypoxia symptom",
         _has("shortness_of_breath")),
    Rule("R-RIGORS", "shaking chills", "urgent", "CRS", "fever symptom", _has("rigors")),
    Rule("R-DIZZY", "dizziness or fainting", "urgent", "CRS", "hypotension symptom",
         _has("dizziness")),
    Rule("R-MISSED", "no check-in for a due slot", "urgent", None,
         "a patient who stops answering may be drowsy or confused", None),
    Rule("R-MISSED-REPEATED", "a second due slot missed in a row", "urgent", None,
         "as R-MISSED", None),
)
BY_ID = {rule.id: rule for rule in RULES}
MISSED = BY_ID["R-MISSED"]
MISSED_REASON = "missed_checkin"  # POLICY.md names this reason explicitly


def reason_of(rule: Rule) -> str:
    """The reason code printed for a rule (R-MISSED's is `missed_checkin`)."""
    return MISSED_REASON if rule is MISSED else rule.reason


def missed_severity(day: int) -> str:
    """R-MISSED: urgent on days 0–14, routine from day 15."""
    return "urgent" if day <= P.MISSED_ACUTE_LAST_DAY else "routine"


def evaluate(facts: Facts, thresholds: dict) -> list[Rule]:
    """The rules whose condition holds for these facts, in table order."""
    return [r for r in RULES if r.condition is not None and r.condition(facts, thresholds)]


def validate_overrides(overrides: dict) -> dict[str, str]:
    """Problems with a centre's threshold overrides, by name (empty when all are safe)."""
    bounds = dict(P.THRESHOLD_BOUNDS)
    bounds.update({k: b for k, (_d, b) in getattr(P, "MEASURE_OVERRIDES", {}).items()})
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
