"""The quality page's tables as one CSV download (long form: table, row, column, value).

One long table instead of several files keeps the download a single request and lets a
spreadsheet pivot it; every value is a number or a code, never a name or free text (the
adherence rows carry the patient's code, which staff already see on the queue). Cells that
a spreadsheet would run as a formula are prefixed with a quote (CSV injection).
"""
from __future__ import annotations

import csv
import io

HEADER = ("table", "row", "column", "value")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    if text and text[0] in _FORMULA and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _flat(prefix: str, values: dict):
    for key, value in values.items():
        if isinstance(value, dict):
            yield from _flat(f"{prefix}{key}.", value)
        else:
            yield prefix + key, value


def rows(figures: dict):
    """(table, row, column, value) tuples of every table on the page."""
    for column in ("from", "to", "patients", "patient_days", "slots_due", "slots_answered",
                   "missed_rate"):
        yield "period", "centre", column, figures[column]
    for column, value in _flat("", figures["summary"]):
        yield "summary", "centre", column, value
    for rule in figures["by_rule"]:
        for column, value in _flat("", {k: v for k, v in rule.items() if k != "rule_id"}):
            yield "by_rule", rule["rule_id"], column, value
    for outcome, count in figures["outcomes"].items():
        yield "outcomes", outcome, "escalations", count
    for row in figures["adherence"]:
        for column in ("due", "answered", "adherence", "checkins", "with_temperature",
                       "with_vitals", "with_ice"):
            yield "adherence", row["code"], column, row[column]


def to_csv(figures: dict) -> str:
    """The CSV text of the page's tables."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows(figures):
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()
