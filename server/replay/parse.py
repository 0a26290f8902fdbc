"""What one field cannot say alone (staff named by events and rotas, times within the run)."""
from __future__ import annotations

from .. import policy as P
from .schema import ACTIONS, Scenario, ScenarioError, load


def parse(data) -> Scenario:
    """Validate a scenario document; raise ScenarioError naming the first bad field's path."""
    doc = load(data)
    patient = doc["patient"]
    caregivers = patient.get("caregivers", 1)
    baseline_ice = patient.get("baseline", {}).get("ice", P.ICE_DEFAULT_BASELINE)
    window = patient.get("window_days", P.DEFAULT_WINDOW_DAYS)
    infused = patient["infused_at"]
    enrolled = patient.get("enrolled_at", infused)
    until = doc["until"]
    if until < enrolled:
        raise ScenarioError("until: before enrolled_at")
    staff = doc.get("staff", [])
    handles = set()
    for i, member in enumerate(staff):
        if member["handle"] in handles:
            raise ScenarioError(f"staff[{i}].handle: duplicate handle")
        handles.add(member["handle"])
    events = [_event(event, i, handles, caregivers, enrolled, until)
              for i, event in enumerate(doc.get("events", []))]
    events.sort(key=lambda e: e["at"])  # stable: same-time events keep file order
    centre = _centre_settings(doc.get("centre", {}))
    rotas, overrides = _rotas(doc.get("rotas", []), doc.get("overrides", []), handles)
    facts = {"timezone": patient["timezone"], "product": patient["product"],
             "caregivers": caregivers, "baseline_ice": baseline_ice, "window_days": window}
    return Scenario(facts, infused, enrolled, until, staff, events, centre, rotas, overrides)


def _event(event: dict, i: int, handles: set, caregivers: int, enrolled, until) -> dict:
    where = f"events[{i}]"
    if not enrolled <= event["at"] <= until:
        raise ScenarioError(f"{where}.at: outside enrolled_at..until")
    by = event["by"]
    if by == "caregiver" and caregivers < 1:
        raise ScenarioError(f"{where}.by: the patient has no caregiver")
    if by not in ("patient", "caregiver") and not (
            by.startswith("staff:") and by[6:] in handles):
        raise ScenarioError(f"{where}.by: patient, caregiver or staff:HANDLE of a listed staff")
    if by.startswith("staff:"):
        if event.get("do") not in ACTIONS:
            raise ScenarioError(f"{where}.do: one of {', '.join(ACTIONS)}")
    elif "checkin" not in event:
        raise ScenarioError(f"{where}.checkin: required object for patient or caregiver")
    return event


def _rotas(rotas: list, overrides: list, handles: set) -> tuple[list[dict], list[dict]]:
    """rota: one per tier, people and override staff among the listed staff."""
    tiers = set()
    for i, rota in enumerate(rotas):
        if rota["tier"] in tiers:
            raise ScenarioError(f"rotas[{i}].tier: one rota per tier")
        tiers.add(rota["tier"])
        for n, person in enumerate(rota["people"]):
            if person not in handles:
                raise ScenarioError(f"rotas[{i}].people[{n}]: {person!r} is not a listed staff")
    for i, row in enumerate(overrides):
        if row["tier"] not in tiers:
            raise ScenarioError(f"overrides[{i}].tier: the tier of a listed rota")
        if row.get("staff") is not None and row["staff"] not in handles:
            raise ScenarioError(f"overrides[{i}].staff: a listed staff handle")
    return rotas, overrides


def _centre_settings(centre: dict) -> dict:
    """FORMAT.md v2 `centre.schedule` / `ack_lapse_hours`, checked as the admin API does."""
    from ..clinical import centre_settings

    settings = {k: centre[k] for k in ("schedule", "ack_lapse_hours", "proximity_days",
                                       "driving_days") if k in centre}
    clean, problems = centre_settings.check(settings)
    if problems:
        name, message = next(iter(problems.items()))
        raise ScenarioError(f"centre.{name}: {message}")
    return {**centre, **clean}
