"""The replay's output: history, outbox rows and rejections as FORMAT.md JSON lines."""
from __future__ import annotations

import datetime as dt

from ..calendar import local_iso
from .world import Replay

LATE_ENTRY = dt.timedelta(minutes=10)  # opened/raised lines then say when it was observed
# History kinds FORMAT.md prints ("attached" is silent; a routine follow-up shows as its
# `renotify` lines)
PRINTED = ("opened", "raised", "worsened", "acknowledged", "unacknowledged", "ack_lapsed",
           "resolved")


def output_lines(replay: Replay) -> list[dict]:
    """Escalation history, outbox rows and rejections as FORMAT.md output lines, in order."""
    from ..extensions import db
    from ..models import EscalationEvent, NotificationIntent, Staff

    tz = replay.scenario.patient["timezone"]
    handles = dict(db.session.execute(db.select(Staff.id, Staff.handle)).all())
    labels: dict[int, str] = {}

    def label(escalation_id):
        if escalation_id is None:
            return None
        return labels.setdefault(escalation_id, f"E{len(labels) + 1}")

    keyed = []
    for e in db.session.execute(db.select(EscalationEvent).order_by(EscalationEvent.id)).scalars():
        if e.kind not in PRINTED:
            continue
        line = {"at": e.at, "event": f"escalation.{e.kind}", "id": label(e.escalation_id)}
        if e.kind in ("opened", "raised", "worsened"):
            line.update(severity=e.severity, syndromes=list(e.syndromes),
                        reasons=list(e.reasons))
            if e.kind != "opened":
                line["new_reasons"] = list(e.new_reasons or [])
            if e.observed_at is not None and e.at - e.observed_at > LATE_ENTRY:
                line["observed_at"] = local_iso(e.observed_at, tz)  # a late (offline) entry
        elif e.kind == "ack_lapsed":
            line["severity"] = e.severity
        else:
            line["by"] = f"staff:{handles.get(e.staff_id)}"
        keyed.append((e.at, 1, e.id, line))
    for n in db.session.execute(
            db.select(NotificationIntent).order_by(NotificationIntent.id)).scalars():
        to = f"staff:{handles.get(n.recipient_id)}" if n.recipient_kind == "staff" \
            else n.recipient_kind
        keyed.append((n.created_at, 2, n.id, {
            "at": n.created_at, "event": "notification", "to": to, "purpose": n.purpose,
            "escalation": label(n.escalation_id)}))
    for i, line in enumerate(replay.rejected):
        keyed.append((line["at"], 0, i, dict(line)))
    keyed.sort(key=lambda k: k[:3])
    out = []
    for _at, _order, _id, line in keyed:
        line["at"] = local_iso(line["at"], tz)
        out.append(line)
    return out
