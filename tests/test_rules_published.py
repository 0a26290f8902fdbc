"""GET /api/v1/device/thresholds publishes the rule table as data: the phone's only copy."""
from __future__ import annotations

import re
from pathlib import Path

from server import policy as P
from server.clinical import rules
from server.extensions import db


def test_thresholds_publish_every_check_in_rule_as_data(client, make_patient, enrol, centre):
    """Rules (condition, severity_when, server_only), the NEWS2 table and tuned thresholds."""
    centre.threshold_overrides = {"antipyretic_urgent_c": 37.2}
    db.session.commit()
    phone = enrol(make_patient())
    body = client.get("/api/v1/device/thresholds", headers=phone).json
    assert body["antipyretic_urgent_c"] == 37.2
    assert body["condition_language"] == 1
    assert body["rules"] == rules.published()  # the schema drops or renames nothing
    by_id = {r["id"]: r for r in body["rules"]}
    assert "R-MISSED" not in by_id and "R-MISSED-REPEATED" not in by_id  # schedule-raised
    assert by_id["R-NEWS2"]["severity_when"] == [
        {"severity": "emergency", "when": {"fact": "news2", "op": ">=", "value": 7}}]
    assert by_id["R-HANDWRITING-MEASURED"]["condition"]["all"][1] == {
        "fact": "handwriting_judgement", "in": [None, "same"]}
    assert by_id["R-TREMOR"]["server_only"] and not by_id["R-FEVER"]["server_only"]
    assert set(body["server_facts"]) == {"previous_tremor", "baseline_tremor",
                                         "handwriting_beyond_baseline", "tremor_beyond_baseline"}
    assert body["news2"]["bands"]["temperature_c"] == [
        [35.0, 3], [36.0, 1], [38.0, 0], [39.0, 1], [None, 2]]
    assert body["news2"]["consciousness_symptoms"] == list(P.NEWS2_CONSCIOUSNESS_SYMPTOMS)


def test_every_reason_and_symptom_has_a_staff_label():
    """The staff app names every reason code and symptom in words (pwa/staff/js/i18n.js)."""
    source = (Path(__file__).parent.parent / "pwa" / "staff" / "js" / "i18n.js").read_text()

    def keys(table: str) -> set[str]:
        block = re.search(rf"const {table} = \{{(.*?)\n\}};", source, re.S).group(1)
        return set(re.findall(r"(\w+):", block))

    assert {r.reason for r in rules.RULES} <= keys("REASONS")
    assert set(P.SYMPTOMS) <= keys("SYMPTOMS")
