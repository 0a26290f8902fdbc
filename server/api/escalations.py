"""Staff: the centre's escalations — list, read, acknowledge, undo, resolve."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from .. import policy as P
from ..audit import trail as audit
from ..auth.identity import current_staff, require_staff, staff_patient
from ..clinical import escalations, rules
from ..extensions import db
from ..ids import Id
from ..models.clinical import ESCALATION_STATES, OUTCOMES
from ..services import escalation_history, escalation_read, outcomes
from .checkin_schemas import CheckInOut, StrictSchema
from .evidence_schemas import EvidenceOut, PatientBlockOut
from .outcome_schemas import OutcomesIn, OutcomesOut

blp = Blueprint("escalations", __name__, url_prefix="/api/v1/staff/escalations",
                description="Centre staff: escalations and their ladder")

NO_STORE = {"Cache-Control": "no-store"}


class EscalationQuery(StrictSchema):
    state = fields.String(validate=validate.OneOf(ESCALATION_STATES + ("unresolved",)))
    severity = fields.String(validate=validate.OneOf(P.SEVERITIES))
    patient_id = Id(load_default=None)


class ResolvedQuery(StrictSchema):
    """Search resolved escalations; dates are calendar days in the centre's zone."""

    patient_id = Id(load_default=None)
    resolved_from = fields.Date(load_default=None)
    resolved_to = fields.Date(load_default=None)
    reason = fields.String(load_default=None, validate=validate.OneOf(
        sorted({rule.reason for rule in rules.RULES}), error="not a finding reason"))
    outcome = fields.String(load_default=None, validate=validate.OneOf(OUTCOMES))
    page = fields.Integer(load_default=1, validate=validate.Range(1, 100_000))
    per_page = fields.Integer(load_default=25, validate=validate.Range(1, 100))

    @validates_schema
    def _ordered(self, data, **_kwargs):
        low, high = data.get("resolved_from"), data.get("resolved_to")
        if low and high and low > high:
            raise ValidationError("must not be before resolved_from", "resolved_to")


class ResolveIn(OutcomesIn):
    """Outcome and note; optionally the registry fields (ASTCT grades, dated treatments)."""

    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class StaffRef(Schema):
    id = fields.Integer()
    handle = fields.String()
    name = fields.String()


class EscalationOut(Schema):
    """An escalation as staff see it, with who acknowledged or resolved it."""

    id = fields.Integer()
    patient_id = fields.Integer()
    patient_code = fields.String()
    state = fields.String()
    severity = fields.String()
    syndromes = fields.List(fields.String())
    reasons = fields.List(fields.String())
    opened_at = fields.DateTime()
    raised_at = fields.DateTime(allow_none=True)
    observed_at = fields.DateTime()
    acknowledged_at = fields.DateTime(allow_none=True)
    acknowledged_by = fields.Nested(StaffRef, allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    resolved_by = fields.Nested(StaffRef, allow_none=True)
    outcome = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    undeliverable_at = fields.DateTime(allow_none=True)
    undeliverable_reason = fields.String(allow_none=True)
    worsened_at = fields.DateTime(allow_none=True, metadata={
        "description": "last re-alert: worse while acknowledged (policy v2)"})
    ack_lapsed_at = fields.DateTime(allow_none=True, metadata={
        "description": "last acknowledgement that lapsed unresolved (policy v2)"})
    followed_up_at = fields.DateTime(allow_none=True, metadata={
        "description": "routine follow-up sent to every tier (policy v2)"})


class EscalationEventOut(Schema):
    """One entry of an escalation's history."""

    at = fields.DateTime()
    kind = fields.String(metadata={"description": "opened, attached, raised, worsened, "
                                   "acknowledged, unacknowledged, ack_lapsed, followed_up, "
                                   "resolved"})
    severity = fields.String()
    by = fields.Nested(StaffRef, allow_none=True)
    new_reasons = fields.List(fields.String(), allow_none=True,
                              metadata={"description": "raised / worsened: what came"})


class EscalationDetailOut(EscalationOut):
    """An escalation with its findings, check-ins, the values behind its reasons, history,
    ladder state and patient."""

    patient = fields.Nested(PatientBlockOut)
    evidence = fields.Nested(EvidenceOut)
    findings = fields.List(fields.Dict())
    checkins = fields.List(fields.Nested(CheckInOut))
    events = fields.List(fields.Nested(EscalationEventOut))
    ladder = fields.Dict()


@blp.route("")
class EscalationList(MethodView):
    @require_staff()
    @blp.arguments(EscalationQuery, location="query")
    @blp.response(200, EscalationOut(many=True))
    def get(self, query):
        """List the centre's escalations, newest first (filter by state, severity, patient)."""
        rows = escalation_read.list_for_staff(current_staff(), query.get("state"),
                                              query.get("severity"), query.get("patient_id"))
        return rows, 200, NO_STORE


class ResolvedPage(Schema):
    items = fields.List(fields.Nested(EscalationOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


@blp.route("/resolved")
class ResolvedEscalations(MethodView):
    @require_staff()
    @blp.arguments(ResolvedQuery, location="query")
    @blp.response(200, ResolvedPage)
    def get(self, query):
        """Search the centre's resolved escalations (patient, dates, reason, outcome), paged."""
        if query["patient_id"] is not None:
            staff_patient(query["patient_id"])  # another centre's id: 404, audited
        return escalation_history.search(current_staff(), **query), 200, NO_STORE


@blp.route("/<int:escalation_id>")
class EscalationById(MethodView):
    @require_staff()
    @blp.response(200, EscalationDetailOut)
    def get(self, escalation_id):
        """Read an escalation with its findings, check-ins, history and ladder."""
        escalation = escalations.staff_escalation(escalation_id, current_staff())
        return escalation_read.describe(escalation), 200, NO_STORE


@blp.route("/<int:escalation_id>/acknowledge")
class Acknowledge(MethodView):
    @require_staff()
    @blp.response(200, EscalationOut)
    def post(self, escalation_id):
        """Acknowledge: stop the ladder and tell the patient and caregivers."""
        escalation = escalations.acknowledge(escalation_id, current_staff())
        return escalation_read.summary(escalation), 200, NO_STORE


@blp.route("/<int:escalation_id>/unacknowledge")
class Unacknowledge(MethodView):
    @require_staff()
    @blp.response(200, EscalationOut)
    def post(self, escalation_id):
        """Undo an acknowledgement: the escalation is open and its ladder resumes."""
        escalation = escalations.unacknowledge(escalation_id, current_staff())
        return escalation_read.summary(escalation), 200, NO_STORE


@blp.route("/<int:escalation_id>/resolve")
class Resolve(MethodView):
    @require_staff()
    @blp.arguments(ResolveIn)
    @blp.response(200, EscalationOut)
    def post(self, data, escalation_id):
        """Resolve with an outcome and a note (and optionally grades and treatments)."""
        escalation = escalations.resolve(escalation_id, current_staff(), data["outcome"],
                                         data["note"], outcomes=data)
        return escalation_read.summary(escalation), 200, NO_STORE


@blp.route("/<int:escalation_id>/outcomes")
class Outcomes(MethodView):
    @require_staff()
    @blp.response(200, OutcomesOut)
    def get(self, escalation_id):
        """Read the registry outcomes recorded for an escalation."""
        escalation = escalations.staff_escalation(escalation_id, current_staff())
        audit.record("escalation.outcomes.read", patient_id=escalation.patient_id,
                     detail={"escalation": escalation.id})
        db.session.commit()
        return outcomes.describe(outcomes.of(escalation.id)), 200, NO_STORE

    @require_staff()
    @blp.arguments(OutcomesIn)
    @blp.response(200, OutcomesOut)
    def put(self, data, escalation_id):
        """Record or amend a resolved escalation's grades and treatments (replaces them)."""
        row = escalations.amend_outcomes(escalation_id, current_staff(), data)
        return outcomes.describe(row), 200, NO_STORE
