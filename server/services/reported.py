"""What the family reported in words behind each escalation: fever medicine and free text.

The queue card shows these beside the reasons: fever medicine can hide a fever (R-ANTIPYRETIC)
and free text (R-OTHER) is read by a person. Staff-only: none of it ever goes into a push
payload (notifications carry no clinical details).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..extensions import db
from ..models import CheckIn, Finding


def for_escalations(escalation_ids: list[int]) -> dict[int, dict[str, Any]]:
    """{escalation id: {"antipyretic": bool, "kind": latest medicine kind or None,
    "other": [{checkin_id, observed_at, text}]}}.

    One query over the check-ins behind the escalations' findings, oldest first.
    """
    out: dict[int, dict[str, Any]] = defaultdict(lambda: {"antipyretic": False, "kind": None,
                                                        "other": []})
    if not escalation_ids:
        return out
    rows = db.session.execute(
        db.select(Finding.escalation_id, CheckIn.id, CheckIn.observed_at, CheckIn.antipyretic,
                  CheckIn.antipyretic_kind, CheckIn.other_text)
        .join(CheckIn, CheckIn.id == Finding.checkin_id)
        .where(Finding.escalation_id.in_(escalation_ids))
        .where(db.or_(CheckIn.antipyretic.is_(True), CheckIn.other_text.is_not(None)))
        .distinct().order_by(CheckIn.observed_at, CheckIn.id)
    ).all()
    for escalation_id, checkin_id, observed_at, antipyretic, kind, text in rows:
        entry = out[escalation_id]
        if antipyretic:
            entry["antipyretic"] = True
            entry["kind"] = kind or entry["kind"]
        if text is not None:
            entry["other"].append({"checkin_id": checkin_id,
                                   "observed_at": observed_at, "text": text})
    return out
