"""Scope guard: any URL naming a patient's data is checked before the view or its schema runs.

Every `<…_id>` path argument that identifies something of a patient is resolved to its
patient here, so a new endpoint is scoped the moment its URL names such an id, and a caller
outside the scope gets 401/404 before any validation can tell them anything.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import g, request

from ..extensions import db

# path argument name -> function(id) returning the owning patient's id (None if unknown)
_OWNERS: dict[str, Callable[[int], int | None]] = {}


def register_owner(arg: str, model, column: str = "patient_id") -> None:
    """Declare that a path argument names a row of `model` owned by a patient."""

    def owner(value: int) -> int | None:
        row = db.session.get(model, value)
        return None if row is None else getattr(row, column)

    _OWNERS[arg] = owner


def guard() -> None:
    """Refuse callers outside the scope of the patient that the URL points at.

    Every refusal of a patient-owned id is recorded as `patient.refused`, whether the id
    does not exist, belongs to another centre or to another patient: an action name that
    differed would tell the centre's audit page which ids are real elsewhere.
    """
    from .identity import _refuse, actor_patient

    args = request.view_args or {}
    if request.path.startswith("/api/v1/staff/") and g.actor.kind != "staff":
        _refuse(401, "access.refused")
    patient_ids = set()
    if "patient_id" in args:
        patient_ids.add(args["patient_id"])
    for name, value in args.items():
        if name in _OWNERS:
            owner = _OWNERS[name](value)
            if owner is None:
                _refuse(401 if g.actor.kind == "anonymous" else 404, "patient.refused")
            patient_ids.add(owner)
    if len(patient_ids) > 1:
        _refuse(404, "patient.refused")
    for patient_id in patient_ids:
        actor_patient(patient_id)


def init_owners() -> None:
    """Register the foundation's patient-owned path arguments."""
    from ..models import Caregiver, CheckIn, Device

    register_owner("device_id", Device)
    register_owner("caregiver_id", Caregiver)
    register_owner("checkin_id", CheckIn)
