"""Handwriting and tremor measured: stroke/motion formats, features, baseline comparison, SVG."""
from __future__ import annotations


def apply(checkin, patient) -> None:
    """Compute and store a check-in's measured features (see service.apply)."""
    from .service import apply as _apply  # late: the schemas import this package early

    _apply(checkin, patient)
