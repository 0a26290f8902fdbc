"""Schemas of an escalation's registry outcomes (ASTCT grades, dated treatments)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from ... import policy as P
from .common import Number, StrictSchema, Timestamp

MAX_TREATMENTS = 20


class TreatmentIn(StrictSchema):
    code = fields.String(required=True, validate=validate.OneOf(
        P.OUTCOME_TREATMENTS, error="not a known treatment"))
    date = fields.Date(required=True, metadata={
        "description": "day given, in the patient's zone; not in the future, not before "
                       "the infusion day"})


class OutcomesIn(StrictSchema):
    """The registry fields, all optional; a grade is ASTCT 1–4 or null (not graded)."""

    crs_grade = fields.Integer(load_default=None, allow_none=True, strict=True,
                               validate=validate.OneOf(P.ASTCT_GRADES, error="must be 1–4"))
    icans_grade = fields.Integer(load_default=None, allow_none=True, strict=True,
                                 validate=validate.OneOf(P.ASTCT_GRADES, error="must be 1–4"))
    treatments = fields.List(fields.Nested(TreatmentIn), load_default=list,
                             validate=validate.Length(max=MAX_TREATMENTS))


class TreatmentOut(Schema):
    code = fields.String()
    date = fields.String()


class OutcomesOut(Schema):
    """What is recorded for an escalation (empty fields when nothing was)."""

    crs_grade = fields.Integer(allow_none=True)
    icans_grade = fields.Integer(allow_none=True)
    treatments = fields.List(fields.Nested(TreatmentOut))
    recorded_at = Timestamp(allow_none=True)
    updated_at = Timestamp(allow_none=True)
    updated_by_id = fields.Integer(allow_none=True)


class RegistryTreatment(Schema):
    code = fields.String()
    date = fields.String(metadata={"format": "date"})


class RegistryRow(Schema):
    """One patient of the registry export (services/outcomes_export.py, README columns)."""

    patient_code = fields.String()
    product = fields.String(allow_none=True)
    infusion_date = fields.String(metadata={"format": "date"})
    window_days = fields.Integer()
    monitoring_ended_on = fields.String(allow_none=True, metadata={"format": "date"})
    escalations = fields.Integer()
    max_severity = fields.String(allow_none=True)
    crs_first_alert_day = fields.Integer(allow_none=True)
    icans_first_alert_day = fields.Integer(allow_none=True)
    crs_max_grade = fields.Integer(allow_none=True)
    icans_max_grade = fields.Integer(allow_none=True)
    treatments = fields.List(fields.Nested(RegistryTreatment))
    first_ack_minutes = fields.Integer(allow_none=True)
    median_ack_minutes = Number(allow_none=True)
    # one `<treatment>_first_date` column per P.OUTCOME_TREATMENTS (a test checks them all)
    tocilizumab_first_date = fields.String(allow_none=True, metadata={"format": "date"})
    steroids_first_date = fields.String(allow_none=True, metadata={"format": "date"})
    admission_first_date = fields.String(allow_none=True, metadata={"format": "date"})
    icu_first_date = fields.String(allow_none=True, metadata={"format": "date"})


class RegistryOut(Schema):
    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()
    columns = fields.List(fields.String())
    patients = fields.List(fields.Nested(RegistryRow))
