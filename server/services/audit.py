"""Write audit events: references only (ids, action names), never values or tokens."""
from __future__ import annotations

from typing import Any

from flask import g, has_request_context, request

from ..clock import now
from ..extensions import db
from ..models import AuditEvent


def _actor() -> tuple[str, int | None]:
    actor = g.get("actor") if has_request_context() else None
    if actor is None:
        return ("system" if not has_request_context() else "anonymous", None)
    return actor.kind, actor.id


def record(
    action: str,
    *,
    patient_id: int | None = None,
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
    actor: tuple[str, int | None] | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction (committed with the work it records)."""
    kind, actor_id = actor or _actor()
    event = AuditEvent(
        at=now(),
        actor_kind=kind,
        actor_id=actor_id,
        action=action,
        patient_id=patient_id,
        outcome=outcome,
        request_id=g.get("request_id") if has_request_context() else None,
        address=request.remote_addr if has_request_context() else None,
        detail=detail,
    )
    db.session.add(event)
    return event


def record_now(action: str, **kwargs: Any) -> None:
    """Record and commit at once: for refusals and failures whose own work is rolled back."""
    db.session.rollback()
    record(action, **kwargs)
    db.session.commit()
