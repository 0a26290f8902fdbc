"""One copy of the rules: the phone's interpreter (pwa/app/js/rules.js via advice.js) agrees
with the server's engine on cases generated from the server's rule table.

Every rule with a condition gets a firing and a just-missing case (and one per severity
step and per `any` branch), generated from its condition data (tests/rule_cases.py). A rule
added on the server with a fact, operator or node the phone cannot read is `pending` on the
phone instead of fired, and fails here.
"""
from __future__ import annotations

import pytest
from rule_cases import as_json, cases, expected

from server import transaction
from server.clinical import conditions
from server.clinical.rules import BY_ID, Facts

from .patient_steps import post_checkin

pytestmark = pytest.mark.browser

CASES = cases()


def published(live_server) -> dict:
    """GET /api/v1/device/thresholds for a fresh patient's phone (default thresholds)."""
    from server.services.enrolment import redeem

    code = live_server.code(live_server.patient())
    with live_server.app.app_context(), transaction.job():  # commits as a request would
        token, _device = redeem(code["code"], None)
    response = live_server.app.test_client().get(
        "/api/v1/device/thresholds", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return response.json


def body_of(facts: Facts) -> dict | None:
    """The entry a phone would send for these facts; None when they need server history."""
    if facts.handwriting_beyond_baseline or facts.tremor_beyond_baseline:
        return None  # measured samples are compared on the server
    body: dict = {}
    if facts.temperature_c is not None:
        body["temperature"] = {"value": facts.temperature_c, "unit": "C"}
    vitals = {k: getattr(facts, k) for k in ("heart_rate", "systolic_bp", "spo2",
                                              "respiratory_rate") if getattr(facts, k) is not None}
    if vitals:
        body["vitals"] = vitals
    if facts.ice_total is not None:
        left, ice = facts.ice_total, {}
        for item, points in (("orientation", 4), ("naming", 3), ("commands", 1), ("writing", 1),
                             ("attention", 1)):
            ice[item] = min(points, left)
            left -= ice[item]
        body["ice"] = ice
    if facts.symptoms:
        body["symptoms"] = sorted(facts.symptoms)
    if facts.tremor_rating is not None:
        body["tremor"] = {"rating": facts.tremor_rating}
    if facts.handwriting_judgement is not None:
        body["handwriting"] = {"judgement": facts.handwriting_judgement}
    if facts.antipyretic:
        body["antipyretic"] = True
    if facts.other_text is not None:
        body["other"] = facts.other_text
    return body


def run_on_phone(page, rules_data: dict, facts: list[dict], bodies: list) -> list:
    """Each case through the phone's modules: the interpreter on the facts, and the advice
    on the entry (with the case's ICE baseline)."""
    return page.evaluate("""async ({rules, facts, bodies}) => {
        const engine = await import('/app/js/rules.js');
        const advice = await import('/app/js/advice.js');
        return facts.map((f, i) => {
          const direct = engine.evaluateRules(f, rules);
          const body = bodies[i];
          const th = {...rules, baseline_ice: f.baseline_ice};
          const local = body && advice.localInstruction(body, th);
          return {direct, local};
        });
    }""", {"rules": rules_data, "facts": facts, "bodies": bodies})


def test_phone_and_server_agree_on_every_generated_case(page, live_server):
    rules_data = published(live_server)
    page.goto("/app/")
    facts = [as_json(f) for _rid, _name, f in CASES]
    bodies = [body_of(f) for _rid, _name, f in CASES]
    phone = run_on_phone(page, rules_data, facts, bodies)
    assert {rid for rid, _n, _f in CASES} == {r["id"] for r in rules_data["rules"]}
    rank = ["routine", "urgent", "emergency"]
    for (rid, name, f), got, body in zip(CASES, phone, bodies, strict=True):
        want = expected(f)
        label = f"{rid} {name}: {as_json(f)}"
        assert got["direct"] == {"fired": want, "pending": []}, label
        if body is None:
            continue
        local = got["local"]
        ids = {w["id"] for w in want}
        assert set(local["server_check"]) <= {r for r in BY_ID if BY_ID[r].server_only}, label
        fired = {w["reason"] for w in want if w["id"] not in local["server_check"]}
        assert set(local["reasons"]) == fired, label
        if not BY_ID[rid].server_only:
            assert (rid in ids) == (BY_ID[rid].reason in local["reasons"]), label
        if not local["server_check"]:
            top = max((w["severity"] for w in want), key=rank.index, default=None)
            assert local["severity"] == top, label


def test_phone_says_the_centre_checks_what_needs_history(page, live_server):
    """A mild tremor: only the server knows the earlier ratings, so the phone defers."""
    rules_data = published(live_server)
    page.goto("/app/")
    (got,) = run_on_phone(page, rules_data, [as_json(Facts())],
                          [{"tremor": {"rating": "mild"}}])
    assert got["local"]["server_check"] == ["R-TREMOR", "R-TREMOR-MILD"]
    assert got["local"]["severity"] is None
    (moderate,) = run_on_phone(page, rules_data, [as_json(Facts())],
                               [{"tremor": {"rating": "moderate"}}])
    assert moderate["local"]["severity"] == "urgent" and not moderate["local"]["server_check"]


def test_a_rule_the_phone_cannot_read_is_pending_not_quiet(page, live_server):
    """A server rule with a fact or node unknown to the phone is pending there: the
    agreement test above then fails for it, and a patient is never told 'nothing'."""
    rules_data = published(live_server)
    new = [{"id": "R-NEW", "severity": "urgent", "syndrome": None, "reason": "new",
            "server_only": False, "severity_when": [],
            "condition": {"fact": "weight_kg", "op": ">=", "value": 1}},
           {"id": "R-NEW2", "severity": "urgent", "syndrome": None, "reason": "new2",
            "server_only": False, "severity_when": [], "condition": {"xor": []}}]
    page.goto("/app/")
    (got,) = run_on_phone(page, {**rules_data, "rules": new},
                          [{**as_json(Facts()), "weight_kg": 80}], [{"vitals": {"spo2": 99}}])
    assert got["direct"] == {"fired": [], "pending": ["R-NEW", "R-NEW2"]}
    assert got["local"]["server_check"] == ["R-NEW", "R-NEW2"]
    assert "weight_kg" not in conditions.FACTS


def test_offline_advice_for_v2_entries_matches_the_server(page, live_server):
    """The v2 inputs through the real API and the phone: same severity."""
    rules_data = published(live_server)
    page.goto("/app/")
    bodies = [{"vitals": {"heart_rate": 119, "systolic_bp": 91, "spo2": 95},
               "temperature": {"value": 37.9, "unit": "C"}},
              {"symptoms": ["bleeding"]}, {"vitals": {"heart_rate": 40}}]
    phone = run_on_phone(page, rules_data, [as_json(Facts())] * len(bodies), bodies)
    server = [post_checkin(live_server, live_server.patient(), b)["instruction"]["severity"]
              for b in bodies]
    assert [p["local"]["severity"] for p in phone] == server == ["urgent", "urgent", "urgent"]
