"""Every clinical number of clinical/POLICY.md (version 1), in one place.

Nothing else in the code may hard-code a threshold, bound or schedule time: import it from
here. Each entry names the POLICY.md section it comes from.
"""
from __future__ import annotations

POLICY_VERSION = 1

# --- Input bounds (POLICY.md "Input bounds"): outside -> HTTP 422 naming the field ---------
TEMPERATURE_C_MIN = 34.0
TEMPERATURE_C_MAX = 43.0
TEMPERATURE_F_MIN = 93.2
TEMPERATURE_F_MAX = 109.4
TEMPERATURE_UNITS = ("C", "F")
HEART_RATE_MIN, HEART_RATE_MAX = 30, 220
SYSTOLIC_BP_MIN, SYSTOLIC_BP_MAX = 50, 250
SPO2_MIN, SPO2_MAX = 50, 100
OBSERVED_MAX_PAST_HOURS = 72  # entries queued offline
OBSERVED_MAX_FUTURE_MINUTES = 5

# --- ICE score (POLICY.md "ICE score"): item -> maximum points ------------------------------
ICE_ITEMS = {"orientation": 4, "naming": 3, "commands": 1, "writing": 1, "attention": 1}
ICE_MAX = sum(ICE_ITEMS.values())
ICE_DEFAULT_BASELINE = 10

# --- Vocabulary (scenarios/FORMAT.md) -------------------------------------------------------
TREMOR_RATINGS = ("none", "mild", "moderate", "severe")
HANDWRITING_JUDGEMENTS = ("same", "worse", "cannot_write")
SYMPTOMS = (
    "headache_severe", "confusion", "word_finding", "slurred_speech", "seizure", "hard_to_wake",
    "weakness_one_side", "facial_weakness", "shortness_of_breath", "rigors", "dizziness",
)

# --- Time (POLICY.md "Time") ----------------------------------------------------------------
DEFAULT_WINDOW_DAYS = 30
MAX_WINDOW_DAYS = 100


def fahrenheit_to_celsius(value: float) -> float:
    """Convert °F to °C, rounded to 0.01 so 100.4 °F compares equal to 38.0 °C."""
    return round((value - 32.0) * 5.0 / 9.0, 2)
