"""What to tell the patient and caregivers for each severity (POLICY.md "Severity").

Texts are in the reader's language (server/i18n.py; the msgids are the English texts).
"""
from __future__ import annotations

import datetime as dt

from ..i18n import gettext as _
from ..i18n import when


def instruction(severity: str | None, centre, *, observed_at: dt.datetime | None = None,
                tz: str = "UTC", lang: str = "en") -> dict:
    """The advice for a severity, with the number to call (tap to call in the PWA)."""
    if severity is None:
        return {"severity": None, "action": "none",
                "text": _(lang, "Thank you. Your entry was saved."), "phone": None}
    if severity == "emergency":
        phone = centre.emergency_number
        text = _(lang, "Call emergency services now ({phone}), then the centre ({centre_phone}).",
                 phone=phone, centre_phone=centre.phone_24h)
        action = "call_emergency"
    elif severity == "urgent":
        phone = centre.phone_24h
        text = _(lang, "Call the centre now on its 24-hour line: {phone}.", phone=phone)
        action = "call_centre"
    else:
        phone = centre.phone_24h
        text = _(lang, "The team will review this today. Call {phone} if you feel worse.",
                 phone=phone)
        action = "wait_for_review"
    if observed_at is not None:
        text += _(lang, " (Entry observed at {when}.)", when=when(observed_at, tz, lang))
    return {"severity": severity, "action": action, "text": text, "phone": phone}


def unanswered_text(severity: str, centre, lang: str = "en") -> tuple[str, str]:
    """Title and body when staff have not acknowledged in time (purpose `unanswered`)."""
    if severity == "emergency":
        return (_(lang, "Call emergency services now"),
                _(lang, "Your alert has not been answered yet. Call {number} now.",
                  number=centre.emergency_number))
    return (_(lang, "Please call the centre now"),
            _(lang, "Your alert has not been answered yet. Call the 24-hour line: {phone}.",
              phone=centre.phone_24h))
