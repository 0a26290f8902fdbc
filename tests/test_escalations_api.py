"""Staff escalation API: centre-scoped list and read, acknowledge, undo, resolve; audited."""
from __future__ import annotations

import threading
import time

import pytest
from clinical_helpers import post_checkin

from server.extensions import db
from server.models import AuditEvent, Centre, Escalation

FEVER = {"temperature": {"value": 38.4, "unit": "C"}}
BASE = "/api/v1/staff/escalations"


@pytest.fixture
def escalation_id(client, make_patient, enrol, staff_client):
    """An open urgent fever escalation at the staff client's centre."""
    patient = make_patient()
    return post_checkin(client, enrol(patient), FEVER).json["escalation"]["id"]


def actions() -> list[str]:
    return list(db.session.execute(db.select(AuditEvent.action)).scalars())


def test_list_filters_by_state_and_severity(staff_client, escalation_id):
    """state and severity filter the list."""
    assert [e["id"] for e in staff_client.get(f"{BASE}?state=open").json] == [escalation_id]
    assert staff_client.get(f"{BASE}?state=resolved").json == []
    assert staff_client.get(f"{BASE}?severity=emergency").json == []
    row = staff_client.get(f"{BASE}?severity=urgent&state=unresolved").json[0]
    assert row["reasons"] == ["fever"] and row["syndromes"] == ["CRS"]
    assert staff_client.get(f"{BASE}?state=bogus").status_code == 422


def test_read_shows_findings_checkins_history_and_ladder(staff_client, escalation_id):
    """One escalation with everything behind it."""
    r = staff_client.get(f"{BASE}/{escalation_id}")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    body = r.json
    assert [f["rule_id"] for f in body["findings"]] == ["R-FEVER"]
    assert body["checkins"][0]["temperature"]["celsius"] == 38.4
    assert [e["kind"] for e in body["events"]] == ["opened"]
    assert body["ladder"]["running"] is True
    assert {p["kind"] for p in body["ladder"]["pending"]} == {"ladder", "unanswered"}
    assert "escalation.read" in actions()


def test_acknowledge_undo_and_resolve(staff_client, escalation_id):
    """open -> acknowledged -> open -> acknowledged -> resolved, who and when recorded."""
    r = staff_client.post(f"{BASE}/{escalation_id}/acknowledge")
    assert r.status_code == 200
    assert r.json["state"] == "acknowledged"
    assert r.json["acknowledged_by"]["handle"] == "admin-a" and r.json["acknowledged_at"]
    assert staff_client.post(f"{BASE}/{escalation_id}/acknowledge").status_code == 409
    r = staff_client.post(f"{BASE}/{escalation_id}/unacknowledge")
    assert r.json["state"] == "open" and r.json["acknowledged_by"] is None
    assert staff_client.post(f"{BASE}/{escalation_id}/unacknowledge").status_code == 409
    staff_client.post(f"{BASE}/{escalation_id}/acknowledge")
    r = staff_client.post(f"{BASE}/{escalation_id}/resolve",
                          json={"outcome": "advice_at_home", "note": "paracetamol, call back"})
    assert r.status_code == 200
    assert (r.json["state"], r.json["outcome"]) == ("resolved", "advice_at_home")
    assert r.json["resolved_by"]["handle"] == "admin-a"
    assert staff_client.post(f"{BASE}/{escalation_id}/resolve",
                             json={"outcome": "other"}).status_code == 409
    history = [e["kind"] for e in staff_client.get(f"{BASE}/{escalation_id}").json["events"]]
    assert history == ["opened", "acknowledged", "unacknowledged", "acknowledged", "resolved"]
    assert {"escalation.acknowledge", "escalation.unacknowledge", "escalation.resolve"} <= set(
        actions())


@pytest.mark.parametrize("body", [{"outcome": "cured"}, {}, {"outcome": "other", "x": 1}])
def test_resolve_needs_a_known_outcome(staff_client, escalation_id, body):
    """Outcome is one of the five; unknown fields are refused."""
    assert staff_client.post(f"{BASE}/{escalation_id}/resolve", json=body).status_code == 422


def test_resolve_straight_from_open(staff_client, escalation_id):
    """An open escalation may be resolved without acknowledging first."""
    r = staff_client.post(f"{BASE}/{escalation_id}/resolve", json={"outcome": "false_alarm"})
    assert r.json["state"] == "resolved"


def test_other_centres_escalations_are_invisible(app, client, make_staff, make_patient, enrol,
                                                 escalation_id):
    """Staff of another centre get 404 and an empty list; the refusal is audited."""
    other = Centre(name="B", phone_24h="+1 555", emergency_number="911", timezone="UTC")
    db.session.add(other)
    db.session.commit()
    stranger = make_staff(handle="nurse-b", centre_id=other.id)
    from conftest import login

    csrf = login(client, stranger)
    client.environ_base["HTTP_X_CSRF_TOKEN"] = csrf
    assert client.get(BASE).json == []
    assert client.get(f"{BASE}/{escalation_id}").status_code == 404
    assert client.post(f"{BASE}/{escalation_id}/acknowledge").status_code == 404
    assert "escalation.refused" in actions()


def test_writes_need_csrf_and_phones_are_refused(app, client, make_patient, enrol, staff_client,
                                                 escalation_id):
    """Cookie writes without the CSRF header get 403; a device token gets 401."""
    csrf = staff_client.environ_base.pop("HTTP_X_CSRF_TOKEN")
    assert staff_client.post(f"{BASE}/{escalation_id}/acknowledge").status_code == 403
    staff_client.environ_base["HTTP_X_CSRF_TOKEN"] = csrf
    phone = enrol(make_patient())
    assert client.get(BASE, headers=phone).status_code == 401


def test_out_of_range_ids_are_refused_not_errors(staff_client, escalation_id):
    """Huge ids give 404 / 422, never a database error."""
    assert staff_client.get(f"{BASE}/{2**40}").status_code == 404
    assert staff_client.post(f"{BASE}/{2**40}/acknowledge").status_code == 404
    assert staff_client.get(f"{BASE}?patient_id={2**40}").status_code == 422


def test_acknowledge_queues_behind_due_work_on_its_patient(app, staff_client, escalation_id):
    """PostgreSQL: the sweep holds a ladder step and its patient, then updates the escalation.

    An acknowledge meanwhile used to update the escalation first and then wait for that step
    (cancelling it): a deadlock PostgreSQL broke after a second by failing one of them. It
    now takes the patient's lock first, so it simply waits for the sweep's commit.
    """
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks: PostgreSQL only (SQLite serialises writers at BEGIN)")
    sweep = db.engine.connect()  # what jobs.claim locks for a due ladder step
    sweep.exec_driver_sql(
        "SELECT s.id FROM scheduled_step s JOIN patient p ON p.id = s.patient_id "
        "WHERE s.escalation_id = %s AND s.state = 'pending' FOR NO KEY UPDATE OF s, p",
        (escalation_id,))
    answers = []
    staff = threading.Thread(target=lambda: answers.append(
        staff_client.post(f"{BASE}/{escalation_id}/acknowledge")))
    staff.start()
    try:
        time.sleep(0.5)  # the acknowledge is waiting now (for the patient, or for the step)
        assert answers == []
        sweep.exec_driver_sql(  # the ladder step's own update of its escalation
            "UPDATE escalation SET ladder_level = ladder_level + 1 WHERE id = %s",
            (escalation_id,))
        sweep.commit()
    finally:
        sweep.close()
        staff.join(30)
    assert answers[0].status_code == 200 and answers[0].json["state"] == "acknowledged"
    row = db.session.execute(db.select(Escalation).where(Escalation.id == escalation_id)
                             .execution_options(populate_existing=True)).scalar_one()
    assert (row.state, row.ladder_level) == ("acknowledged", 2)  # both changes kept
