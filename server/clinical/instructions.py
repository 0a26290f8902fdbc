"""What to tell the patient and caregivers for each severity (POLICY.md "Severity")."""
from __future__ import annotations

import datetime as dt

from .calendar import zone

NONE = {"severity": None, "action": "none", "text": "Thank you. Your entry was saved.",
        "phone": None}


def instruction(severity: str | None, centre, *, observed_at: dt.datetime | None = None,
                tz: str = "UTC") -> dict:
    """The advice for a severity, with the number to call (tap to call in the PWA)."""
    if severity is None:
        return dict(NONE)
    if severity == "emergency":
        phone = centre.emergency_number
        text = f"Call emergency services now ({phone}), then the centre ({centre.phone_24h})."
        action = "call_emergency"
    elif severity == "urgent":
        phone = centre.phone_24h
        text = f"Call the centre now on its 24-hour line: {phone}."
        action = "call_centre"
    else:
        phone = centre.phone_24h
        text = f"The team will review this today. Call {phone} if you feel worse."
        action = "wait_for_review"
    if observed_at is not None:
        local = observed_at.astimezone(zone(tz)).strftime("%d %b %H:%M")
        text += f" (Entry observed at {local}.)"
    return {"severity": severity, "action": action, "text": text, "phone": phone}


def unanswered_text(severity: str, centre) -> tuple[str, str]:
    """Title and body when staff have not acknowledged in time (purpose `unanswered`)."""
    if severity == "emergency":
        return ("Call emergency services now",
                f"Your alert has not been answered yet. Call {centre.emergency_number} now.")
    return ("Please call the centre now",
            f"Your alert has not been answered yet. Call the 24-hour line: {centre.phone_24h}.")
