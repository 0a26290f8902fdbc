"""A staff alert that did not arrive: close its row, try the next channel or move the ladder."""
from __future__ import annotations

import datetime as dt

from ..audit import trail as audit
from ..clinical import channel_plan, ladder
from ..extensions import db
from ..models import Escalation
from .lease import finish
from .rows import Job


def close(job: Job, owner: str, state: str, error: str | None, at: dt.datetime,
          flag: str | None = None, **values) -> str:
    """Finish the row in a final `state`; with a `flag`, flag its recipient unreachable."""
    if flag:
        values["shown_deadline"] = None  # flagged now: no second flag from the receipt check
    if finish(job, owner, state=state, last_error=(error or None) and error[:200], **values):
        if flag:
            flag_unreachable(job, at, flag)
    return state


def flag_unreachable(job: Job, at: dt.datetime, reason: str) -> bool:
    """A staff alert did not reach its recipient: flag it; a top-tier miss skips a tier.

    A row of a channel chain with a later channel still to come brings that one forward
    instead (channel_plan.fallback): the ladder moves on only when the last channel failed.
    """
    if channel_plan.fallback(job.id, at, reason):
        return True
    if not job.staff_alert:
        return False
    escalation = db.session.get(Escalation, job.escalation_id)
    if escalation is None or escalation.state != "open":
        return False
    audit.record("push.undeliverable", patient_id=escalation.patient_id, outcome="failed",
                 detail={"escalation": escalation.id, "intent": job.id, "reason": reason})
    ladder.recipient_unreachable(escalation, ("staff", job.recipient_id), at,
                                 f"{reason}:staff{job.recipient_id}")
    return True
