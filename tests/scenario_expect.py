"""The expectation matcher of scenarios/FORMAT.md (same logic as the shared check.py)."""
from __future__ import annotations

import datetime as dt

ORDER = {"routine": 0, "urgent": 1, "emergency": 2}


def ts(value: str) -> dt.datetime:
    """Parse an ISO 8601 time (Z or offset)."""
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def matches(line: dict, want: dict) -> bool:
    """Whether one output line satisfies one expectation object."""
    for key, value in want.items():
        if key == "after":
            if ts(line["at"]) < ts(value):
                return False
        elif key == "before":
            if ts(line["at"]) > ts(value):
                return False
        elif key == "min_severity":
            if ORDER.get(line.get("severity"), -1) < ORDER[value]:
                return False
        elif key == "syndromes_include":
            if not set(value) <= set(line.get("syndromes") or []):
                return False
        elif key == "reasons_include":
            if not set(value) <= set(line.get("reasons") or []):
                return False
        elif key == "new_reasons_include":  # FORMAT.md v2
            if not set(value) <= set(line.get("new_reasons") or []):
                return False
        elif line.get(key) != value:
            return False
    return True


def check(lines: list[dict], expect: list[dict]) -> str | None:
    """The first unmet expectation as a message, or None when all hold."""
    for e in expect:
        if "none" in e:
            hit = [line for line in lines if matches(line, e["none"])]
            if hit:
                return f"expected none of {e['none']}, got {hit[0]}"
        elif "count" in e:
            n = sum(matches(line, e["count"]) for line in lines)
            if n > e.get("max", 10**9) or n < e.get("min", 0):
                return (f"expected {e.get('min', 0)}..{e.get('max', 'inf')} of {e['count']}, "
                        f"got {n}")
        elif not any(matches(line, e) for line in lines):
            return f"expected {e}"
    return None
