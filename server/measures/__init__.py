"""Handwriting and tremor measured: stroke/motion formats, features, baseline comparison, SVG."""
from __future__ import annotations


def apply(checkin, patient) -> None:
    """Compute and store a check-in's measured features (see service.apply)."""
    from .service import apply as _apply  # late: the schemas import this package early

    _apply(checkin, patient)


def has_samples(checkin) -> bool:
    """The check-in carries strokes or motion to measure (see service.has_samples)."""
    from .service import has_samples as _has_samples

    return _has_samples(checkin)
