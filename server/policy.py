"""Every clinical number of clinical/POLICY.md (version 2), in one place.

Nothing else in the code may hard-code a threshold, bound or schedule time: import it from
here. Each entry names the POLICY.md section it comes from.
"""
from __future__ import annotations

POLICY_VERSION = 2

# --- Input bounds (POLICY.md "Input bounds", v2): outside -> HTTP 422 naming the field ------
# v2 widens them to what a home device can show, so a real shock reading (systolic 48,
# SpO2 45, pulse 230) is stored and escalates instead of being refused as a typo.
TEMPERATURE_C_MIN = 30.0
TEMPERATURE_C_MAX = 44.0
TEMPERATURE_F_MIN = 86.0
TEMPERATURE_F_MAX = 111.2
TEMPERATURE_UNITS = ("C", "F")
HEART_RATE_MIN, HEART_RATE_MAX = 20, 250
SYSTOLIC_BP_MIN, SYSTOLIC_BP_MAX = 40, 300
SPO2_MIN, SPO2_MAX = 40, 100
RESPIRATORY_RATE_MIN, RESPIRATORY_RATE_MAX = 4, 60  # v2
OTHER_TEXT_MAX = 500  # R-OTHER: 1-500 characters after trimming; empty is no observation
# The usual range (POLICY.md "Input bounds", v2): the app asks "Is this right?" before
# sending a value outside it; the answer is sent, never refused (the API accepts the bounds).
USUAL_RANGE = {
    "temperature_c": (35.0, 40.0),
    "heart_rate": (40, 150),
    "systolic_bp": (50, 200),
    "spo2": (85, 100),
    "respiratory_rate": (8, 35),
}
OBSERVED_MAX_PAST_HOURS = 72  # entries queued offline
OBSERVED_MAX_FUTURE_MINUTES = 5

# --- ICE score (POLICY.md "ICE score"): item -> maximum points ------------------------------
ICE_ITEMS = {"orientation": 4, "naming": 3, "commands": 1, "writing": 1, "attention": 1}
ICE_MAX = sum(ICE_ITEMS.values())
ICE_DEFAULT_BASELINE = 10
# v2 "Who asks": the self-check's attention item is counting back from 100 by 10, typed
ICE_COUNT_BACK = (90, 80, 70, 60, 50, 40, 30, 20, 10)
# v2 self-check: a year or month is right if it is the patient's local one at any instant
# within this many minutes of the observation (a check begun before midnight and sent after)
ICE_SELF_DATE_TOLERANCE_MINUTES = 60

# --- Vocabulary (scenarios/FORMAT.md) -------------------------------------------------------
TREMOR_RATINGS = ("none", "mild", "moderate", "severe")
HANDWRITING_JUDGEMENTS = ("same", "worse", "cannot_write")
SYMPTOMS = (
    "headache_severe", "confusion", "word_finding", "slurred_speech", "seizure", "hard_to_wake",
    "weakness_one_side", "facial_weakness", "shortness_of_breath", "rigors", "dizziness",
    # v2: R-SLEEPY, R-JERKS, R-PERSONALITY, R-HEARTBEAT, R-GUT, R-BLEEDING
    "sleepy", "jerks", "personality_change", "heartbeat", "gut_severe", "bleeding",
)
# v2 R-ANTIPYRETIC: which fever medicine was taken in the last 6 h (optional detail)
ANTIPYRETIC_KINDS = ("paracetamol", "ibuprofen", "other")

# --- Time (POLICY.md "Time") ----------------------------------------------------------------
DEFAULT_WINDOW_DAYS = 30
MAX_WINDOW_DAYS = 100
# "Staff may extend it per patient up to day 100 - advised for the BCMA-directed products
# (idecabtagene vicleucel, ciltacabtagene autoleucel)": the enrolment form's suggestion
SUGGESTED_WINDOW_DAYS = {"ide-cel": MAX_WINDOW_DAYS, "cilta-cel": MAX_WINDOW_DAYS}
# Project bounds on the patient calendar (not clinical numbers; they catch typing errors such
# as a future year, "day -90 of 30"): an infusion or enrolment at most this far ahead of the
# server's clock (clock skew), and an infusion at most the longest window plus this many days
# back (a record still worth monitoring or correcting).
CALENDAR_MAX_FUTURE_MINUTES = 5
INFUSED_MAX_PAST_EXTRA_DAYS = 30


def fahrenheit_to_celsius(value: float) -> float:
    """Convert °F to °C, rounded to 0.01 so 100.4 °F compares equal to 38.0 °C."""
    return round((value - 32.0) * 5.0 / 9.0, 2)


# --- Finding thresholds (POLICY.md "Finding rules"); centres may override within bounds ------
THRESHOLDS = {
    "fever_c": 38.0,  # R-FEVER: temperature >= 38.0 °C (100.4 °F)
    "hypothermia_c": 35.0,  # R-HYPOTHERMIA: temperature < 35.0 °C
    "systolic_bp_emergency_below": 90,  # R-HYPOTENSION: systolic BP < 90 mmHg
    "spo2_emergency_below": 92,  # R-HYPOXIA: SpO2 < 92 %
    "spo2_urgent_below": 95,  # R-LOW-SPO2: SpO2 92–94 %
    "heart_rate_urgent_from": 120,  # R-TACHYCARDIA: heart rate >= 120 /min at rest
    "ice_emergency_at_or_below": 6,  # R-ICE-SEVERE: ICE <= 6 (ICE 3–6 = ICANS grade 2)
    "antipyretic_urgent_c": 37.5,  # R-ANTIPYRETIC (v2): urgent when temperature >= 37.5 °C
}
# Safe bounds for a centre's override (inclusive); set by the project, not by POLICY.md:
# each stays on the cautious side of the grading it comes from.
THRESHOLD_BOUNDS = {
    "fever_c": (37.5, 38.5),
    "hypothermia_c": (35.0, 36.0),
    "systolic_bp_emergency_below": (90, 100),
    "spo2_emergency_below": (92, 94),
    "spo2_urgent_below": (93, 96),
    "heart_rate_urgent_from": (100, 130),
    "ice_emergency_at_or_below": (6, 8),
    "antipyretic_urgent_c": (37.0, 37.9),  # POLICY.md R-ANTIPYRETIC: centre-tunable 37.0–37.9
}
ICE_LOW_AT_OR_ABOVE = 7  # R-ICE-LOW: ICE 7–9 and below the patient's baseline
EMERGENCY_SYMPTOMS = ("seizure", "hard_to_wake", "weakness_one_side")  # R-SEIZURE etc.
URGENT_SYMPTOMS = (  # R-CONFUSION, R-FACIAL, R-HEADACHE, R-BREATHING, R-RIGORS, R-DIZZY,
    # v2: R-SLEEPY, R-JERKS, R-PERSONALITY, R-HEARTBEAT, R-GUT, R-BLEEDING
    "confusion", "word_finding", "slurred_speech", "facial_weakness", "headache_severe",
    "shortness_of_breath", "rigors", "dizziness",
    "sleepy", "jerks", "personality_change", "heartbeat", "gut_severe", "bleeding",
)
# v2 vital-sign rules (POLICY.md "Finding rules"); the NEWS2 extremes, not centre-tunable
RESPIRATORY_RATE_URGENT_FROM = 25  # R-TACHYPNOEA: respiratory rate >= 25 /min
RESPIRATORY_RATE_URGENT_AT_OR_BELOW = 8  # R-BRADYPNOEA: respiratory rate <= 8 /min
HEART_RATE_SLOW_AT_OR_BELOW = 40  # R-BRADYCARDIA: heart rate <= 40 /min

# --- NEWS2 from home vitals (POLICY.md "NEWS2 from home vitals", v2; RCP NEWS2 2017) -------
# Each parameter: bands (inclusive upper bound, score) in ascending order; the last band has
# no upper bound. A missing parameter scores 0; room air (SpO2 scale 1). Temperature in °C.
NEWS2_BANDS = {
    "respiratory_rate": ((8, 3), (11, 1), (20, 0), (24, 2), (None, 3)),
    "spo2": ((91, 3), (93, 2), (95, 1), (None, 0)),
    "systolic_bp": ((90, 3), (100, 2), (110, 1), (219, 0), (None, 3)),
    "heart_rate": ((40, 3), (50, 1), (90, 0), (110, 1), (130, 2), (None, 3)),
    "temperature_c": ((35.0, 3), (36.0, 1), (38.0, 0), (39.0, 1), (None, 2)),
}
# Consciousness scores 3 for new confusion or hard to wake; `sleepy` scores 0.
NEWS2_CONSCIOUSNESS_SYMPTOMS = ("confusion", "word_finding", "slurred_speech", "hard_to_wake")
NEWS2_CONSCIOUSNESS_SCORE = 3
NEWS2_URGENT_FROM = 5  # R-NEWS2: aggregate 5–6 -> urgent response
NEWS2_EMERGENCY_FROM = 7  # R-NEWS2: aggregate >= 7 -> emergency response

# --- Severity and ladder (POLICY.md "Severity", "Closing the loop") ------------------------
SEVERITIES = ("routine", "urgent", "emergency")  # ascending
LADDER_MINUTES = {"emergency": 5, "urgent": 15}  # routine: one notification, no repeats
UNANSWERED_MINUTES = {"emergency": 10, "urgent": 30}  # tell patient/caregivers to call
# issue 4 (push): an urgent/emergency staff notice not shown on any device within this time
# counts as undeliverable and the ladder moves to the next tier at once
PUSH_SHOWN_WITHIN_MINUTES = 2

# --- Check-in schedule (POLICY.md "Check-in schedule and reminders"), local times -----------
SCHEDULE = (  # (first day, last day or None = end of the window, due hours)
    (0, 14, ("08:00", "14:00", "20:00")),
    (15, 30, ("08:00", "20:00")),
    (31, None, ("08:00",)),
)
SLOT_EARLY_MINUTES = 60  # a check-in from 60 min before the slot satisfies it
NEURO_CHECK_TIMES = ("08:00", "20:00")  # due slots with the neuro check (ICE, handwriting, tremor)
CAREGIVER_REMINDER_MINUTES = 60  # second reminder, to caregivers, at due + 60 min
MISSED_ACUTE_LAST_DAY = 14  # R-MISSED is urgent on days 0–14, routine from day 15
MISSED_AFTER_MINUTES = {"acute": 120, "late": 240}  # due + 2 h / due + 4 h
QUIET_HOURS = ("22:00", "07:00")  # local: no reminders (never delays staff)

# --- Measured handwriting and tremor (POLICY.md rules R-HANDWRITING-MEASURED,
# R-TREMOR-MEASURED; "Input bounds"). Owned by server/measures; routine findings only. ------
# Stroke capture: canvas units (x, y), t in ms, pressure 0..1; outside -> 422, nothing stored.
STROKES_MAX_SECONDS = 60
STROKES_MAX_POINTS = 20_000
STROKES_MAX_STROKES = 500
STROKES_CANVAS_MAX = 10_000  # canvas width/height, canvas units
STROKES_DPR_RANGE = (0.5, 5.0)
STROKES_EDGE_TOLERANCE = 0.05  # fraction of the canvas a point may lie outside it
# Motion capture: [t_ms, ax, ay, az] in m/s^2 (devicemotion accelerationIncludingGravity).
MOTION_SECONDS_RANGE = (9.5, 20.5)  # 10-20 s; slack for a timer's first and last event
MOTION_RATE_RANGE_HZ = (20.0, 250.0)  # achieved mean rate
MOTION_MAX_SAMPLES = 5_000
MOTION_MAX_ABS = 100.0  # m/s^2, about 10 g: beyond that a reading is not a hand
MOTION_MAX_GAP_S = 1.0
# A complete sample (usable as the baseline and compared with it).
HANDWRITING_MIN_SECONDS = 2.0
HANDWRITING_MIN_WIDTH_PX = 100.0
HANDWRITING_JITTER_BAND_HZ = (5.5, 12.0)  # tremor index: pen path deviation in this band
HANDWRITING_JITTER_FLOOR_PX = 0.5  # baseline jitter counted as at least this
HANDWRITING_JITTER_RHYTHM_FACTOR = 1.8  # band starts at least this x the writing rhythm
TREMOR_BAND_HZ = (4.0, 12.0)  # POLICY.md R-TREMOR-MEASURED
TREMOR_MIN_RATE_HZ = 25.0  # resampling needs > 2 x the band's top frequency
# Deviation from the baseline: each component is scaled so 1.0 = its tolerance; the
# handwriting deviation is the largest component. Conservative: day-to-day variation of a
# healthy writer stays well below (see tests/test_measures_handwriting.py).
HANDWRITING_TOLERANCE = {
    "size": 0.40,  # |ln(height / baseline height)|: about -33 % / +49 %
    "micrographia": 0.35,  # fall of ln(height) along the line, more than at baseline
    "drift_deg": 6.0,  # change of baseline angle, degrees
    "jitter": 0.5,  # ln(tremor index / baseline): 1.65 x the baseline jitter
}
HANDWRITING_DEVIATION_THRESHOLD = 1.0
HANDWRITING_DEVIATION_BOUNDS = (0.75, 2.0)  # a centre may tune within these
TREMOR_RATIO_THRESHOLD = 3.0  # 4-12 Hz RMS acceleration, times the baseline's
TREMOR_RATIO_BOUNDS = (2.0, 6.0)
TREMOR_MIN_BAND_RMS = 0.15  # m/s^2: below this nothing is called tremor, whatever the ratio
MEASURE_OVERRIDES = {  # Centre.threshold_overrides key -> (default, bounds)
    "handwriting_deviation": (HANDWRITING_DEVIATION_THRESHOLD, HANDWRITING_DEVIATION_BOUNDS),
    "tremor_ratio": (TREMOR_RATIO_THRESHOLD, TREMOR_RATIO_BOUNDS),
}


# =============================================================================================
# --- Escalation lifecycle and centre schedule (policy v2; owned by the ladder) ---------------
# POLICY.md "Acknowledged is not resolved (v2)": while acknowledged and unresolved, a finding
# re-alerts when it raises the severity, is an emergency finding, adds a syndrome, or is one
# of these missed-check-in findings. R-MISSED re-alerts on days 0..REALERT_MISSED_LAST_DAY.
REALERT_MISSED_LAST_DAY = 14
REALERT_ALWAYS_RULES = ("R-MISSED-REPEATED",)
# "Acknowledgements lapse": urgent 4 h, emergency 1 h after the last acknowledgement; a centre
# may tune each within ACK_LAPSE_BOUNDS_HOURS (Centre.ack_lapse_hours). Routine never lapses.
ACK_LAPSE_HOURS = {"urgent": 4, "emergency": 1}
ACK_LAPSE_BOUNDS_HOURS = (1, 12)
# "Routine follow-up (v2)": routine, never acknowledged, 12 h after opening -> every tier once.
ROUTINE_FOLLOWUP_HOURS = 12
# "Check-in schedule and reminders" (v2): a centre's own times per period, within these limits.
SCHEDULE_PERIODS = {"0-14": 0, "15-30": 1, "31-": 2}  # key -> index into SCHEDULE
SCHEDULE_MIN_SLOTS = {"0-14": 3, "15-30": 2, "31-": 1}
SCHEDULE_MIN_GAP_HOURS = 3  # between any two slots of a day, across midnight too
SCHEDULE_MAX_SLOTS = 8  # project bound: 24 h / 3 h
# "Time" (v2): days after infusion near the centre and without driving; defaults per the
# labels since the FDA change of June 2025. Bounds set by the project: never below the
# labels' two weeks, never beyond the longest monitoring window.
PROXIMITY_DAYS = 14
DRIVING_DAYS = 14
CENTRE_DAYS_BOUNDS = (14, MAX_WINDOW_DAYS)

# =============================================================================================
# --- Registry outcomes (issue 18; owned by `course`) -----------------------------------------
# POLICY.md "References": ASTCT 2019 consensus grading (Lee et al.). Staff record, on resolving
# an escalation, the highest ASTCT grade seen per syndrome and the treatments given (dated),
# as registries (CIBMTR) ask for them. Grade 5 (death) is not recorded through this app.
ASTCT_GRADES = (1, 2, 3, 4)
OUTCOME_SYNDROMES = ("CRS", "ICANS")
OUTCOME_TREATMENTS = ("tocilizumab", "steroids", "admission", "icu")
