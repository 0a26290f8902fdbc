"""Who is on duty: the rota's shift grid in the centre's zone, overrides, the manual toggle.

`on_duty(centre_id, at)` is what the ladder pages (clinical/notify.py `_read_tiers`). The
rest is pure computation on loaded rows, shared by the admin API, the handoff notices and
the coverage warnings (services/rota_notices.py).

Shift grid (DST-safe): boundaries are local wall-clock times (each handoff time on each
local date, or one weekday and time each week) made aware in the centre's zone with
zoneinfo and only then turned into UTC, so a 07:00-19:00 shift is 07:00-19:00 on the
wall and lasts 11 or 13 h across a change. A wall time that does not exist (spring
forward) is read with the offset before the change (zoneinfo `fold=0`: 02:30 -> 03:30).
Shift n (counted from the first shift on `starts_on`) belongs to `people[n % len]`.

Precedence, per tier:
1. A tier without a rota, or before its rota's first shift, is as before rotas: every
   active member of that tier whose manual `on_duty` is set.
2. A tier with a rota in force: the rota's person, replaced by an override covering the
   instant (the newest override wins where two overlap; an `absence` puts nobody there).
3. The manual toggle is then a veto: a rostered or covering person whose `on_duty` is off
   (or who is inactive) is not paged, and the tier may be empty; other members of the tier
   are not paged by their `on_duty` being on. Adding someone is done with a `cover`.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.orm import selectinload

from ..calendar import zone
from ..extensions import db
from ..models import Centre, Rota, Staff

UTC = dt.UTC
LOOK_BACK = dt.timedelta(days=8)  # > one weekly shift: the shift holding any instant


@dataclass(frozen=True)
class Shift:
    """One shift of a rota: UTC bounds, its number from the first shift, its person."""

    start: dt.datetime
    end: dt.datetime
    index: int
    staff_id: int | None


@dataclass(frozen=True)
class Segment:
    """An interval with one rostered person (after overrides); None = nobody (absence)."""

    start: dt.datetime
    end: dt.datetime
    staff_id: int | None
    override_id: int | None = None


def _hhmm(value: str) -> dt.time:
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


def wall_to_utc(day: dt.date, at: dt.time, tz: str) -> dt.datetime:
    """A local wall-clock time on a local date in `tz`, as a UTC instant."""
    return dt.datetime.combine(day, at).replace(tzinfo=zone(tz)).astimezone(UTC)


def _boundaries(rota: Rota, tz: str, start: dt.datetime, end: dt.datetime):
    """(UTC instant, shift number) of every shift start from before `start` to after `end`."""
    first = rota.starts_on
    lo = max(start.astimezone(zone(tz)).date() - dt.timedelta(days=8), first)
    hi = end.astimezone(zone(tz)).date() + dt.timedelta(days=8)
    times = sorted(_hhmm(t) for t in rota.handoffs)
    out = []
    if rota.pattern == "weekly":
        first += dt.timedelta(days=(rota.weekday - first.weekday()) % 7)
        week = max(0, (lo - first).days // 7)
        while (day := first + dt.timedelta(days=7 * week)) <= hi:
            out.append((wall_to_utc(day, times[0], tz), week))
            week += 1
        return out
    day = lo
    while day <= hi:
        for i, at in enumerate(times):
            out.append((wall_to_utc(day, at, tz), (day - first).days * len(times) + i))
        day += dt.timedelta(days=1)
    return out


def shifts(rota: Rota, tz: str, start: dt.datetime, end: dt.datetime) -> list[Shift]:
    """The rota's shifts that overlap [start, end), in order."""
    marks = _boundaries(rota, tz, start, end)
    people = list(rota.people) or [None]
    out = []
    for (begin, n), (finish, _) in zip(marks, marks[1:], strict=False):
        if finish > start and begin < end:
            out.append(Shift(begin, finish, n, people[n % len(people)]))
    return out


def segments(rota: Rota, tz: str, start: dt.datetime, end: dt.datetime) -> list[Segment]:
    """Who the rota and its overrides put on duty over [start, end) (where it is in force).

    Adjacent intervals with the same person are merged, so each segment start where the
    person changes is a handoff.
    """
    grid = shifts(rota, tz, start, end)
    if not grid:
        return []
    lo, hi = grid[0].start, grid[-1].end
    overrides = [o for o in rota.overrides if o.ends_at > lo and o.starts_at < hi]
    cuts = sorted({s.start for s in grid} | {hi}
                  | {max(o.starts_at, lo) for o in overrides}
                  | {min(o.ends_at, hi) for o in overrides})
    out: list[Segment] = []
    shift_at = 0
    for begin, finish in zip(cuts, cuts[1:], strict=False):
        while grid[shift_at].end <= begin:
            shift_at += 1
        person, override_id = grid[shift_at].staff_id, None
        for o in overrides:  # newest last: it wins
            if o.starts_at <= begin < o.ends_at and (override_id is None or o.id > override_id):
                person, override_id = o.staff_id, o.id
        if out and out[-1].staff_id == person and out[-1].override_id == override_id:
            out[-1] = Segment(out[-1].start, finish, person, override_id)
        else:
            out.append(Segment(begin, finish, person, override_id))
    return [s for s in out if s.end > start and s.start < end]


def person_at(rota: Rota, tz: str, at: dt.datetime) -> tuple[bool, int | None]:
    """(whether the rota is in force at `at`, the rostered person then or None)."""
    for segment in segments(rota, tz, at, at + dt.timedelta(microseconds=1)):
        if segment.start <= at < segment.end:
            return True, segment.staff_id
    return False, None


def pageable(staff: dict[int, Staff], staff_id: int | None) -> bool:
    """The manual toggle as a veto: active and `on_duty` set."""
    member = staff.get(staff_id) if staff_id is not None else None
    return member is not None and member.active and member.on_duty


def centre_rotas(centre_id: int) -> list[Rota]:
    """A centre's rotas with their overrides (two statements), by tier."""
    return list(db.session.execute(
        db.select(Rota).where(Rota.centre_id == centre_id).order_by(Rota.tier)
        .options(selectinload(Rota.overrides))).scalars())


def tiers_at(staff: list[Staff], rotas: list[Rota], tz: str,
             at: dt.datetime) -> list[list[tuple[str, int]]]:
    """On-duty staff by tier, lowest first, empty tiers skipped (module docstring's rules)."""
    by_id = {s.id: s for s in staff}
    flagged: dict[int, list[int]] = defaultdict(list)
    for member in sorted(staff, key=lambda s: (s.tier, s.id)):
        if member.active and member.on_duty:
            flagged[member.tier].append(member.id)
    chosen = dict(flagged)
    for rota in rotas:
        in_force, person = person_at(rota, tz, at)
        if in_force:
            chosen[rota.tier] = [person] if pageable(by_id, person) else []
    return [[("staff", sid) for sid in chosen[t]] for t in sorted(chosen) if chosen[t]]


def on_duty(centre_id: int, at: dt.datetime) -> list[list[tuple[str, int]]]:
    """Who the ladder pages at `at`: on-duty staff of a centre by tier, lowest first."""
    rotas = centre_rotas(centre_id)
    staff = list(db.session.execute(
        db.select(Staff).where(Staff.centre_id == centre_id, Staff.active.is_(True))).scalars())
    tz = db.session.get(Centre, centre_id).timezone if rotas else "UTC"
    return tiers_at(staff, rotas, tz, at)


def gaps(rota: Rota, tz: str, staff: dict[int, Staff], start: dt.datetime,
         end: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    """Intervals over [start, end) in which the rota is in force and nobody is pageable.

    Consecutive empty segments join into one gap; its start is where it really began
    (looked for up to LOOK_BACK earlier), so a gap keeps one identity while time passes.
    """
    out: list[tuple[dt.datetime, dt.datetime]] = []
    for segment in segments(rota, tz, start - LOOK_BACK, end):
        if pageable(staff, segment.staff_id):
            continue
        if out and out[-1][1] == segment.start:
            out[-1] = (out[-1][0], segment.end)
        else:
            out.append((segment.start, segment.end))
    return [g for g in out if g[1] > start and g[0] < end]
