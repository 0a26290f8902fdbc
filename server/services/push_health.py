"""What one delivery attempt says about its subscription: keep it, deactivate or quarantine.

Every send ends here with a result (notifications never raises), so one subscription's
failure is an attempt row with an outcome and a reason, never a failed batch:
- `gone` (404/410): the browser unsubscribed, deactivated;
- `refused` (the endpoint is not an accepted push service) and `invalid` (nothing can be
  encrypted, signed or addressed for it): deactivated at once, they can never succeed;
- `error` (anything unexpected) and `redirect` (a 3xx, never followed): quarantined, i.e.
  deactivated, once its last NOTIFICATIONS_QUARANTINE_AFTER attempts (default
  QUARANTINE_AFTER) all failed so; a success in between starts the count again.
A re-registration from the browser (`POST /api/v1/push/subscriptions`) re-activates it.
Each failed attempt logs one line, without a traceback: a bad phone cannot flood the log.
"""
from __future__ import annotations

import datetime as dt
import logging

from flask import current_app

from ..audit import trail as audit
from ..extensions import db
from ..models import DeliveryAttempt, PushSubscription

log = logging.getLogger(__name__)

QUARANTINE_AFTER = 3  # consecutive error/redirect attempts; NOTIFICATIONS_QUARANTINE_AFTER
DEACTIVATE_AT_ONCE = {"refused": "endpoint_refused", "invalid": "unsendable"}
QUARANTINE_OUTCOMES = ("error", "redirect")


def record_attempt(intent_id: int, subscription_id: int, result, at: dt.datetime) -> None:
    """Store one attempt and what it says about the subscription (in the caller's commit)."""
    connection = db.session.connection()  # Core: no ORM flush per answer
    connection.execute(DeliveryAttempt.__table__.insert().values(
        intent_id=intent_id, subscription_id=subscription_id, at=at,
        status_code=result.status, outcome=result.outcome, error=result.error))
    table = PushSubscription.__table__
    if result.ok:  # at most once a minute per subscription: a hot row is not rewritten
        connection.execute(
            table.update().where(table.c.id == subscription_id, db.or_(
                table.c.last_success_at.is_(None),
                table.c.last_success_at < at - dt.timedelta(minutes=1)))
            .values(last_success_at=at))
        return
    if result.outcome == "gone":
        _deactivate(subscription_id, f"push_service_{result.status}", at, audited=False)
        return
    if result.outcome == "vapid":
        audit.record("push.vapid_refused", outcome="failed",
                     detail={"subscription": subscription_id, "status": result.status})
        return
    reason = DEACTIVATE_AT_ONCE.get(result.outcome)
    if reason is None and result.outcome in QUARANTINE_OUTCOMES \
            and _failing_run(subscription_id) >= quarantine_after():
        reason = "quarantined"
    if result.outcome in DEACTIVATE_AT_ONCE or result.outcome in QUARANTINE_OUTCOMES:
        log.warning("push to subscription %s (intent %s) failed, %s: %s%s", subscription_id,
                    intent_id, result.outcome, result.error,
                    f"; deactivated ({reason})" if reason else "")
    if reason:
        _deactivate(subscription_id, reason, at)


def quarantine_after() -> int:
    """How many failing attempts in a row quarantine a subscription (at least 1)."""
    return max(1, int(current_app.config.get("NOTIFICATIONS_QUARANTINE_AFTER",
                                             QUARANTINE_AFTER)))


def _failing_run(subscription_id: int) -> int:
    """How many of the subscription's latest attempts in a row failed with error/redirect."""
    recent = db.session.connection().execute(
        db.select(DeliveryAttempt.outcome).where(DeliveryAttempt.subscription_id
                                                 == subscription_id)
        .order_by(DeliveryAttempt.id.desc()).limit(quarantine_after())).scalars().all()
    run = 0
    for outcome in recent:
        if outcome not in QUARANTINE_OUTCOMES:
            break
        run += 1
    return run


def _deactivate(subscription_id: int, reason: str, at: dt.datetime, audited=True) -> None:
    table = PushSubscription.__table__
    changed = db.session.connection().execute(
        table.update().where(table.c.id == subscription_id, table.c.deactivated_at.is_(None))
        .values(deactivated_at=at, deactivated_reason=reason)).rowcount
    if changed and audited:
        audit.record("push.subscription.deactivated", outcome="failed",
                     detail={"subscription": subscription_id, "reason": reason})
