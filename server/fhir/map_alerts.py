"""Escalations as Flag (active while open) + DetectedIssue (severity, reasons, rule ids), and
each notification (outbox row with its push attempts and receipts) as a Communication.

Neither carries names or free text: the same references-only rule as push payloads.
"""
from __future__ import annotations

from ..models import Escalation, NotificationIntent
from . import codes as C
from .common import instant, meta, patient_ref


def _escalation_updated(row: Escalation):
    times = [row.opened_at, row.raised_at, row.acknowledged_at, row.resolved_at,
             row.worsened_at, row.ack_lapsed_at, row.followed_up_at, row.undeliverable_at]
    return max(t for t in times if t is not None)


def flag(config, row: Escalation) -> dict:
    """An escalation as a Flag: active until resolved, pointing at its DetectedIssue."""
    period = {"start": instant(row.opened_at)}
    if row.resolved_at:
        period["end"] = instant(row.resolved_at)
    return {
        "resourceType": "Flag", "id": str(row.id), "meta": meta(_escalation_updated(row)),
        "extension": [{"url": C.FLAG_DETAIL,
                       "valueReference": {"reference": f"DetectedIssue/{row.id}"}}],
        "status": "inactive" if row.state == "resolved" else "active",
        "category": [{"coding": [{"system": C.FLAG_CATEGORY, "code": "clinical",
                                  "display": "Clinical"}]}],
        "code": {"coding": [C.coding(config, "escalation"),
                            C.coding(config, f"severity-{row.severity}")],
                 "text": f"CARTwatch {row.severity} escalation"},
        "subject": patient_ref(row.patient_id), "period": period,
    }


def detected_issue(config, row: Escalation) -> dict:
    """An escalation's assessment: severity, syndromes, each finding's rule and reason."""
    evidence, seen = [], set()
    for finding in row.findings:
        key = (finding.rule_id, finding.checkin_id, finding.slot_at)
        if key in seen:
            continue
        seen.add(key)
        item = {"code": [{"coding": [C.coding(config, finding.rule_id),
                                     C.coding(config, f"reason-{finding.reason}")]}]}
        if finding.checkin_id and finding.rule_id.startswith("R-ICE"):
            item["detail"] = [{"reference": f"QuestionnaireResponse/{finding.checkin_id}"}]
        evidence.append(item)
    mitigation = []
    if row.acknowledged_at:
        mitigation.append({"action": {"coding": [C.coding(config, "acknowledged")]},
                           "date": instant(row.acknowledged_at)})
    if row.resolved_at and row.outcome:
        mitigation.append({"action": {"coding": [C.coding(config, f"outcome-{row.outcome}")]},
                           "date": instant(row.resolved_at)})
    out = {
        "resourceType": "DetectedIssue", "id": str(row.id), "meta": meta(_escalation_updated(row)),
        "status": "final" if row.state == "resolved" else "preliminary",
        "code": {"coding": [C.coding(config, "escalation")]},
        "severity": C.SEVERITY_TO_FHIR[row.severity],
        "patient": patient_ref(row.patient_id),
        "identifiedDateTime": instant(row.opened_at),
        "detail": "syndromes: " + (", ".join(row.syndromes) or "none")
                  + "; reasons: " + ", ".join(row.reasons),
        "evidence": evidence,
    }
    if mitigation:
        out["mitigation"] = mitigation
    return out


STATUS = {"sent": "completed", "failed": "not-done", "cancelled": "stopped"}


def _recipient(config, row: NotificationIntent) -> dict:
    if row.recipient_kind == "patient":
        return patient_ref(row.recipient_id)
    if row.recipient_kind == "caregiver":
        return {"reference": f"RelatedPerson/{row.recipient_id}"}
    # staff are not served as Practitioner resources: an identifier, no name
    return {"type": "Practitioner", "identifier": {
        "system": f"{C.base_url(config)}/staff-id", "value": str(row.recipient_id)}}


def communication(config, row: NotificationIntent, received) -> dict:
    """A notification: status, when sent, when first shown or clicked on a device."""
    updated = max(t for t in (row.created_at, row.sent_at, received) if t is not None)
    out = {
        "resourceType": "Communication", "id": str(row.id), "meta": meta(updated),
        "status": STATUS.get(row.state, "in-progress"),
        "category": [{"coding": [C.coding(config, "notification"),
                                 C.coding(config, f"purpose-{row.purpose}")]}],
        "priority": "urgent" if row.urgency == "high" else "routine",
        "medium": [{"text": "Web Push"}], "recipient": [_recipient(config, row)],
    }
    if row.patient_id:
        out["subject"] = patient_ref(row.patient_id)
    if row.escalation_id:
        out["about"] = [{"reference": f"Flag/{row.escalation_id}"}]
    if row.sent_at:
        out["sent"] = instant(row.sent_at)
    if received:
        out["received"] = instant(received)
    return out
