"""Staff: a patient's course summary as a PDF for the chart (generated on demand)."""
from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from ..audit import trail as audit
from ..auth.identity import require_staff, staff_patient
from ..reports import summary_pdf
from ..services import course_summary

blp = Blueprint("summary", __name__, url_prefix="/api/v1/staff",
                description="Centre staff: the course summary PDF")


@blp.route("/patients/<int:patient_id>/summary.pdf")
class SummaryPdf(MethodView):
    @require_staff()
    @blp.response(200, content_type="application/pdf")
    def get(self, patient_id):
        """Download the course summary (final once monitoring has ended, interim before)."""
        patient = staff_patient(patient_id)
        facts = course_summary.facts(patient)
        body = summary_pdf.render(facts, course_summary.FINDING_TEXT)
        audit.record("summary.read", patient_id=patient.id,
                     detail={"final": facts["final"]})
        name = f"cartwatch-summary-{patient.code}.pdf"
        return Response(body, mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="{name}"'})
