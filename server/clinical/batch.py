"""One due-work batch: the instant it runs at, what its handlers read once, what it holds back.

`jobs.run_due_work` opens a `Batch` per claim and passes it to every step handler
(`handler(row, batch)`). The check-in path shares the code below the handlers (escalations,
the ladder, `notify.send`), which asks `current()`: the running batch, or None outside one.
One typed object replaces the session.info keys the batch caches and held intents used to
travel in; the audit events it holds back wait in `audit.trail.held()`, not in a listener.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

Recipient = tuple[str, int]  # (kind, id): ("staff", 3), ("patient", 1), ("caregiver", 2)


@dataclass
class CheckinWindow:
    """The check-ins observed from `start` to `end` of the batch's patients with slot rows."""

    start: dt.datetime
    end: dt.datetime
    observed: dict[int, list[dt.datetime]]  # patient id -> observed_at

    def covers(self, patient_id: int, early: dt.datetime, late: dt.datetime) -> bool:
        return patient_id in self.observed and self.start <= early and late <= self.end


@dataclass
class Batch:
    """A due-work batch's shared reads (exact while the claim holds its patients) and writes."""

    at: dt.datetime
    hold_intents: bool = True  # False while a failed batch is redone row by row
    checkins: CheckinWindow | None = None
    caregivers: dict[int, list[int]] = field(default_factory=dict)  # patient id -> ids
    languages: dict[int, str] = field(default_factory=dict)  # caregiver id -> language
    tiers: dict[int, list[list[Recipient]]] = field(default_factory=dict)  # centre id ->
    channel_lists: dict[Recipient, list[Any]] = field(default_factory=dict)
    held_intents: dict[str, dict] = field(default_factory=dict)  # dedupe key -> row, in order

    @contextmanager
    def running(self) -> Iterator[Batch]:
        """Make this the batch `current()` answers while the block runs."""
        token = _running.set(self)
        try:
            yield self
        finally:
            _running.reset(token)


_running: ContextVar[Batch | None] = ContextVar("cartwatch_due_batch", default=None)


def current() -> Batch | None:
    """The due-work batch running in this context, if any."""
    return _running.get()
