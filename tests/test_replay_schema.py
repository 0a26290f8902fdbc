"""A malformed scenario is refused with a ScenarioError that names the bad field's path."""
from __future__ import annotations

import copy
import re

import pytest

from server.replay import ScenarioError, parse

GOOD = {
    "name": "schema check", "about": "a minimal valid scenario", "expect": [{"event": "x"}],
    "patient": {"infused_at": "2026-03-02T10:00:00+01:00", "product": "axi-cel",
                "timezone": "Europe/Berlin", "caregivers": 1, "baseline": {"ice": 10},
                "window_days": 30},
    "staff": [{"handle": "nurse-a", "tier": 1}, {"handle": "dr-b", "tier": 2,
                                                 "on_duty": False}],
    "until": "2026-03-04T10:00:00+01:00",
    "events": [
        {"at": "2026-03-02T11:00:00+01:00", "by": "patient",
         "checkin": {"temperature": {"value": 38.4, "unit": "C"}}},
        {"at": "2026-03-02T12:00:00+01:00", "by": "caregiver", "checkin": {}},
        {"at": "2026-03-02T13:00:00+01:00", "by": "staff:nurse-a", "do": "acknowledge"},
        {"at": "2026-03-02T14:00:00+01:00", "by": "staff:dr-b", "do": "resolve",
         "outcome": "other", "note": "fine"},
    ],
    "centre": {"ack_lapse_hours": {"urgent": 4}},
    "rotas": [{"tier": 1, "pattern": "daily", "handoffs": ["07:00"],
               "starts_on": "2026-03-02", "people": ["nurse-a"]}],
    "overrides": [{"tier": 1, "kind": "absence", "starts_at": "2026-03-02T20:00:00+01:00",
                   "ends_at": "2026-03-02T22:00:00+01:00"}],
}


def _with(path: str, value=None, *, delete: bool = False) -> dict:
    """GOOD with the value at a dotted path (list items as [n]) replaced or deleted."""
    document = copy.deepcopy(GOOD)
    steps = [int(s) if s.isdigit() else s for s in re.findall(r"[^.\[\]]+", path)]
    parent = document
    for step in steps[:-1]:
        parent = parent[step]
    if delete:
        del parent[steps[-1]]
    else:
        parent[steps[-1]] = value
    return document


def test_the_good_document_parses():
    scenario = parse(copy.deepcopy(GOOD))
    assert scenario.patient["caregivers"] == 1
    assert [e["by"] for e in scenario.events][0] == "patient"


def test_defaults_fill_the_optional_patient_fields():
    document = _with("patient", {"infused_at": "2026-03-02T10:00:00Z", "product": "axi-cel",
                                 "timezone": "Europe/Berlin"})
    scenario = parse(document)
    assert scenario.patient["caregivers"] == 1
    assert scenario.patient["baseline_ice"] == 10
    assert scenario.patient["window_days"] == 30
    assert scenario.enrolled_at == scenario.infused_at


BAD = [
    # missing fields
    (_with("patient", delete=True), "patient"),
    (_with("until", delete=True), "until"),
    (_with("patient.infused_at", delete=True), "patient.infused_at"),
    (_with("patient.product", delete=True), "patient.product"),
    (_with("patient.timezone", delete=True), "patient.timezone"),
    (_with("staff[1].handle", delete=True), "staff[1].handle"),
    (_with("events[0].at", delete=True), "events[0].at"),
    (_with("events[2].by", delete=True), "events[2].by"),
    (_with("events[0].checkin", delete=True), "events[0].checkin"),
    (_with("events[2].do", delete=True), "events[2].do"),
    (_with("rotas[0].tier", delete=True), "rotas[0].tier"),
    (_with("rotas[0].people", delete=True), "rotas[0].people"),
    (_with("overrides[0].tier", delete=True), "overrides[0].tier"),
    # wrong types
    (_with("patient", "axi-cel"), "patient"),
    (_with("patient.caregivers", "one"), "patient.caregivers"),
    (_with("patient.caregivers", True), "patient.caregivers"),
    (_with("patient.caregivers", 1.5), "patient.caregivers"),
    (_with("patient.baseline", 10), "patient.baseline"),
    (_with("patient.baseline.ice", "ten"), "patient.baseline.ice"),
    (_with("patient.window_days", "30"), "patient.window_days"),
    (_with("patient.product", 7), "patient.product"),
    (_with("staff", {"handle": "nurse-a"}), "staff"),
    (_with("staff[0]", "nurse-a"), "staff[0]"),
    (_with("staff[0].handle", 5), "staff[0].handle"),
    (_with("staff[1].tier", "two"), "staff[1].tier"),
    (_with("staff[1].on_duty", "no"), "staff[1].on_duty"),
    (_with("events", {}), "events"),
    (_with("events[1]", ["patient"]), "events[1]"),
    (_with("events[3].by", 3), "events[3].by"),
    (_with("events[0].checkin", "fever"), "events[0].checkin"),
    (_with("events[0].checkin", [38.4]), "events[0].checkin"),
    (_with("events[3].outcome", 1), "events[3].outcome"),
    (_with("events[3].note", ["a"]), "events[3].note"),
    (_with("centre", []), "centre"),
    (_with("centre.phone_24h", 112), "centre.phone_24h"),
    (_with("centre.threshold_overrides", "low"), "centre.threshold_overrides"),
    (_with("rotas", {"tier": 1}), "rotas"),
    (_with("rotas[0].tier", "1"), "rotas[0].tier"),
    (_with("rotas[0].people", "nurse-a"), "rotas[0].people"),
    (_with("rotas[0].people[0]", 4), "rotas[0].people[0]"),
    (_with("overrides", "none"), "overrides"),
    (_with("overrides[0].staff", 3), "overrides[0].staff"),
    # unknown keys
    (_with("patients", {}), "patients"),
    (_with("patient.infusion", "2026-03-02"), "patient.infusion"),
    (_with("patient.baseline.ice_score", 9), "patient.baseline.ice_score"),
    (_with("staff[0].shift", "night"), "staff[0].shift"),
    (_with("events[2].action", "acknowledge"), "events[2].action"),
    (_with("events[0].when", "now"), "events[0].when"),
    (_with("centre.phone", "+49"), "centre.phone"),
    # bad times
    (_with("patient.infused_at", "yesterday"), "patient.infused_at"),
    (_with("patient.infused_at", "2026-03-02T10:00:00"), "patient.infused_at"),
    (_with("patient.infused_at", 20260302), "patient.infused_at"),
    (_with("patient.enrolled_at", "2026-13-02T10:00:00+01:00"), "patient.enrolled_at"),
    (_with("until", "2026-03-04"), "until"),
    (_with("until", "2026-03-01T10:00:00+01:00"), "until"),
    (_with("events[1].at", "noon"), "events[1].at"),
    (_with("events[1].at", "2026-03-02T12:00:00"), "events[1].at"),
    (_with("events[1].at", "2026-03-05T12:00:00+01:00"), "events[1].at"),
    (_with("events[1].at", "2026-03-01T12:00:00+01:00"), "events[1].at"),
    (_with("overrides[0].starts_at", "soon"), "overrides[0].starts_at"),
    (_with("overrides[0].ends_at", "2026-03-02T22:00:00"), "overrides[0].ends_at"),
    # values out of range or not among the allowed
    (_with("patient.product", "kymriah"), "patient.product"),
    (_with("patient.timezone", "Mars/Olympus"), "patient.timezone"),
    (_with("patient.caregivers", 21), "patient.caregivers"),
    (_with("patient.caregivers", -1), "patient.caregivers"),
    (_with("patient.baseline.ice", 11), "patient.baseline.ice"),
    (_with("patient.window_days", 10_000), "patient.window_days"),
    (_with("staff[1].handle", "nurse-a"), "staff[1].handle"),
    (_with("events[2].by", "staff:nobody"), "events[2].by"),
    (_with("events[2].by", "doctor"), "events[2].by"),
    (_with("events[2].do", "dismiss"), "events[2].do"),
    (_with("patient.caregivers", 0), "events[1].by"),
    (_with("centre.ack_lapse_hours", {"urgent": 13}), "centre.ack_lapse_hours.urgent"),
    (_with("centre.schedule", {"0-14": ["08:00", "20:00"]}), "centre.schedule.0-14"),
    (_with("centre.driving_days", "many"), "centre.driving_days"),
    (_with("rotas[0].people[0]", "ghost"), "rotas[0].people[0]"),
    (_with("rotas", [GOOD["rotas"][0], GOOD["rotas"][0]]), "rotas[1].tier"),
    (_with("overrides[0].tier", 2), "overrides[0].tier"),
    (_with("overrides[0].staff", "ghost"), "overrides[0].staff"),
]


@pytest.mark.parametrize("document, path", BAD, ids=[f"{n}-{p}" for n, (_, p) in enumerate(BAD)])
def test_a_bad_field_is_named_by_its_path(document, path):
    with pytest.raises(ScenarioError) as refused:
        parse(document)
    assert str(refused.value).startswith(f"{path}: "), str(refused.value)


@pytest.mark.parametrize("document", [None, [], "scenario", 3])
def test_a_document_that_is_not_an_object_is_refused(document):
    with pytest.raises(ScenarioError, match="must be a JSON object"):
        parse(document)
