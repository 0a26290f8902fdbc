"""The tremor motion format, validated: accelerometer samples of a phone held at arm's length.

{"samples": [[t_ms, ax, ay, az], ...]}: devicemotion accelerationIncludingGravity in m/s^2 at
the device's own rate (often 60 Hz, not always even), 10-20 s, time never going backwards.
"""
from __future__ import annotations

from marshmallow import ValidationError, validates_schema

from .. import policy as P
from .arrays import Rows, StrictSchema


class MotionSchema(StrictSchema):
    """A motion sample; plausible duration, rate and values, bounded size."""

    samples = Rows(4, P.MOTION_MAX_SAMPLES, required=True)

    @validates_schema
    def _samples_are_plausible(self, data, **kwargs):
        samples = data.get("samples")
        if samples is None:
            return
        if len(samples) < 2:
            raise ValidationError("too few samples", "samples")
        low, high = P.MOTION_SECONDS_RANGE
        previous = None
        for i, (t, *acc) in enumerate(samples):
            if t < 0 or (previous is not None and t < previous):
                raise ValidationError(f"sample {i}: time must not go backwards", "samples")
            if previous is not None and t - previous > P.MOTION_MAX_GAP_S * 1000:
                raise ValidationError(f"sample {i}: gap longer than {P.MOTION_MAX_GAP_S} s",
                                      "samples")
            if any(abs(a) > P.MOTION_MAX_ABS for a in acc):
                raise ValidationError(f"sample {i}: acceleration beyond "
                                      f"{P.MOTION_MAX_ABS} m/s^2", "samples")
            previous = t
        span = (samples[-1][0] - samples[0][0]) / 1000.0
        if not low <= span <= high:
            raise ValidationError(f"must cover {low:g}-{high:g} s", "samples")
        rate = (len(samples) - 1) / span
        rate_low, rate_high = P.MOTION_RATE_RANGE_HZ
        if not rate_low <= rate <= rate_high:
            raise ValidationError(f"sampling rate must be {rate_low:g}-{rate_high:g} Hz",
                                  "samples")
