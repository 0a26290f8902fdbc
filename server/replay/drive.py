"""Moving the virtual clock: due work at each due time, events posted through the real API."""
from __future__ import annotations

import datetime as dt
import uuid

import click

from .world import Replay, staff_client

MAX_STEPS = 200_000
# A request reaches the server one second after the event's `at` (the phone's round trip),
# so everything an event causes is stamped strictly after the event and after due work of
# the same instant.
LATENCY = dt.timedelta(seconds=1)


def checkin(replay: Replay, event: dict) -> None:
    """POST the check-in from the patient's or first caregiver's phone; a refusal is a line."""
    client = replay.app.test_client()
    headers = {"Authorization": f"Bearer {replay.devices[event['by']]}",
               "Idempotency-Key": str(uuid.uuid4())}
    response = client.post("/api/v1/checkins", json=event["checkin"], headers=headers)
    if response.status_code == 201:
        return
    error = (response.json or {}).get("error", {})
    fields = error.get("fields") or {"_body": [error.get("message", "refused")]}
    name, messages = next(iter(fields.items()))
    replay.rejected.append({"at": replay.clock.current, "event": "rejected", "field": name,
                            "message": messages[0] if messages else error.get("message")})


def staff_action(replay: Replay, event: dict) -> None:
    """acknowledge / unacknowledge / resolve the patient's open escalation as that staff."""
    client = staff_client(replay, event["by"][6:])
    found = client.get(f"/api/v1/staff/escalations?state=unresolved"
                       f"&patient_id={replay.patient_id}")
    rows = found.json if found.status_code == 200 else []
    if not rows:
        click.echo(f"scenario: {event['do']} at {event['at']}: no open escalation", err=True)
        return
    url = f"/api/v1/staff/escalations/{rows[0]['id']}/{event['do']}"
    body = {"outcome": event.get("outcome", "other"), "note": event.get("note", "scenario")} \
        if event["do"] == "resolve" else None
    response = client.post(url, json=body)
    if response.status_code != 200:
        click.echo(f"scenario: {event['do']} refused: {response.status_code}", err=True)


def drive(replay: Replay) -> None:
    """Step the clock to each next due row or event, in time order, up to `until`."""
    from .. import transaction
    from ..clinical.jobs import next_due_at
    from ..services import rota_notices

    events, until, clock = replay.scenario.events, replay.scenario.until, replay.clock
    rotas = bool(replay.scenario.rotas)

    def run_due_work(at):
        from ..clinical.jobs import run_due_work as due_work

        due_work(at)
        if rotas:  # the worker's tick: due work, then handoff notices and coverage warnings
            with transaction.job():
                rota_notices.run(at)

    index = 0
    for _ in range(MAX_STEPS):
        due = next_due_at()
        if rotas:
            handoff = rota_notices.next_at(clock.current, until)
            if handoff is not None and (due is None or handoff < due):
                due = handoff
        event_at = events[index]["at"] + LATENCY if index < len(events) else None
        if due is not None and due <= until and (event_at is None or due <= event_at):
            clock.set(max(due, clock.current))
            run_due_work(clock.current)
        elif event_at is not None:
            clock.set(max(event_at, clock.current))
            event = events[index]
            index += 1
            if event["by"].startswith("staff:"):
                staff_action(replay, event)
            else:
                checkin(replay, event)
        else:
            break
    else:
        raise RuntimeError("scenario did not settle (too many steps)")
    clock.set(max(until, clock.current))
    run_due_work(clock.current)
