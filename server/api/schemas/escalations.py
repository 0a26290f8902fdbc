"""Staff escalation bodies: queries, resolve, the escalation, its findings, history, ladder."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ... import policy as P
from ...clinical import rules
from ...ids import Id
from ...models.clinical import ESCALATION_STATES, OUTCOMES
from .checkins import CheckInOut
from .common import StrictSchema, Timestamp
from .evidence import EvidenceOut, PatientBlockOut
from .outcomes import OutcomesIn


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


class EscalationCore(Schema):
    """The fields every view of an escalation shares (the queue, the timeline)."""

    id = fields.Integer()
    state = fields.String()
    severity = fields.String()
    syndromes = fields.List(fields.String())
    reasons = fields.List(fields.String())
    opened_at = Timestamp()
    raised_at = Timestamp(allow_none=True)
    acknowledged_at = Timestamp(allow_none=True)
    resolved_at = Timestamp(allow_none=True)
    outcome = fields.String(allow_none=True)


class EscalationOut(EscalationCore):
    """An escalation as staff see it, with who acknowledged or resolved it."""

    patient_id = fields.Integer()
    patient_code = fields.String()
    observed_at = Timestamp()
    acknowledged_by = fields.Nested(StaffRef, allow_none=True)
    resolved_by = fields.Nested(StaffRef, allow_none=True)
    note = fields.String(allow_none=True)
    undeliverable_at = Timestamp(allow_none=True)
    undeliverable_reason = fields.String(allow_none=True)
    worsened_at = Timestamp(allow_none=True, metadata={
        "description": "last re-alert: worse while acknowledged (policy v2)"})
    ack_lapsed_at = Timestamp(allow_none=True, metadata={
        "description": "last acknowledgement that lapsed unresolved (policy v2)"})
    followed_up_at = Timestamp(allow_none=True, metadata={
        "description": "routine follow-up sent to every tier (policy v2)"})


class EscalationEventOut(Schema):
    """One entry of an escalation's history."""

    at = Timestamp()
    kind = fields.String(metadata={"description": "opened, attached, raised, worsened, "
                                   "acknowledged, unacknowledged, ack_lapsed, followed_up, "
                                   "resolved"})
    severity = fields.String()
    by = fields.Nested(StaffRef, allow_none=True)
    new_reasons = fields.List(fields.String(), allow_none=True,
                              metadata={"description": "raised / worsened: what came"})


class FindingOut(Schema):
    """One rule's finding behind the escalation."""

    id = fields.Integer()
    rule_id = fields.String()
    reason = fields.String()
    severity = fields.String()
    syndrome = fields.String(allow_none=True)
    checkin_id = fields.Integer(allow_none=True)
    slot_at = Timestamp(http_date=True, allow_none=True, metadata={
        "description": "a missed slot"})
    observed_at = Timestamp(http_date=True, allow_none=True)
    created_at = Timestamp(http_date=True)


class PendingStepOut(Schema):
    kind = fields.String(metadata={"description": "ladder, unanswered, ack_lapse, followup"})
    due_at = Timestamp(http_date=True)
    step = fields.Integer(allow_none=True)


class LadderOut(Schema):
    """The staff ladder of one escalation: its level and the steps still to come."""

    level = fields.Integer(allow_none=True)
    tiers_on_duty = fields.Integer()
    started_at = Timestamp(http_date=True, allow_none=True)
    running = fields.Boolean()
    pending = fields.List(fields.Nested(PendingStepOut))


class EscalationDetailOut(EscalationOut):
    """An escalation with its findings, check-ins, the values behind its reasons, history,
    ladder state and patient."""

    patient = fields.Nested(PatientBlockOut)
    evidence = fields.Nested(EvidenceOut)
    findings = fields.List(fields.Nested(FindingOut))
    checkins = fields.List(fields.Nested(CheckInOut))
    events = fields.List(fields.Nested(EscalationEventOut))
    ladder = fields.Nested(LadderOut)


class ResolvedPage(Schema):
    items = fields.List(fields.Nested(EscalationOut))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
