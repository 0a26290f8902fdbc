"""The languages a patient or caregiver can read the app, instructions and pushes in.

One list for the schemas, the device API and the server catalogs; the patient app ships one
language file per code (pwa/app/i18n/<code>.js).
"""
from __future__ import annotations

LANGUAGES = ("en", "de", "es")
DEFAULT = "en"
