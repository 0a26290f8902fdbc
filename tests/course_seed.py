"""A hand-built course of one patient for the summary PDF and the registry export tests.

Berlin; infused 7 March 2026 10:00 (day 0), enrolled 12:00; the tests run at START, 10 March
08:00. Due slots before then (08:00, 14:00, 20:00 from 7 March 14:00): 8; answered: 6 (the
8 March 20:00 and 9 March 14:00 slots have no check-in) -> adherence 6/8 = 75.0 %.
Escalation A: fever on 8 March 14:00 (day 1), acknowledged 12 min later by Nurse-T1,
resolved by Doctor-R (came to hospital), CRS grade 1, tocilizumab on 8 March.
Escalation B: ICE 8 on 9 March 08:00 (day 2), acknowledged 30 min later, not resolved.
"""
from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from server.extensions import db
from server.models import CheckIn, Escalation, EscalationEvent, EscalationOutcome, Finding

BERLIN = ZoneInfo("Europe/Berlin")
CODE = "P-COURSE1"
NAME = "Ada Coursewell"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """Berlin wall time on March `day`, in UTC."""
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=BERLIN).astimezone(dt.UTC)


def strokes(height: float) -> dict:
    """A two-stroke sample on a 300 x 100 canvas (a zigzag and a dot), letters `height` tall."""
    zigzag = [[10 + 20 * i, 50 + (height if i % 2 else -height) / 2, 100 * i, 0.5]
              for i in range(12)]
    return {"canvas": {"width": 300, "height": 100}, "dpr": 1,
            "strokes": [zigzag, [[280, 50, 1300, 0.5]]]}


def _checkin(patient, observed_at, **values) -> CheckIn:
    row = CheckIn(patient_id=patient.id, recorded_by="patient", observed_at=observed_at,
                  received_at=observed_at, idempotency_key=uuid.uuid4().hex, request_hash="x",
                  symptoms=[], **values)
    db.session.add(row)
    return row


def _escalation(patient, opened_at, reason, rule, syndrome, ack_after, acker, **extra):
    row = Escalation(patient_id=patient.id, severity="urgent", opened_at=opened_at,
                     observed_at=opened_at, reasons=[reason], syndromes=[syndrome],
                     acknowledged_at=opened_at + ack_after, acknowledged_by_id=acker.id,
                     state="acknowledged", **extra)
    db.session.add(row)
    db.session.flush()
    db.session.add(Finding(escalation_id=row.id, patient_id=patient.id, rule_id=rule,
                           reason=reason, severity="urgent", syndrome=syndrome,
                           observed_at=opened_at))
    db.session.add(EscalationEvent(escalation_id=row.id, at=opened_at, kind="opened",
                                   severity="urgent"))
    db.session.add(EscalationEvent(escalation_id=row.id, at=opened_at + ack_after,
                                   kind="acknowledged", severity="urgent", staff_id=acker.id))
    return row


def seed_course(make_staff, make_patient) -> dict:
    """The course above; returns the patient, its staff and its escalations."""
    nurse = make_staff(handle="nurse-t1", role="nurse")
    doctor = make_staff(handle="doctor-r", role="physician")
    patient = make_patient(code=CODE, display_name=NAME, product="cilta-cel",
                           infused_at=at(7, 10), enrolled_at=at(7, 12), window_days=30)
    readings = [  # (day, hour, minute, temperature, ICE, handwriting letter height)
        (7, 14, 5, 37.0, None, 40), (7, 20, 0, 37.4, 10, 38), (8, 8, 10, 37.1, 10, None),
        (8, 14, 0, 38.6, None, None), (9, 8, 0, 38.1, 8, None), (9, 20, 30, 36.9, 9, 20)]
    rows = []
    for day, hour, minute, temperature, ice, writing in readings:
        rows.append(_checkin(patient, at(day, hour, minute), temperature_c=temperature,
                             temperature_value=temperature, temperature_unit="C",
                             ice_total=ice, handwriting_strokes=writing and strokes(writing)))
    db.session.flush()
    patient.baseline_handwriting_checkin_id = rows[0].id
    fever = _escalation(patient, at(8, 14), "fever", "R-FEVER", "CRS",
                        dt.timedelta(minutes=12), nurse)
    fever.state, fever.resolved_at, fever.resolved_by_id = "resolved", at(8, 18), doctor.id
    fever.outcome, fever.note = "came_to_hospital", "Seen in the day unit; CRS grade 1."
    db.session.add(EscalationOutcome(escalation_id=fever.id, patient_id=patient.id,
                                     crs_grade=1, treatments=[
                                         {"code": "tocilizumab", "date": "2026-03-08"}],
                                     recorded_at=at(8, 18), updated_at=at(8, 18),
                                     recorded_by_id=doctor.id, updated_by_id=doctor.id))
    ice = _escalation(patient, at(9, 8), "ice_low", "R-ICE-LOW", "ICANS",
                      dt.timedelta(minutes=30), nurse)
    db.session.commit()
    return {"patient": patient, "nurse": nurse, "doctor": doctor, "fever": fever, "ice": ice}
