"""Resolved escalations searched: patient, dates (centre's zone), reason, outcome; paged,
centre-scoped, audited with the patient ids returned."""
from __future__ import annotations

import datetime as dt

import pytest

from server.extensions import db
from server.models import AuditEvent, Centre, Escalation, Finding

URL = "/api/v1/staff/escalations/resolved"
DAY = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


def _resolved(patient, reason, outcome, resolved_at, state="resolved"):
    row = Escalation(patient_id=patient.id, severity="urgent", state=state, reasons=[reason],
                     syndromes=[], observed_at=resolved_at - dt.timedelta(hours=2),
                     opened_at=resolved_at - dt.timedelta(hours=2),
                     resolved_at=resolved_at if state == "resolved" else None,
                     outcome=outcome if state == "resolved" else None)
    db.session.add(row)
    db.session.flush()
    db.session.add(Finding(escalation_id=row.id, patient_id=patient.id, rule_id="R-X",
                           reason=reason, severity="urgent", observed_at=row.observed_at))
    db.session.commit()
    return row.id


@pytest.fixture
def history(make_patient):
    """Two patients' escalations: four resolved on different days, one still open."""
    a, b = make_patient(code="P-AAA"), make_patient(code="P-BBB")
    ids = {
        "a_fever_false": _resolved(a, "fever", "false_alarm", DAY),
        "a_hypoxia_admitted": _resolved(a, "hypoxia", "admitted", DAY + dt.timedelta(days=1)),
        "b_fever_admitted": _resolved(b, "fever", "admitted", DAY + dt.timedelta(days=2)),
        # 23:30 UTC on the 13th is 00:30 on the 14th in Berlin: the centre's day counts
        "b_fever_late": _resolved(b, "fever", "advice_at_home",
                                  dt.datetime(2026, 3, 13, 23, 30, tzinfo=dt.UTC)),
        "a_open": _resolved(a, "fever", None, DAY, state="open"),
    }
    return a, b, ids


def _ids(r) -> list[int]:
    assert r.status_code == 200, r.json
    return [e["id"] for e in r.json["items"]]


def test_lists_only_resolved_newest_first(staff_client, history):
    _a, _b, ids = history
    r = staff_client.get(URL)
    assert _ids(r) == [ids["b_fever_late"], ids["b_fever_admitted"], ids["a_hypoxia_admitted"],
                       ids["a_fever_false"]]
    assert r.json["total"] == 4
    assert r.json["items"][0]["outcome"] == "advice_at_home"


@pytest.mark.parametrize(("query", "expected"), [
    ({"reason": "fever"}, ["b_fever_late", "b_fever_admitted", "a_fever_false"]),
    ({"outcome": "admitted"}, ["b_fever_admitted", "a_hypoxia_admitted"]),
    ({"reason": "fever", "outcome": "admitted"}, ["b_fever_admitted"]),
    ({"resolved_from": "2026-03-11", "resolved_to": "2026-03-12"},
     ["b_fever_admitted", "a_hypoxia_admitted"]),
    ({"resolved_from": "2026-03-14"}, ["b_fever_late"]),
    ({"resolved_to": "2026-03-13"}, ["b_fever_admitted", "a_hypoxia_admitted", "a_fever_false"]),
])
def test_filters_combine(staff_client, history, query, expected):
    _a, _b, ids = history
    assert _ids(staff_client.get(URL, query_string=query)) == [ids[k] for k in expected]


def test_filters_by_patient_and_audits_the_ids_returned(staff_client, history):
    a, b, ids = history
    r = staff_client.get(URL, query_string={"patient_id": a.id})
    assert _ids(r) == [ids["a_hypoxia_admitted"], ids["a_fever_false"]]
    event = db.session.execute(db.select(AuditEvent).where(
        AuditEvent.action == "escalation.history").order_by(AuditEvent.id.desc())).scalars().first()
    assert event.detail == {"count": 2, "patients": [a.id]}


def test_pages(staff_client, history):
    _a, _b, ids = history
    first = staff_client.get(URL, query_string={"per_page": 3})
    second = staff_client.get(URL, query_string={"per_page": 3, "page": 2})
    assert _ids(first) + _ids(second) == [ids["b_fever_late"], ids["b_fever_admitted"],
                                          ids["a_hypoxia_admitted"], ids["a_fever_false"]]
    assert second.json["total"] == 4


@pytest.mark.parametrize(("query", "field"), [
    ({"patient_id": 2**63}, "patient_id"),
    ({"patient_id": "x"}, "patient_id"),
    ({"reason": "not_a_reason"}, "reason"),
    ({"outcome": "cured"}, "outcome"),
    ({"resolved_from": "2026-13-01"}, "resolved_from"),
    ({"resolved_from": "2026-03-12", "resolved_to": "2026-03-11"}, "resolved_to"),
    ({"per_page": 1000}, "per_page"),
])
def test_bad_query_names_the_field(staff_client, history, query, field):
    r = staff_client.get(URL, query_string=query)
    assert r.status_code == 422
    assert field in r.json["error"]["fields"]


def test_another_centres_patient_and_escalations_stay_out(app, make_staff, make_patient,
                                                         staff_client, history):
    a, _b, _ids_ = history
    other = Centre(name="Centre B", phone_24h="+33 1", emergency_number="112", timezone="UTC")
    db.session.add(other)
    db.session.commit()
    stranger = make_patient(centre_id=other.id, code="P-OTHER")
    hidden = _resolved(stranger, "fever", "admitted", DAY)
    assert hidden not in _ids(staff_client.get(URL))
    assert staff_client.get(URL, query_string={"patient_id": stranger.id}).status_code == 404


def test_needs_a_signed_in_member_of_staff(client, history):
    assert client.get(URL).status_code == 401
