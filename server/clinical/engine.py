"""Evaluate a stored check-in against the finding rules (filled in by the clinical engine)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..models import CheckIn


@dataclass
class Evaluation:
    """What a check-in led to: rule ids found, the escalation touched, the advice to show."""

    findings: list[str] = field(default_factory=list)
    escalation_ref: dict | None = None
    instruction: dict | None = None


def evaluate_checkin(checkin: CheckIn) -> Evaluation:
    """Run the rules in the caller's transaction; the clinical engine issue replaces this."""
    return Evaluation(instruction={"severity": None, "action": "none",
                                   "text": "Thank you. Your entry was saved.", "phone": None})
