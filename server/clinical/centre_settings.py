"""A centre's own check-in times, lapse hours and driving / proximity days (policy v2), checked.

POLICY.md "Check-in schedule and reminders": a centre may set its times per period within
the policy's limits (slots per day, hours between slots), and a schedule outside them is
refused; "Acknowledgements lapse": 1–12 h; "Time": days near the centre and without
driving. Each check returns {field: message} so the admin API answers one 422 naming every
field, and the scenario replay refuses a malformed file with the same words.
"""
from __future__ import annotations

import re
from typing import Any

from .. import policy as P

TIME = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")


def _minutes(text: str) -> int:
    hour, minute = text.split(":")
    return int(hour) * 60 + int(minute)


def schedule_problems(schedule: Any, field: str = "schedule") -> tuple[dict, dict[str, str]]:
    """(normalised schedule with sorted times, problems) for a centre's check-in times."""
    if not isinstance(schedule, dict):
        return {}, {field: "must be an object of periods"}
    clean, problems = {}, {}
    for key, times in schedule.items():
        where = f"{field}.{key}"
        if key not in P.SCHEDULE_PERIODS:
            problems[where] = f"not a period; one of {', '.join(P.SCHEDULE_PERIODS)}"
            continue
        if not isinstance(times, list) or not all(
                isinstance(t, str) and TIME.match(t) for t in times):
            problems[where] = "must be a list of local times HH:MM"
            continue
        ordered = sorted(set(times), key=_minutes)
        low, high = P.SCHEDULE_MIN_SLOTS[key], P.SCHEDULE_MAX_SLOTS
        if len(ordered) != len(times):
            problems[where] = "a time is listed twice"
        elif not low <= len(ordered) <= high:
            problems[where] = f"needs {low} to {high} check-in times a day"
        elif _closest_gap(ordered) < P.SCHEDULE_MIN_GAP_HOURS * 60:
            problems[where] = f"check-in times must be at least {P.SCHEDULE_MIN_GAP_HOURS} h apart"
        else:
            clean[key] = ordered
    return clean, problems


def _closest_gap(ordered: list[str]) -> int:
    """The shortest time between two slots, minutes, across midnight too (24 h for one)."""
    minutes = [_minutes(t) for t in ordered]
    gaps = [b - a for a, b in zip(minutes, minutes[1:], strict=False)]
    return min(gaps + [minutes[0] + 24 * 60 - minutes[-1]])


def lapse_problems(hours: Any, field: str = "ack_lapse_hours") -> dict[str, str]:
    """Problems of an {"urgent": h, "emergency": h} setting (any subset)."""
    if not isinstance(hours, dict):
        return {field: "must be an object by severity"}
    low, high = P.ACK_LAPSE_BOUNDS_HOURS
    problems = {}
    for key, value in hours.items():
        where = f"{field}.{key}"
        if key not in P.ACK_LAPSE_HOURS:
            problems[where] = "only urgent and emergency acknowledgements lapse"
        elif isinstance(value, bool) or not isinstance(value, int | float):
            problems[where] = "must be a number of hours"
        elif not low <= value <= high:
            problems[where] = f"must be between {low} and {high} hours"
    return problems


def days_problems(value: Any, field: str) -> dict[str, str]:
    """Problems of a proximity or driving duration, whole days after infusion."""
    low, high = P.CENTRE_DAYS_BOUNDS
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return {field: f"must be a whole number of days between {low} and {high}"}
    return {}


SENTENCE_MAX = 200  # the column's length; a sentence to copy by hand is far shorter


def sentence_problems(value: Any, field: str = "handwriting_sentence") -> tuple[Any, dict]:
    """(trimmed sentence or None to use the app's own, problems) for the handwriting sentence."""
    if value is None:
        return None, {}
    text = " ".join(str(value).split())  # one line: no tabs or line breaks on the phone
    if not text:
        return None, {}
    if len(text) > SENTENCE_MAX:
        return None, {field: f"must be at most {SENTENCE_MAX} characters"}
    return text, {}


def check(changes: dict) -> tuple[dict, dict[str, str]]:
    """Validate the v2 centre settings among `changes`; (normalised changes, problems)."""
    out, problems = dict(changes), {}
    if "schedule" in changes:
        out["schedule"], found = schedule_problems(changes["schedule"])
        problems.update(found)
    if "ack_lapse_hours" in changes:
        problems.update(lapse_problems(changes["ack_lapse_hours"]))
    for name in ("proximity_days", "driving_days"):
        if name in changes:
            problems.update(days_problems(changes[name], name))
    if "handwriting_sentence" in changes:
        out["handwriting_sentence"], found = sentence_problems(changes["handwriting_sentence"])
        problems.update(found)
    return out, problems


def effective_schedule(centre) -> tuple[tuple[int, int | None, tuple[str, ...]], ...]:
    """POLICY.md's periods with the centre's own times where it set (valid) ones."""
    own, _problems = schedule_problems((centre.schedule or {}) if centre is not None else {})
    periods = list(P.SCHEDULE)
    for key, index in P.SCHEDULE_PERIODS.items():
        if key in own:
            first, last, _times = periods[index]
            periods[index] = (first, last, tuple(own[key]))
    return tuple(periods)
