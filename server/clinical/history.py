"""An escalation's history rows: what the timeline, the staff app and scenario lines read."""
from __future__ import annotations

import datetime as dt

from ..extensions import db
from ..models import Escalation, EscalationEvent


def add_event(escalation: Escalation, kind: str, at: dt.datetime, staff_id=None,
              new_reasons: list[str] | None = None) -> None:
    """Append one state change, with the escalation's severity, syndromes and reasons now."""
    db.session.add(EscalationEvent(
        escalation_id=escalation.id, at=at, kind=kind, severity=escalation.severity,
        syndromes=list(escalation.syndromes), reasons=list(escalation.reasons),
        staff_id=staff_id, observed_at=escalation.observed_at, new_reasons=new_reasons))
