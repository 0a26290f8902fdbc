"""Staff: the centre's escalations — list, read, acknowledge, undo, resolve."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from ..audit import trail as audit
from ..auth.identity import current_staff, require_staff, staff_patient
from ..clinical import escalations, outcomes
from ..services import escalation_history, escalation_read
from .schemas.escalations import (
    EscalationDetailOut,
    EscalationOut,
    EscalationQuery,
    ResolvedPage,
    ResolvedQuery,
    ResolveIn,
)
from .schemas.outcomes import OutcomesIn, OutcomesOut

blp = Blueprint("escalations", __name__, url_prefix="/api/v1/staff/escalations",
                description="Centre staff: escalations and their ladder")


@blp.route("")
class EscalationList(MethodView):
    @require_staff()
    @blp.arguments(EscalationQuery, location="query")
    @blp.response(200, EscalationOut(many=True))
    def get(self, query):
        """List the centre's escalations, newest first (filter by state, severity, patient)."""
        rows = escalation_read.list_for_staff(current_staff(), query.get("state"),
                                              query.get("severity"), query.get("patient_id"))
        return rows, 200


@blp.route("/resolved")
class ResolvedEscalations(MethodView):
    @require_staff()
    @blp.arguments(ResolvedQuery, location="query")
    @blp.response(200, ResolvedPage)
    def get(self, query):
        """Search the centre's resolved escalations (patient, dates, reason, outcome), paged."""
        if query["patient_id"] is not None:
            staff_patient(query["patient_id"])  # another centre's id: 404, audited
        return escalation_history.search(current_staff(), **query), 200


@blp.route("/<int:escalation_id>")
class EscalationById(MethodView):
    @require_staff()
    @blp.response(200, EscalationDetailOut)
    def get(self, escalation_id):
        """Read an escalation with its findings, check-ins, history and ladder."""
        escalation = escalations.staff_escalation(escalation_id, current_staff())
        return escalation_read.describe(escalation), 200


@blp.route("/<int:escalation_id>/acknowledge")
class Acknowledge(MethodView):
    @require_staff()
    @blp.response(200, EscalationOut)
    def post(self, escalation_id):
        """Acknowledge: stop the ladder and tell the patient and caregivers."""
        escalation = escalations.acknowledge(escalation_id, current_staff())
        return escalation_read.summary(escalation), 200


@blp.route("/<int:escalation_id>/unacknowledge")
class Unacknowledge(MethodView):
    @require_staff()
    @blp.response(200, EscalationOut)
    def post(self, escalation_id):
        """Undo an acknowledgement: the escalation is open and its ladder resumes."""
        escalation = escalations.unacknowledge(escalation_id, current_staff())
        return escalation_read.summary(escalation), 200


@blp.route("/<int:escalation_id>/resolve")
class Resolve(MethodView):
    @require_staff()
    @blp.arguments(ResolveIn)
    @blp.response(200, EscalationOut)
    def post(self, data, escalation_id):
        """Resolve with an outcome and a note (and optionally grades and treatments)."""
        escalation = escalations.resolve(escalation_id, current_staff(), data["outcome"],
                                         data["note"], outcomes=data)
        return escalation_read.summary(escalation), 200


@blp.route("/<int:escalation_id>/outcomes")
class Outcomes(MethodView):
    @require_staff()
    @blp.response(200, OutcomesOut)
    def get(self, escalation_id):
        """Read the registry outcomes recorded for an escalation."""
        escalation = escalations.staff_escalation(escalation_id, current_staff())
        audit.record("escalation.outcomes.read", patient_id=escalation.patient_id,
                     detail={"escalation": escalation.id})
        return outcomes.describe(outcomes.of(escalation.id)), 200

    @require_staff()
    @blp.arguments(OutcomesIn)
    @blp.response(200, OutcomesOut)
    def put(self, data, escalation_id):
        """Record or amend a resolved escalation's grades and treatments (replaces them)."""
        row = escalations.amend_outcomes(escalation_id, current_staff(), data)
        return outcomes.describe(row), 200
