"""FHIR search: the parameters each type supports, parsed strictly, applied to mapped resources.

Supported (and listed in the CapabilityStatement from this table): `patient` (and
`subject`), dates with the prefixes eq / ge / le / gt / lt on the date each type is searched
by, `code` and `category` as tokens (`system|code`, `code`, comma = or), `_id`,
`_lastUpdated`, `_count`. An unknown parameter or a malformed value is a 400
OperationOutcome naming it (strict handling), never silently ignored.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .common import parse_instant
from .outcome import FhirError

DEFAULT_COUNT, MAX_COUNT = 50, 200
PREFIXES = ("eq", "ge", "le", "gt", "lt")
CONTROL = ("_count", "_offset", "_format")


def _codes(*paths):
    """Token extractor: every (system, code) under the given CodeableConcept paths."""
    def get(res):
        out = []
        for path in paths:
            values = res.get(path)
            for concept in values if isinstance(values, list) else [values]:
                for c in (concept or {}).get("coding", []):
                    out.append((c.get("system"), c.get("code")))
        return out
    return get


def _date(getter):
    def get(res):
        value = getter(res)
        return parse_instant(value) if value else None
    return get


def _subject(key):
    def get(res):
        ref = (res.get(key) or {}).get("reference", "")
        return ref.split("/", 1)[1] if ref.startswith("Patient/") else None
    return get


# type -> parameter -> (kind, extractor, FHIR search parameter type, description)
PARAMS: dict[str, dict[str, tuple]] = {
    "Patient": {"identifier": ("token", lambda r: [(i["system"], i["value"])
                                                   for i in r["identifier"]], "the patient code")},
    "RelatedPerson": {"patient": ("ref", _subject("patient"), "the caregiver's patient")},
    "Observation": {
        "patient": ("ref", _subject("subject"), "the patient"),
        "subject": ("ref", _subject("subject"), "the patient (Patient/<id>)"),
        "date": ("date", _date(lambda r: r.get("effectiveDateTime")), "when observed"),
        "code": ("token", _codes("code"), "LOINC or CARTwatch code"),
        "category": ("token", _codes("category"), "vital-signs, survey or exam"),
    },
    "QuestionnaireResponse": {
        "patient": ("ref", _subject("subject"), "the patient"),
        "authored": ("date", _date(lambda r: r.get("authored")), "when the check was done"),
    },
    "Media": {"patient": ("ref", _subject("subject"), "the patient"),
              "created": ("date", _date(lambda r: r.get("createdDateTime")), "when written")},
    "Binary": {},
    "Flag": {"patient": ("ref", _subject("subject"), "the patient"),
             "date": ("date", _date(lambda r: r["period"]["start"]), "when opened")},
    "DetectedIssue": {
        "patient": ("ref", _subject("patient"), "the patient"),
        "identified": ("date", _date(lambda r: r.get("identifiedDateTime")), "when opened"),
        "code": ("token", _codes("code"), "escalation"),
    },
    "Communication": {
        "patient": ("ref", _subject("subject"), "the patient"),
        "sent": ("date", _date(lambda r: r.get("sent")), "when sent"),
        "category": ("token", _codes("category"), "notification and purpose"),
    },
}
COMMON = {"_id": ("id", lambda r: r["id"], "logical id"),
          "_lastUpdated": ("date", _date(lambda r: r["meta"]["lastUpdated"]), "meta.lastUpdated")}
FHIR_TYPE = {"ref": "reference", "date": "date", "token": "token", "id": "token"}

DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
                  r"(Z|[+-]\d{2}:\d{2})?)?)?)?")


def date_range(text: str) -> tuple[dt.datetime, dt.datetime]:
    """The [start, end) a FHIR date value stands for (no zone given: UTC)."""
    m = DATE.fullmatch(text)
    if not m:
        raise ValueError(text)
    year, month, day, hour, minute, second, zone = m.groups()
    tz = dt.UTC if zone in (None, "Z") else dt.datetime.strptime(zone, "%z").tzinfo
    if hour is not None:
        start = dt.datetime(int(year), int(month), int(day), int(hour), int(minute),
                            int(second or 0), tzinfo=tz)
        step = dt.timedelta(seconds=1) if second else dt.timedelta(minutes=1)
        if "." in text:
            start = dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(tz)
            step = dt.timedelta(microseconds=1)
        return start, start + step
    start = dt.datetime(int(year), int(month or 1), int(day or 1), tzinfo=tz)
    if day:
        end = start + dt.timedelta(days=1)
    elif month:
        end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    else:
        end = start.replace(year=start.year + 1)
    return start, end


def _date_test(name: str, value: str):
    prefix = value[:2] if value[:2] in PREFIXES else "eq"
    raw = value[2:] if value[:2] in PREFIXES else value
    try:
        start, end = date_range(raw)
    except ValueError:
        raise FhirError(400, "invalid", f"{name}: not a FHIR date: {value!r}") from None
    return {"eq": lambda t: start <= t < end, "ge": lambda t: t >= start,
            "gt": lambda t: t >= end, "le": lambda t: t < end,
            "lt": lambda t: t < start}[prefix]


def _token_test(value: str):
    wanted = []
    for part in value.split(","):
        system, _, code = part.rpartition("|") if "|" in part else (None, "", part)
        wanted.append((system or None, code))
    return lambda pairs: any((s is None or s == ps) and c == pc
                             for s, c in wanted for ps, pc in pairs)


@dataclass
class Query:
    """A parsed search: tests to apply, the patient ids named, paging."""

    tests: list = field(default_factory=list)
    patient_ids: set[int] | None = None
    count: int = DEFAULT_COUNT
    offset: int = 0


def parse(rtype: str, args) -> Query:
    """Parse a request's query arguments for one type, strictly."""
    params = {**COMMON, **PARAMS[rtype]}
    query = Query()
    for name in args:
        if name in CONTROL:
            continue
        if name not in params:
            raise FhirError(400, "not-supported", f"unknown search parameter {name!r} for "
                            f"{rtype}", expression=name)
        kind, get, _doc = params[name]
        for value in args.getlist(name):
            if kind == "date":
                test = _date_test(name, value)
                query.tests.append(lambda r, g=get, t=test: (v := g(r)) is not None and t(v))
            elif kind == "token":
                test = _token_test(value)
                query.tests.append(lambda r, g=get, t=test: t(g(r)))
            elif kind == "id":
                ids = set(value.split(","))
                query.tests.append(lambda r, g=get, ids=ids: g(r) in ids)
            else:  # reference to a patient: "123" or "Patient/123"
                ids = {v.removeprefix("Patient/") for v in value.split(",")}
                if not all(i.isdigit() and len(i) < 10 for i in ids):
                    raise FhirError(400, "invalid", f"{name}: not a Patient id: {value!r}",
                                    expression=name)
                wanted = {int(i) for i in ids}
                query.patient_ids = wanted if query.patient_ids is None else (
                    query.patient_ids & wanted)
                query.tests.append(lambda r, g=get, ids=ids: g(r) in ids)
    if rtype == "Patient" and "_id" in args:
        ids = {v for value in args.getlist("_id") for v in value.split(",")}
        query.patient_ids = {int(i) for i in ids if i.isdigit() and len(i) < 10}
    query.count = min(_int_arg(args, "_count", DEFAULT_COUNT, 0, 10**6), MAX_COUNT)
    query.offset = _int_arg(args, "_offset", 0, 0, 10**9)
    return query


def _int_arg(args, name, default, low, high) -> int:
    value = args.get(name)
    if value is None:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise FhirError(400, "invalid", f"{name} must be an integer from {low} to {high}",
                        expression=name)
    return int(value)


def apply(query: Query, pairs, limit: int | None = None):
    """Keep the resources every test accepts; stop after `limit` matches (a page and one)."""
    out = []
    for p, r in pairs:
        if all(t(r) for t in query.tests):
            out.append((p, r))
            if limit is not None and len(out) >= limit:
                break
    return out
