"""Staff: measured handwriting (features, SVG to a shared scale) and tremor, and baselines."""
from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..auth.identity import require_staff, staff_patient
from ..errors import ApiError
from ..extensions import db
from ..ids import Id
from ..measures import service, svg
from ..models import CheckIn
from ..services import audit
from .checkin_schemas import StrictSchema

blp = Blueprint("measures", __name__, url_prefix="/api/v1/staff",
                description="Centre staff: measured handwriting and tremor")

NO_STORE = {"Cache-Control": "no-store"}


class SampleOut(Schema):
    checkin_id = fields.Integer()
    observed_at = fields.AwareDateTime()
    label = fields.String(allow_none=True, metadata={
        "description": "handwriting judgement or tremor rating given with the sample"})
    features = fields.Dict()
    is_baseline = fields.Boolean()
    svg_url = fields.String(metadata={"description": "handwriting only"})


class SamplesQuery(StrictSchema):
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))


class BaselineIn(StrictSchema):
    handwriting_checkin_id = Id(strict=True)
    tremor_checkin_id = Id(strict=True)

    @validates_schema
    def _one_at_least(self, data, **kwargs):
        if not data:
            raise ValidationError("give handwriting_checkin_id, tremor_checkin_id or both")


class BaselineOut(Schema):
    handwriting_checkin_id = fields.Integer(allow_none=True)
    tremor_checkin_id = fields.Integer(allow_none=True)


def _svg_url(patient_id: int, checkin_id: int) -> str:
    return f"/api/v1/staff/patients/{patient_id}/checkins/{checkin_id}/handwriting.svg"


@blp.route("/patients/<int:patient_id>/handwriting")
class Handwriting(MethodView):
    @require_staff()
    @blp.arguments(SamplesQuery, location="query")
    @blp.response(200, SampleOut(many=True))
    def get(self, query, patient_id):
        """List a patient's handwriting samples with features; the baseline is marked."""
        patient = staff_patient(patient_id)
        rows = service.samples(patient, "handwriting", query["limit"])
        for row in rows:
            row["svg_url"] = _svg_url(patient.id, row["checkin_id"])
        audit.record("measures.handwriting.list", patient_id=patient.id)
        db.session.commit()
        return rows, 200, NO_STORE


@blp.route("/patients/<int:patient_id>/tremor")
class Tremor(MethodView):
    @require_staff()
    @blp.arguments(SamplesQuery, location="query")
    @blp.response(200, SampleOut(many=True))
    def get(self, query, patient_id):
        """List a patient's measured tremor samples (feature series); the baseline is marked."""
        patient = staff_patient(patient_id)
        rows = service.samples(patient, "tremor", query["limit"])
        audit.record("measures.tremor.list", patient_id=patient.id)
        db.session.commit()
        return rows, 200, NO_STORE


@blp.route("/patients/<int:patient_id>/checkins/<int:checkin_id>/handwriting.svg")
class HandwritingSvg(MethodView):
    @require_staff()
    @blp.response(200, content_type="image/svg+xml")
    def get(self, patient_id, checkin_id):
        """Draw one handwriting sample as SVG in CSS px (the same scale as its baseline)."""
        patient = staff_patient(patient_id)
        row = db.session.get(CheckIn, checkin_id)
        if row is None or row.patient_id != patient.id or not row.handwriting_strokes:
            audit.record_now("measures.handwriting.svg", patient_id=patient.id,
                             outcome="denied", detail={"checkin": checkin_id})
            raise ApiError(404, "not_found", "Not found")
        body = svg.render(row.handwriting_strokes, f"Handwriting sample {row.id}")
        audit.record("measures.handwriting.svg", patient_id=patient.id,
                     detail={"checkin": row.id})
        db.session.commit()
        return Response(body, 200, {**NO_STORE, "Content-Security-Policy":
                                    "default-src 'none'; style-src 'unsafe-inline'"},
                        mimetype="image/svg+xml")


@blp.route("/patients/<int:patient_id>/baseline")
class Baseline(MethodView):
    @require_staff()
    @blp.arguments(BaselineIn)
    @blp.response(200, BaselineOut)
    def post(self, data, patient_id):
        """Re-set the handwriting and/or tremor baseline to a complete sample of this patient."""
        patient = staff_patient(patient_id)
        for kind in ("handwriting", "tremor"):
            if (checkin_id := data.get(f"{kind}_checkin_id")) is not None:
                service.set_baseline(patient, kind, checkin_id)
        audit.record("measures.baseline.set", patient_id=patient.id,
                     detail={k: v for k, v in data.items()})
        db.session.commit()
        return {"handwriting_checkin_id": patient.baseline_handwriting_checkin_id,
                "tremor_checkin_id": patient.baseline_tremor_checkin_id}, 200, NO_STORE
