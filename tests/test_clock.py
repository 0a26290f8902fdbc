"""The injectable clock: frozen time for tests and replay, and a public way to tell."""
import datetime as dt

import pytest

from server import clock

START = dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC)


def test_the_system_clock_is_not_virtual_and_a_frozen_one_is():
    assert not clock.is_virtual()
    with clock.frozen(START) as manual:
        assert clock.is_virtual()
        assert clock.now() == START
        manual.advance(minutes=90)
        assert clock.now() == START + dt.timedelta(minutes=90)
    assert not clock.is_virtual()


def test_the_manual_clock_never_runs_backwards():
    manual = clock.ManualClock(START)
    with pytest.raises(ValueError):
        manual.set(START - dt.timedelta(seconds=1))
