"""The patient app shows the server's own reason for an entry it refuses: the one error
shape, {error: {message, fields}}, read by the ApiError both apps share (pwa/shared/http.js)."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from .patient_steps import enrol, open_check

pytestmark = pytest.mark.browser

REASON = "This reading cannot be taken."


def test_a_refused_entry_shows_the_servers_reason(page, live_server):
    patient = live_server.patient()
    enrol(page, live_server, patient)
    page.context.route("**/api/v1/checkins", lambda route: route.fulfill(
        status=422, content_type="application/json",
        body=json.dumps({"error": {"code": "invalid", "message": REASON,
                                   "fields": {"temperature_c": ["out of range"]}}}))
        if route.request.method == "POST" else route.fallback())
    open_check(page, "Temperature")
    page.get_by_label("Temperature in °C").fill("36.8")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text(f"Not accepted: {REASON} — temperature_c: out of range").first
           ).to_be_visible()
    assert live_server.checkins(patient) == []
