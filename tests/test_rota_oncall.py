"""Rotas: the shift grid in the centre's zone (DST), weekly rotas, overrides, the toggle."""
from __future__ import annotations

import datetime as dt

import pytest

from server.clinical import notify, oncall
from server.extensions import db
from server.models import Rota, RotaOverride

UTC = dt.UTC


def _rota(handoffs=("07:00", "19:00"), people=(1, 2), starts_on=dt.date(2026, 3, 1),
          pattern="daily", weekday=None, overrides=()):
    return Rota(id=1, centre_id=1, tier=1, pattern=pattern, handoffs=list(handoffs),
                weekday=weekday, starts_on=starts_on, people=list(people),
                overrides=list(overrides))


def _z(text):
    return dt.datetime.fromisoformat(text).astimezone(UTC)


@pytest.mark.parametrize("tz, night, end, hours", [
    # spring forward: the night shift 19:00-07:00 is 11 h, fall back: 13 h
    ("Europe/Berlin", "2026-03-28T19:00+01:00", "2026-03-29T07:00+02:00", 11),
    ("Europe/Berlin", "2026-10-24T19:00+02:00", "2026-10-25T07:00+01:00", 13),
    ("America/New_York", "2026-03-07T19:00-05:00", "2026-03-08T07:00-04:00", 11),
    ("America/New_York", "2026-10-31T19:00-04:00", "2026-11-01T07:00-05:00", 13),
])
def test_a_twelve_hour_shift_across_a_dst_change_keeps_the_wall_clock(tz, night, end, hours):
    start = _z(night)
    [shift] = [s for s in oncall.shifts(_rota(), tz, start, start + dt.timedelta(hours=1))]
    assert shift.start == start and shift.end == _z(end)
    assert shift.end - shift.start == dt.timedelta(hours=hours)
    nxt = oncall.shifts(_rota(), tz, shift.end, shift.end + dt.timedelta(minutes=1))[0]
    assert nxt.end - nxt.start == dt.timedelta(hours=12)  # the day shift after is 12 h


def test_people_take_turns_from_the_first_shift_on_the_start_date():
    rota = _rota(people=(11, 12, 13), starts_on=dt.date(2026, 3, 10))
    tz = "Europe/Berlin"
    at = _z("2026-03-10T07:00+01:00")
    got = [(s.start, s.staff_id) for s in oncall.shifts(rota, tz, at, at + dt.timedelta(days=2))]
    assert [p for _s, p in got] == [11, 12, 13, 11]
    assert got[1][0] == _z("2026-03-10T19:00+01:00")
    # before the first shift the rota is not in force
    assert oncall.person_at(rota, tz, _z("2026-03-10T06:59+01:00")) == (False, None)
    assert oncall.person_at(rota, tz, _z("2026-03-11T06:59+01:00")) == (True, 12)


def test_a_handoff_time_that_does_not_exist_is_read_before_the_change():
    rota = _rota(handoffs=("02:30", "14:30"), starts_on=dt.date(2026, 3, 1))
    at = _z("2026-03-29T00:00+01:00")
    spring = oncall.shifts(rota, "Europe/Berlin", at, at + dt.timedelta(hours=6))
    assert spring[-1].start == _z("2026-03-29T03:30+02:00")  # 02:30 does not exist that day


def test_weekly_rota_hands_off_on_its_weekday_and_spans_dst():
    # Wednesday start, Monday 08:00 handoffs: the first shift starts Monday 2026-03-23
    rota = _rota(pattern="weekly", weekday=0, handoffs=("08:00",), people=(5, 6),
                 starts_on=dt.date(2026, 3, 18))
    tz = "Europe/Berlin"
    assert oncall.person_at(rota, tz, _z("2026-03-23T07:59+01:00")) == (False, None)
    assert oncall.person_at(rota, tz, _z("2026-03-23T08:00+01:00")) == (True, 5)
    assert oncall.person_at(rota, tz, _z("2026-03-30T07:59+02:00")) == (True, 5)
    assert oncall.person_at(rota, tz, _z("2026-03-30T08:00+02:00")) == (True, 6)
    [first] = oncall.shifts(rota, tz, _z("2026-03-24T00:00+01:00"), _z("2026-03-24T01:00+01:00"))
    assert first.end - first.start == dt.timedelta(hours=167)  # the week with spring forward
    assert oncall.person_at(rota, tz, _z("2026-04-06T09:00+02:00")) == (True, 5)


def test_swap_cover_and_absence_replace_the_rostered_person():
    tz = "Europe/Berlin"
    swap = RotaOverride(id=1, kind="swap", staff_id=9, starts_at=_z("2026-03-10T19:00+01:00"),
                        ends_at=_z("2026-03-11T07:00+01:00"))
    cover = RotaOverride(id=2, kind="cover", staff_id=8, starts_at=_z("2026-03-11T10:00+01:00"),
                         ends_at=_z("2026-03-11T12:00+01:00"))
    absent = RotaOverride(id=3, kind="absence", staff_id=None,
                          starts_at=_z("2026-03-11T19:00+01:00"),
                          ends_at=_z("2026-03-12T07:00+01:00"))
    rota = _rota(overrides=[swap, cover, absent])

    def who(text):
        return oncall.person_at(rota, tz, _z(text))[1]

    assert who("2026-03-10T18:59+01:00") == 1
    assert who("2026-03-10T19:00+01:00") == 9 and who("2026-03-11T06:59+01:00") == 9
    assert who("2026-03-11T07:00+01:00") == 1  # the swap was one shift
    assert who("2026-03-11T10:30+01:00") == 8 and who("2026-03-11T12:00+01:00") == 1
    assert who("2026-03-11T20:00+01:00") is None
    newer = RotaOverride(id=4, kind="cover", staff_id=7, starts_at=_z("2026-03-11T18:00+01:00"),
                         ends_at=_z("2026-03-12T08:00+01:00"))
    rota.overrides.append(newer)
    assert who("2026-03-11T20:00+01:00") == 7  # the newest override wins where they overlap
    at = _z("2026-03-11T00:00+01:00")
    people = [s.staff_id for s in oncall.segments(rota, tz, at, at + dt.timedelta(days=1))]
    assert people == [9, 1, 8, 1, 7]


@pytest.fixture
def team(app, centre, make_staff):
    a, b = make_staff(handle="nurse-a"), make_staff(handle="nurse-b")
    c = make_staff(handle="nurse-c")
    doc = make_staff(handle="dr-d", role="physician", tier=2)
    return a, b, c, doc


def _add_rota(centre, people, tier=1, **kwargs):
    rota = Rota(centre_id=centre.id, tier=tier, pattern=kwargs.pop("pattern", "daily"),
                handoffs=kwargs.pop("handoffs", ["07:00", "19:00"]),
                starts_on=kwargs.pop("starts_on", dt.date(2026, 3, 1)),
                people=[p.id for p in people], **kwargs)
    db.session.add(rota)
    db.session.commit()
    return rota


def test_without_a_rota_the_manual_toggle_decides_as_before(team, clock):
    a, b, c, doc = team
    b.on_duty = False
    db.session.commit()
    assert notify.staff_tiers(a.centre_id) == [[("staff", a.id), ("staff", c.id)],
                                               [("staff", doc.id)]]


def test_with_a_rota_only_the_rostered_person_is_paged_and_the_toggle_vetoes(team, clock,
                                                                             centre):
    a, b, c, doc = team
    _add_rota(centre, [a, b])
    clock.set(_z("2026-03-10T08:00+01:00"))  # a day shift: a (shift 18 of [a, b])
    assert notify.staff_tiers(centre.id) == [[("staff", a.id)], [("staff", doc.id)]]
    clock.set(_z("2026-03-10T20:00+01:00"))
    assert notify.staff_tiers(centre.id) == [[("staff", b.id)], [("staff", doc.id)]]
    b.on_duty = False  # manually off: never paged, even when rostered; c is not added
    db.session.commit()
    assert notify.staff_tiers(centre.id) == [[("staff", doc.id)]]
    assert oncall.on_duty(centre.id, _z("2026-03-11T08:00+01:00"))[0] == [("staff", a.id)]


def test_a_cover_override_in_the_database_pages_the_covering_person(team, clock, centre):
    a, b, c, doc = team
    rota = _add_rota(centre, [a, b])
    db.session.add(RotaOverride(rota_id=rota.id, kind="cover", staff_id=c.id,
                                starts_at=_z("2026-03-10T08:00+01:00"),
                                ends_at=_z("2026-03-10T09:00+01:00")))
    db.session.commit()
    assert oncall.on_duty(centre.id, _z("2026-03-10T08:30+01:00"))[0] == [("staff", c.id)]
    assert oncall.on_duty(centre.id, _z("2026-03-10T09:00+01:00"))[0] == [("staff", a.id)]


@pytest.mark.parametrize("extra, problem", [
    ({"rotas": {"tier": 1}}, "rotas: Not a valid list"),
    ({"rotas": [{"tier": 1, "people": ["nobody-here"]}]}, "rotas[0].people"),
    ({"rotas": [{"tier": 1, "people": ["nurse-a"]}, {"tier": 1, "people": []}]},
     "rotas[1].tier"),
    ({"rotas": [{"tier": 1, "people": ["nurse-a"]}],
      "overrides": [{"tier": 2, "kind": "absence"}]}, "overrides[0].tier"),
    ({"rotas": [{"tier": 1, "people": ["nurse-a"]}],
      "overrides": [{"tier": 1, "kind": "cover", "staff": "ghost"}]}, "overrides[0].staff"),
    ({"rotas": [{"tier": 1, "people": ["nurse-a"]}],
      "overrides": [{"tier": 1, "kind": "absence", "starts_at": "soon"}]},
     "overrides[0].starts_at"),
])
def test_scenario_rotas_are_checked_when_parsed(extra, problem):
    from server.replay import ScenarioError, parse

    document = {"patient": {"infused_at": "2026-03-02T10:00:00+01:00", "product": "axi-cel",
                            "timezone": "Europe/Berlin"},
                "staff": [{"handle": "nurse-a", "tier": 1}],
                "until": "2026-03-03T10:00:00+01:00", **extra}
    with pytest.raises(ScenarioError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        parse(document)


def test_a_scenario_rota_the_admin_api_refuses_is_a_malformed_scenario():
    import json
    from pathlib import Path

    from server.replay import ScenarioError, parse, replay_scenario

    path = Path(__file__).parent / "scenarios" / "rota-handoff-mid-urgent-ladder.json"
    document = json.loads(path.read_text())
    document.pop("expect")
    document["rotas"][0]["handoffs"] = ["7am"]
    with pytest.raises(ScenarioError, match=r"rotas\[0\]\.handoffs\.0: a local time HH:MM"):
        replay_scenario(parse(document))
