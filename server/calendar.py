"""Patient-local calendar: day since infusion and the monitoring window (POLICY.md "Time")."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone(name: str) -> ZoneInfo:
    """The IANA zone by name (raises ValueError for an unknown one)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def local_date(at: dt.datetime, tz: str) -> dt.date:
    """The calendar date of an instant in a time zone."""
    return at.astimezone(zone(tz)).date()


def day_number(infused_at: dt.datetime, at: dt.datetime, tz: str) -> int:
    """Calendar days since infusion in the patient's zone; the infusion day is day 0."""
    return (local_date(at, tz) - local_date(infused_at, tz)).days


def local_iso(at: dt.datetime, tz: str) -> str:
    """ISO 8601 with the patient's UTC offset, to the second."""
    return at.astimezone(zone(tz)).replace(microsecond=0).isoformat()
