"""What a push carries: the intent's notification plus service-worker data and tokens."""
from __future__ import annotations

from ..services.push_tokens import ack_token, receipt_token
from .rows import Job


def message(job: Job) -> dict:
    """The payload sent: the intent's (Declarative Web Push shape) plus service-worker data."""
    payload = dict(job.payload)
    notification = dict(payload.get("notification") or {})
    url = notification.get("navigate") or "/app/"
    data = {"intent_id": job.id, "url": url}
    if job.recipient_kind == "staff":  # receipts must not depend on the staff session
        data["receipt_token"] = receipt_token(job.id, job.recipient_id)
    if job.staff_alert:
        data["ack_token"] = ack_token(job.escalation_id, job.recipient_id)
        notification["actions"] = [
            {"action": "acknowledge", "title": "Acknowledge", "navigate": url}]
    payload["notification"] = notification
    payload["data"] = data
    return payload


def topic(job: Job) -> str | None:
    """The Topic header: the intent's, else its notification tag."""
    return job.topic or (job.payload.get("notification") or {}).get("tag")
