"""Staff: measured handwriting (features, SVG to a shared scale) and tremor, and baselines."""
from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from .. import transaction
from ..audit import trail as audit
from ..auth.identity import current_staff, require_staff, staff_patient
from ..errors import ApiError
from ..extensions import db
from ..measures import service, svg
from ..models import CheckIn
from ..services import baselines
from .schemas.measures import BaselineChangeOut, BaselineIn, BaselineOut, SampleOut, SamplesQuery

blp = Blueprint("measures", __name__, url_prefix="/api/v1/staff",
                description="Centre staff: measured handwriting and tremor")


def _baselines(patient) -> dict:
    return {"handwriting_checkin_id": patient.baseline_handwriting_checkin_id,
            "tremor_checkin_id": patient.baseline_tremor_checkin_id, "ice": patient.baseline_ice}


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
        return rows, 200


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
        return rows, 200


@blp.route("/patients/<int:patient_id>/checkins/<int:checkin_id>/handwriting.svg")
class HandwritingSvg(MethodView):
    @require_staff()
    @blp.response(200, content_type="image/svg+xml")
    def get(self, patient_id, checkin_id):
        """Draw one handwriting sample as SVG in CSS px (the same scale as its baseline)."""
        patient = staff_patient(patient_id)
        row = db.session.get(CheckIn, checkin_id)
        if row is None or row.patient_id != patient.id or not row.handwriting_strokes:
            transaction.refuse("measures.handwriting.svg", patient_id=patient.id,
                             outcome="denied", detail={"checkin": checkin_id})
            raise ApiError(404, "not_found", "Not found")
        body = svg.render(row.handwriting_strokes, f"Handwriting sample {row.id}")
        audit.record("measures.handwriting.svg", patient_id=patient.id,
                     detail={"checkin": row.id})
        return Response(body, 200, {"Content-Security-Policy":
                                    "default-src 'none'; style-src 'unsafe-inline'"},
                        mimetype="image/svg+xml")


@blp.route("/patients/<int:patient_id>/baseline")
class Baseline(MethodView):
    @require_staff()
    @blp.arguments(BaselineIn)
    @blp.response(200, BaselineOut)
    def post(self, data, patient_id):
        """Set the handwriting, tremor and/or ICE baseline (kept in the history; undoable)."""
        patient = staff_patient(patient_id)
        reason = (data.pop("reason", None) or "").strip() or None
        staff = current_staff()
        for kind, key in (("handwriting", "handwriting_checkin_id"),
                          ("tremor", "tremor_checkin_id"), ("ice", "ice")):
            if (target := data.get(key)) is not None:
                baselines.change(patient, kind, target, staff, reason)
        return _baselines(patient), 200


@blp.route("/patients/<int:patient_id>/baselines")
class BaselineHistory(MethodView):
    @require_staff()
    @blp.response(200, BaselineChangeOut(many=True))
    def get(self, patient_id):
        """List the changes of a patient's baselines, newest first (to undo or go back)."""
        patient = staff_patient(patient_id)
        rows = baselines.history(patient)
        handles = baselines.handles({r.staff_id for r in rows if r.staff_id})
        audit.record("measures.baseline.list", patient_id=patient.id)
        return [{**{c: getattr(r, c) for c in BaselineChangeOut().fields if c != "staff_handle"},
                 "staff_handle": handles.get(r.staff_id)} for r in rows], 200
