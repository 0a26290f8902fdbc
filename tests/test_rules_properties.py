"""Property tests: each threshold rule fires exactly on its side, for any value and override."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from server import policy as P
from server.calendar import day_number, zone
from server.clinical import schedule
from server.clinical.rules import Facts, evaluate


def fired(facts: Facts, thresholds: dict) -> set[str]:
    return {rule.id for rule in evaluate(facts, thresholds)}


@given(temp=st.floats(34.0, 43.0).map(lambda v: round(v, 2)),
       fever=st.sampled_from([37.5, 37.8, 38.0, 38.5]))
def test_r_fever_iff_at_or_above_threshold(temp, fever):
    """R-FEVER fires exactly when temperature >= the effective fever threshold."""
    thresholds = {**P.THRESHOLDS, "fever_c": fever}
    assert ("R-FEVER" in fired(Facts(temperature_c=temp), thresholds)) == (temp >= fever)


@given(spo2=st.integers(50, 100))
def test_spo2_bands_partition(spo2):
    """Below 92 hypoxia, 92–94 low SpO2, 95+ nothing: never both."""
    got = fired(Facts(spo2=spo2), P.THRESHOLDS)
    expected = {"R-HYPOXIA"} if spo2 < 92 else {"R-LOW-SPO2"} if spo2 < 95 else set()
    assert got == expected


@given(ice=st.integers(0, 10), baseline=st.integers(0, 10))
def test_ice_rules(ice, baseline):
    """ICE <= 6 below the baseline is severe; 7–9 below it is low; otherwise nothing."""
    got = fired(Facts(ice_total=ice, baseline_ice=baseline), P.THRESHOLDS)
    if ice <= 6 and ice < baseline:
        assert got == {"R-ICE-SEVERE"}
    elif ice < baseline:
        assert got == {"R-ICE-LOW"}
    else:
        assert got == set()


@settings(max_examples=60, deadline=None)
@given(tz=st.sampled_from(["Europe/Berlin", "America/New_York", "Asia/Kolkata",
                           "Australia/Sydney"]),
       offset_hours=st.integers(0, 24 * 40), window=st.integers(0, 100))
def test_every_slot_is_a_policy_time_inside_the_window(tz, offset_hours, window):
    """next_slot returns a local 08/14/20:00 slot of its day's row, within the window."""
    infused = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
    patient = SimpleNamespace(timezone=tz, infused_at=infused, enrolled_at=infused,
                              window_days=window, monitoring_ended_at=None)
    start = infused + dt.timedelta(hours=offset_hours)
    slot = schedule.next_slot(patient, start)
    if slot is None:
        assert day_number(infused, start, tz) >= window
        return
    assert slot >= start
    day = day_number(infused, slot, tz)
    assert 0 <= day <= window
    local = slot.astimezone(zone(tz)).strftime("%H:%M")
    assert local in schedule.hours_for_day(day, window)
