"""A dispatch pass: reap, check receipts, then claim and deliver due rows until none is due."""
from __future__ import annotations

import logging
from collections import Counter

from sqlalchemy.exc import OperationalError

from ..clock import now
from ..extensions import db
from .deliver import deliver_batch
from .flagging import close
from .lease import claim, new_owner, reap
from .receipts import check_shown
from .rows import NI, job_of

log = logging.getLogger("server.outbox")


def run_pass(max_batches: int = 200, housekeeping: bool = True) -> dict:
    """Reap, check receipts, then claim and deliver due rows until none is due.

    Immediate dispatch passes `housekeeping=False`: it only sends; the worker's periodic
    pass reaps leases and checks receipts.
    """
    owner = new_owner()
    counts: Counter = Counter()
    if housekeeping:
        counts["reaped"] += reap(now())
        counts["not_shown"] += check_shown(now())
    for _ in range(max_batches):
        ids = claim(owner, now())
        if not ids:
            break
        states: dict[int, str] = {}
        try:
            deliver_batch(ids, owner, states)
        except Exception:
            db.session.rollback()
            log.exception("delivering outbox rows %s failed; again one row at a time", ids)
            for intent_id in [i for i in ids if i not in states]:
                _deliver_alone(intent_id, owner, states)
        counts.update(states.values())
        if stuck := len(set(ids) - set(states)):  # left leased (the database failing, say):
            counts["error"] += stuck  # their leases expire; claiming again would return them
            break
    return {k: v for k, v in counts.items() if v}


def _deliver_alone(intent_id: int, owner: str, states: dict[int, str]) -> None:
    """Deliver one row of a batch that failed; a row that fails alone too ends `failed`.

    Its reason is stored and, for a staff alert, the escalation is flagged so the ladder
    moves on. A database outage leaves the row leased: reaped, it is tried again later.
    """
    try:
        deliver_batch([intent_id], owner, states, recheck=True)
        return
    except Exception as exc:
        db.session.rollback()
        reason = f"dispatch error: {type(exc).__name__}"
        log.error("outbox row %s failed alone too (%s): %s", intent_id, reason,
                  " ".join(str(exc).split())[:160])
        if isinstance(exc, OperationalError):
            return
    try:
        intent = db.session.get(NI, intent_id)
        if intent is not None and intent.lease_owner == owner and intent.state == "leased":
            states[intent_id] = close(job_of(intent), owner, "failed", reason, now(),
                                      flag="dispatch_error")
        db.session.commit()
    except Exception:
        db.session.rollback()
        states.pop(intent_id, None)
        log.error("outbox row %s: could not record its failure; left to its lease", intent_id)
