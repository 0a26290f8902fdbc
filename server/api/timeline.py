"""Staff: the triage queue, a patient's timeline and the patient overview."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.identity import current_staff, require_staff, staff_patient
from ..services import timeline, triage
from .schemas.timeline import OverviewRow, QueueItem, TimelineOut

blp = Blueprint("timeline", __name__, url_prefix="/api/v1/staff",
                description="Centre staff: patient timeline and overview")


@blp.route("/patients/<int:patient_id>/timeline")
class Timeline(MethodView):
    @require_staff()
    @blp.response(200, TimelineOut)
    def get(self, patient_id):
        """Return a patient's check-ins, symptoms and escalations on one time axis."""
        patient = staff_patient(patient_id)
        return timeline.patient_timeline(patient), 200


@blp.route("/queue")
class Queue(MethodView):
    @require_staff()
    @blp.response(200, QueueItem(many=True))
    def get(self):
        """List unresolved escalations, most severe and longest waiting first, with ladder."""
        return triage.queue(current_staff()), 200


@blp.route("/overview")
class Overview(MethodView):
    @require_staff()
    @blp.response(200, OverviewRow(many=True))
    def get(self):
        """List the centre's patients with day N, last check-in, next slot, open escalation."""
        return timeline.overview(current_staff()), 200
