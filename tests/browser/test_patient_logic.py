"""The app's own logic run in Chromium: offline advice agrees with the engine, the schedule of
POLICY.md in the patient's zone, object names with synonyms, QR links."""
from __future__ import annotations

import datetime as dt

import pytest

from server.clinical import schedule

from .patient_steps import enrol, post_checkin

pytestmark = pytest.mark.browser

BODIES = {
    "fever": {"temperature": {"value": 38.0, "unit": "C"}},
    "no_fever": {"temperature": {"value": 37.9, "unit": "C"}},
    "fever_f": {"temperature": {"value": 100.4, "unit": "F"}},
    "hypothermia": {"temperature": {"value": 34.9, "unit": "C"}},
    "hypoxia": {"vitals": {"spo2": 91}},
    "low_spo2": {"vitals": {"spo2": 93}},
    "hypotension": {"vitals": {"systolic_bp": 89}},
    "tachycardia": {"vitals": {"heart_rate": 120}},
    "ice_severe": {"ice": {"orientation": 2, "naming": 2, "commands": 1, "writing": 1,
                           "attention": 0}},
    "ice_low": {"ice": {"orientation": 4, "naming": 3, "commands": 1, "writing": 0,
                        "attention": 1}},
    "seizure": {"symptoms": ["seizure"]},
    "rigors": {"symptoms": ["rigors"]},
    "tremor_moderate": {"tremor": {"rating": "moderate"}},
    "handwriting_worse": {"handwriting": {"judgement": "worse"}},
}


def run_module(page, module: str, body: str, arg=None):
    """Import one of the app's modules in the page and run a function body with it as `m`."""
    return page.evaluate(
        f"async (arg) => {{ const m = await import('/app/js/{module}'); {body} }}", arg)


def test_offline_advice_matches_the_engine(page, live_server):
    probe = live_server.patient()
    enrol(page, live_server, probe)
    thresholds = page.request.get("/api/v1/device/thresholds", headers={
        "Authorization": "Bearer " + page.evaluate("""() => new Promise((resolve) => {
            const req = indexedDB.open('cartwatch', 1);
            req.onsuccess = () => {
              const get = req.result.transaction('kv').objectStore('kv').get('device_token');
              get.onsuccess = () => resolve(get.result);
            };
          })""")}).json()
    local = run_module(page, "advice.js", """
        const out = {};
        for (const [name, body] of Object.entries(arg.bodies)) {
          out[name] = m.localInstruction(body, arg.thresholds).severity;
        }
        return out;""", {"bodies": BODIES, "thresholds": thresholds})
    server = {}
    for name, body in BODIES.items():
        answer = post_checkin(live_server, live_server.patient(), body)
        server[name] = answer["instruction"]["severity"]
    assert local == server
    assert server["fever"] == "urgent" and server["no_fever"] is None


def test_schedule_follows_policy_in_the_patients_zone(page, live_server):
    page.goto("/app/")
    now = dt.datetime(2026, 3, 29, 12, 30, tzinfo=dt.UTC)  # DST starts in Berlin that night
    base = {"timezone": "Europe/Berlin", "window_days": 30,
            "enrolled_at": "2026-03-01T00:00:00+00:00",
            "schedule": schedule.published(30)}  # what /device/me sends the phone

    def slots(infused: str, observed: list[str]):
        context = {**base, "infused_at": infused}
        return run_module(page, "schedule.js", """
            const r = m.todaySlots(arg.context, arg.observed.map(Date.parse), arg.now);
            return {day: r.day, slots: r.slots.map((s) => [new Date(s.at).toISOString(),
                                                           s.neuro, s.status])};""",
                          {"context": context, "observed": observed,
                           "now": now.timestamp() * 1000})

    early = slots("2026-03-25T10:00:00+01:00", ["2026-03-29T05:30:00Z"])
    assert early["day"] == 4
    assert early["slots"] == [
        ["2026-03-29T06:00:00.000Z", True, "done"],  # 08:00 CEST, checked at 07:30
        ["2026-03-29T12:00:00.000Z", False, "due"],
        ["2026-03-29T18:00:00.000Z", True, "later"],
    ]
    late = slots("2026-03-09T10:00:00+01:00", [])
    assert late["day"] == 20 and [s[0][11:16] for s in late["slots"]] == ["06:00", "18:00"]
    assert late["slots"][0][2] == "missed"
    ended = slots("2026-02-01T10:00:00+01:00", [])
    assert ended == {"day": 56, "slots": []}  # outside the 30-day window
    stale = {key: value for key, value in base.items() if key != "schedule"}
    unknown = run_module(page, "schedule.js", "return m.todaySlots(arg.context, [], arg.now);",
                         {"context": {**stale, "infused_at": "2026-03-25T10:00:00+01:00"},
                          "now": now.timestamp() * 1000})
    assert unknown == {"day": 4, "slots": [], "unknown": True}  # no guessed times


def test_object_names_accept_synonyms_and_qr_links_give_tokens(page):
    page.goto("/app/")
    named = run_module(page, "screens/ice.js", """
        return [m.namesObject('cup', ' A Mug '), m.namesObject('key', 'keys'),
                m.namesObject('clock', 'watch'), m.namesObject('spoon', 'fork'),
                m.namesObject('chair', '')];""")
    assert named == [True, True, True, False, False]
    tokens = run_module(page, "screens/enrol.js", """
        return [m.tokenFrom('https://cw.example/app/#enrol=AbC_12-x'),
                m.tokenFrom('https://cw.example/app/'), m.tokenFrom('')];""")
    assert tokens == ["AbC_12-x", None, None]
