"""Load one centre's rows and map them to FHIR resources, by type, optionally per patient.

Every query is bounded by the centre (a join to its patients), so no caller can reach another
centre's rows whatever ids or parameters it sends. Returns (patient_id, resource) pairs so
callers can audit which patients they returned.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import and_, func, or_
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Caregiver, CheckIn, Device, Escalation, NotificationIntent, Patient, Receipt
from . import map_alerts, map_checkins, map_people
from .common import parse_instant

CHECKIN_TYPES = ("Observation", "QuestionnaireResponse", "Media", "Binary")

Pairs = list[tuple[int, dict]]


def _in_centre(stmt, model, centre_id: int, patient_ids: Iterable[int] | None):
    stmt = stmt.join(Patient, model.patient_id == Patient.id).where(Patient.centre_id == centre_id)
    if patient_ids is not None:
        stmt = stmt.where(model.patient_id.in_(list(patient_ids)))
    return stmt


def _patients(config, centre_id, patient_ids, since) -> Pairs:
    stmt = db.select(Patient).where(Patient.centre_id == centre_id).options(
        selectinload(Patient.centre)).order_by(Patient.id)
    if patient_ids is not None:
        stmt = stmt.where(Patient.id.in_(list(patient_ids)))
    return [(p.id, map_people.patient(config, p)) for p in db.session.scalars(stmt)]


def _caregivers(config, centre_id, patient_ids, since) -> Pairs:
    stmt = _in_centre(db.select(Caregiver), Caregiver, centre_id, patient_ids).order_by(
        Caregiver.id)
    return [(c.patient_id, map_people.related_person(config, c)) for c in db.session.scalars(stmt)]


def checkins(centre_id: int, patient_ids=None, since: dt.datetime | None = None,
             ids: Iterable[int] | None = None) -> list[CheckIn]:
    """A centre's check-ins (oldest first), each with its device attached for `performer`."""
    stmt = _in_centre(db.select(CheckIn), CheckIn, centre_id, patient_ids).order_by(
        CheckIn.observed_at, CheckIn.id)
    if since is not None:
        stmt = stmt.where(CheckIn.received_at >= since)
    if ids is not None:
        stmt = stmt.where(CheckIn.id.in_(list(ids)))
    rows = list(db.session.scalars(stmt))
    _attach_devices(rows)
    return rows


def _attach_devices(rows: list[CheckIn]) -> None:
    """Load the check-ins' devices in one query (their caregiver is the performer)."""
    device_ids = {r.device_id for r in rows if r.device_id}
    devices = {d.id: d for d in db.session.scalars(
        db.select(Device).where(Device.id.in_(device_ids)))} if device_ids else {}
    for row in rows:
        row._fhir_device = devices.get(row.device_id)


def _from_checkins(rtype):
    def load(config, centre_id, patient_ids, since) -> Pairs:
        return [(row.patient_id, res) for row in checkins(centre_id, patient_ids, since)
                for res in map_checkins.by_type(config, row, rtype)]
    return load


def _escalations(mapper):
    def load(config, centre_id, patient_ids, since) -> Pairs:
        stmt = _in_centre(db.select(Escalation), Escalation, centre_id, patient_ids).options(
            selectinload(Escalation.findings)).order_by(Escalation.id)
        return [(e.patient_id, mapper(config, e)) for e in db.session.scalars(stmt)]
    return load


def _communications(config, centre_id, patient_ids, since) -> Pairs:
    stmt = _in_centre(db.select(NotificationIntent), NotificationIntent, centre_id,
                      patient_ids).order_by(NotificationIntent.id)
    rows = list(db.session.scalars(stmt))
    received = dict(db.session.execute(
        db.select(Receipt.intent_id, func.min(Receipt.at))
        .where(Receipt.intent_id.in_([r.id for r in rows])).group_by(Receipt.intent_id)
    ).all()) if rows else {}
    return [(r.patient_id, map_alerts.communication(config, r, received.get(r.id)))
            for r in rows]


LOADERS = {
    "Patient": _patients,
    "RelatedPerson": _caregivers,
    **{t: _from_checkins(t) for t in CHECKIN_TYPES},
    "Flag": _escalations(map_alerts.flag),
    "DetectedIssue": _escalations(map_alerts.detected_issue),
    "Communication": _communications,
}


def load(config, rtype: str, centre_id: int, patient_ids=None,
         since: dt.datetime | None = None) -> Pairs:
    """Every resource of a type for a centre (or some of its patients), updated since `since`."""
    pairs = LOADERS[rtype](config, centre_id, patient_ids, since)
    if since is not None:
        pairs = [(p, r) for p, r in pairs if parse_instant(r["meta"]["lastUpdated"]) >= since]
    return pairs


CHUNK = 500


def stream(config, rtype: str, centre_id: int, patient_ids=None):
    """The same resources as `load`, lazily: check-in types are read in chunks of CHUNK rows
    (keyset on observed time and id), so a search can stop once it has its page."""
    if rtype not in CHECKIN_TYPES:
        yield from load(config, rtype, centre_id, patient_ids)
        return
    after = None
    while True:
        stmt = _in_centre(db.select(CheckIn), CheckIn, centre_id, patient_ids).order_by(
            CheckIn.observed_at, CheckIn.id).limit(CHUNK)
        if after is not None:
            stmt = stmt.where(or_(CheckIn.observed_at > after[0], and_(
                CheckIn.observed_at == after[0], CheckIn.id > after[1])))
        rows = list(db.session.scalars(stmt))
        if not rows:
            return
        _attach_devices(rows)
        for row in rows:
            for res in map_checkins.by_type(config, row, rtype):
                yield row.patient_id, res
        after = (rows[-1].observed_at, rows[-1].id)


def read(config, rtype: str, rid: str, centre_id: int) -> tuple[int, dict] | None:
    """One resource by id within a centre, or None (not found and other centres alike)."""
    if rtype in CHECKIN_TYPES:
        head = rid.split("-", 1)[0]
        if not head.isdigit() or len(head) > 18:
            return None
        rows = checkins(centre_id, ids=[int(head)])
        for row in rows:
            for res in map_checkins.by_type(config, row, rtype):
                if res["id"] == rid:
                    return row.patient_id, res
        return None
    if not rid.isdigit() or len(rid) > 18 or int(rid) >= 2**31:
        return None
    key = int(rid)
    if rtype == "Patient":
        pairs = _patients(config, centre_id, [key], None)
        return pairs[0] if pairs else None
    model = {"RelatedPerson": Caregiver, "Flag": Escalation, "DetectedIssue": Escalation,
             "Communication": NotificationIntent}[rtype]
    row = db.session.get(model, key)
    if row is None or row.patient_id is None:
        return None
    for patient_id, res in LOADERS[rtype](config, centre_id, [row.patient_id], None):
        if res["id"] == rid:
            return patient_id, res
    return None
