"""One injectable clock, so rules, schedules, tests and scenario replay can move time."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

UTC = dt.UTC


def _system_now() -> dt.datetime:
    return dt.datetime.now(UTC)


_source: Callable[[], dt.datetime] = _system_now


def now() -> dt.datetime:
    """Return the current time as an aware UTC datetime from the active clock."""
    value = _source()
    if value.tzinfo is None:
        raise ValueError("clock returned a naive datetime")
    return value.astimezone(UTC)


def is_virtual() -> bool:
    """Whether a test or the scenario replay is moving time (not the system clock)."""
    return _source is not _system_now


def set_source(source: Callable[[], dt.datetime] | None) -> None:
    """Replace the clock (None restores the system clock)."""
    global _source
    _source = source or _system_now


class ManualClock:
    """A clock that only moves when told to: tests and the scenario runner drive it."""

    def __init__(self, start: dt.datetime):
        self.current = start.astimezone(UTC)

    def __call__(self) -> dt.datetime:
        return self.current

    def set(self, when: dt.datetime) -> None:
        """Jump to an absolute time (never backwards)."""
        when = when.astimezone(UTC)
        if when < self.current:
            raise ValueError("the clock does not run backwards")
        self.current = when

    def advance(self, **delta: float) -> dt.datetime:
        """Move forward by a timedelta given as keyword arguments."""
        self.current += dt.timedelta(**delta)
        return self.current


@contextmanager
def frozen(start: dt.datetime) -> Iterator[ManualClock]:
    """Use a ManualClock for the duration of a block."""
    clock = ManualClock(start)
    previous = _source
    set_source(clock)
    try:
        yield clock
    finally:
        set_source(previous)
