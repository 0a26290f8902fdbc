"""Write audit events: references only (ids, action names), never values or tokens."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import ColumnElement, and_, or_, text

from ..clock import now
from ..extensions import db
from .model import AuditEvent

_held: ContextVar[list[AuditEvent] | None] = ContextVar("cartwatch_held_audit", default=None)


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
    held = _held.get()
    if held is not None:
        held.append(event)
    else:
        db.session.add(event)
    return event


@contextmanager
def held() -> Iterator[list[AuditEvent]]:
    """Keep the events recorded in the block out of the session, in the order recorded.

    A due-work batch takes the audit chain's lock last: its handlers' events wait here and
    the batch adds them after its other writes (`release`). The caller may drop a failed
    part's events by truncating the list.
    """
    events: list[AuditEvent] = []
    token = _held.set(events)
    try:
        yield events
    finally:
        _held.reset(token)


def release(events: list[AuditEvent]) -> None:
    """Add held events to the session (the next flush chains them, in this order)."""
    db.session.add_all(events)
    events.clear()


# Reads that return many patients at once: each records the ids it returned, so the question
# "who saw patient X" covers the dashboard and lists, not only the one-patient pages.
LIST_READS = ("patient.list", "patient.overview", "escalation.list", "escalation.history",
              "quality.read", "quality.whatif",  # the quality page lists patients too
              "outcomes.export",  # the registry export (course)
              "fhir.search", "fhir.export")


def record_list_read(action: str, patient_ids) -> AuditEvent:
    """Record a list read: how many rows it returned and the distinct ids of their patients."""
    assert action in LIST_READS, action
    ids = list(patient_ids)
    return record(action, detail={"count": len(ids), "patients": sorted(set(ids))})


def concerns_patient(patient_id: int) -> ColumnElement[bool]:
    """Events about one patient: its own rows and the list reads that returned it.

    The ids live in the chained `detail` JSON (so they are tamper-evident like the rest of
    the row); the containment test is the dialect's own JSON operator.
    """
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        seen = text("(audit_event.detail::jsonb -> 'patients') @> to_jsonb(CAST(:seen AS integer))")
    else:
        seen = text("EXISTS (SELECT 1 FROM json_each(audit_event.detail, '$.patients') "
                    "WHERE json_each.value = :seen)")
    return or_(AuditEvent.patient_id == patient_id,
               and_(AuditEvent.action.in_(LIST_READS), seen.bindparams(seen=patient_id)))
