"""Measure a check-in's strokes and motion, compare with the patient's baseline, keep results.

`apply` runs in the check-in transaction after the row is flushed (it has an id) and before
the clinical engine evaluates it; the engine's R-HANDWRITING-MEASURED / R-TREMOR-MEASURED read
only `beyond_baseline`. The first complete sample of each kind becomes the baseline.
"""
from __future__ import annotations

import logging

from .. import policy as P
from ..clock import now
from ..domain_errors import invalid_field
from ..extensions import db
from ..models import BaselineChange, Centre, CheckIn, Patient
from . import handwriting, tremor

log = logging.getLogger(__name__)

KINDS = {
    "handwriting": ("handwriting_strokes", "handwriting_features",
                    "baseline_handwriting_checkin_id"),
    "tremor": ("tremor_motion", "tremor_features", "baseline_tremor_checkin_id"),
}

# Every key a stored handwriting_features / tremor_features may carry (the features of
# handwriting.py and tremor.py, their deviation components, and what `measure` adds); the
# staff app labels each with its unit and meaning (pwa/staff/js/i18n.js, tested).
FEATURE_NAMES = (
    "samples", "duration_s", "rate_hz", "rms", "band_rms", "band_fraction", "dominant_hz",
    "ratio", "points", "pen_lifts", "pen_down_s", "ink_px", "speed_px_s", "width_px",
    "height_px", "height_trend", "drift_deg", "slant_deg", "rhythm_hz", "tremor_index",
    "size", "micrographia", "drift", "jitter", "complete", "error", "deviation", "components",
    "beyond_baseline", "baseline_id",
)


def thresholds(centre: Centre | None) -> dict[str, float]:
    """The measure thresholds in force for a centre (an out-of-bounds override is ignored)."""
    overrides = (centre.threshold_overrides or {}) if centre is not None else {}
    out = {}
    for key, (default, (low, high)) in P.MEASURE_OVERRIDES.items():
        value = overrides.get(key)
        ok = isinstance(value, int | float) and not isinstance(value, bool) and low <= value <= high
        out[key] = float(value) if ok else default
    return out


def _features(kind: str, data: dict) -> dict:
    return handwriting.features(data) if kind == "handwriting" else tremor.features(data)


def _compare(kind: str, current: dict, baseline: dict, limits: dict) -> tuple[dict, float, bool]:
    if kind == "handwriting":
        parts = handwriting.deviation(current, baseline)
        score = max(parts.values())
        return parts, score, score >= limits["handwriting_deviation"]
    parts = tremor.deviation(current, baseline)
    return parts, parts["ratio"], tremor.beyond(current, parts, limits["tremor_ratio"])


def baseline_features(patient: Patient, kind: str) -> dict | None:
    """The features of the patient's baseline sample of this kind, if it is usable."""
    checkin_id = getattr(patient, KINDS[kind][2])
    row = db.session.get(CheckIn, checkin_id) if checkin_id else None
    if row is None or row.patient_id != patient.id:
        return None
    found = getattr(row, KINDS[kind][1])
    return found if found and found.get("complete") else None


def measure(checkin: CheckIn, patient: Patient, kind: str, limits: dict) -> dict | None:
    """Features of one kind for a check-in, compared with (or becoming) the baseline."""
    raw_attr, _out_attr, baseline_attr = KINDS[kind]
    raw = getattr(checkin, raw_attr)
    if not raw:
        return None
    try:
        found = _features(kind, raw)
    except (ValueError, ArithmeticError, IndexError):  # never lose the check-in over a measure
        log.exception("measure failed", extra={"checkin": checkin.id, "kind": kind})
        return {"complete": False, "error": "not_measurable", "deviation": None,
                "beyond_baseline": False}
    found.update(deviation=None, components=None, beyond_baseline=False, baseline_id=None)
    if not found["complete"]:
        return found
    base = baseline_features(patient, kind)
    if base is None:
        previous = getattr(patient, baseline_attr)
        setattr(patient, baseline_attr, checkin.id)
        db.session.add(BaselineChange(  # in the history too, so staff can go back to it
            patient_id=patient.id, kind=kind, checkin_id=checkin.id,
            previous_checkin_id=previous, at=now()))
        found.update(deviation=0.0, baseline_id=checkin.id)
        return found
    parts, score, beyond = _compare(kind, found, base, limits)
    found.update(deviation=round(score, 3), components=parts, beyond_baseline=bool(beyond),
                 baseline_id=getattr(patient, baseline_attr))
    return found


def has_samples(checkin: CheckIn) -> bool:
    """The check-in carries strokes or motion to measure (against its own row's baseline)."""
    return any(getattr(checkin, raw) is not None for raw, _out, _base in KINDS.values())


def apply(checkin: CheckIn, patient: Patient) -> None:
    """Store handwriting_features / tremor_features on a flushed check-in (and baselines)."""
    if not has_samples(checkin):
        return  # nothing measured: skip the centre's thresholds on the hot path
    limits = thresholds(patient.centre)
    for kind, (_raw, out_attr, _base) in KINDS.items():
        result = measure(checkin, patient, kind, limits)
        if result is not None:
            setattr(checkin, out_attr, result)


def set_baseline(patient: Patient, kind: str, checkin_id: int) -> CheckIn:
    """Make a complete sample of this patient the baseline of its kind (422 otherwise)."""
    field = f"{kind}_checkin_id"
    row = db.session.get(CheckIn, checkin_id)
    if row is None or row.patient_id != patient.id:
        raise invalid_field(field, "is not a check-in of this patient")
    found = getattr(row, KINDS[kind][1])
    if not found or not found.get("complete"):
        raise invalid_field(field, f"has no complete {kind} sample")
    setattr(patient, KINDS[kind][2], row.id)
    return row


def samples(patient: Patient, kind: str, limit: int) -> list[dict]:
    """A patient's measured samples of one kind, newest first, with the baseline marked."""
    out_attr = getattr(CheckIn, KINDS[kind][1])
    label = CheckIn.handwriting_judgement if kind == "handwriting" else CheckIn.tremor_rating
    rows = db.session.execute(
        db.select(CheckIn.id, CheckIn.observed_at, label, out_attr)
        .where(CheckIn.patient_id == patient.id, out_attr.isnot(None))
        .order_by(CheckIn.observed_at.desc(), CheckIn.id.desc()).limit(limit)
    ).all()
    baseline_id = getattr(patient, KINDS[kind][2])
    return [{"checkin_id": r[0], "observed_at": r[1], "label": r[2], "features": r[3],
             "is_baseline": r[0] == baseline_id} for r in rows]
