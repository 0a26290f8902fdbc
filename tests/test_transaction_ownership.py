"""One owner per transaction (issue 13.3): the request, the job or the command commits.

Services and clinical code used to commit wherever they finished (50 calls), so a view
could not add work to theirs and a refusal half-way kept whatever came before it. Now the
request commits once after a success and rolls back a refusal, keeping only its audited
refusals (`transaction.refuse`) or, where the writes are the refusal, everything
(`transaction.keep`, a failed-login count); `after_commit` runs once the data is durable.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import text

from server import db_types, transaction
from server.errors import ApiError
from server.extensions import db
from server.models import AuditEvent, Caregiver

ROOT = Path(__file__).resolve().parent.parent


def _commit_calls(package: str) -> list[str]:
    found = []
    for path in sorted((ROOT / "server" / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr == "commit":
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


@pytest.mark.parametrize("package", ["services", "clinical", "api"])
def test_services_clinical_code_and_views_never_commit(package):
    assert _commit_calls(package) == []


def _caregivers(name: str) -> int:
    with db.engine.connect() as conn:  # what another connection sees: committed rows only
        return conn.execute(text("SELECT count(*) FROM caregiver WHERE display_name = :n"),
                            {"n": name}).scalar()


def _audited(action: str) -> list[str]:
    with db.engine.connect() as conn:
        return list(conn.execute(text("SELECT outcome FROM audit_event WHERE action = :a"),
                                 {"a": action}).scalars())


def _production_transactions(app, make_patient, monkeypatch=None) -> int:
    """A patient, and the test session's transaction ended: the test app's SQLite runs the
    test's own session in autocommit (db_types), which would keep a rolled-back write."""
    if monkeypatch is not None:  # a job outside a request: BEGIN as in production
        monkeypatch.setattr(db_types.settings_of(app), "immediate_outside_requests", True)
    patient_id = make_patient().id
    db.session.commit()
    return patient_id


@pytest.mark.fresh_app
def test_a_refusal_rolls_the_work_back_but_keeps_its_audit_and_a_success_commits_once(
        app, make_patient):
    patient_id = _production_transactions(app, make_patient)
    seen_after_commit = []

    @app.post("/test/refused")
    def refused():
        db.session.add(Caregiver(patient_id=patient_id, display_name="Half-way"))
        db.session.flush()
        transaction.refuse("test.refused")
        raise ApiError(403, "forbidden", "Refused after writing")

    @app.post("/test/kept")
    def kept():
        db.session.add(Caregiver(patient_id=patient_id, display_name="Counted"))
        transaction.keep()
        raise ApiError(401, "unauthorised", "The count is the refusal")

    @app.post("/test/ok")
    def ok():
        db.session.add(Caregiver(patient_id=patient_id, display_name="Stored"))
        transaction.after_commit(lambda: seen_after_commit.append(_caregivers("Stored")))
        assert _caregivers("Stored") == 0  # nothing committed while the view runs
        return {"ok": True}

    @app.post("/test/crash")
    def crash():
        db.session.add(Caregiver(patient_id=patient_id, display_name="Crashed"))
        transaction.after_commit(lambda: seen_after_commit.append("must not run"))
        raise RuntimeError("a bug after writing")

    client = app.test_client()
    r = client.post("/test/refused")
    assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"
    assert _caregivers("Half-way") == 0
    assert _audited("test.refused") == ["denied"]

    assert client.post("/test/kept").status_code == 401
    assert _caregivers("Counted") == 1

    assert client.post("/test/ok").status_code == 200
    assert seen_after_commit == [1]  # the callback ran after the commit, once

    assert client.post("/test/crash").status_code == 500
    assert _caregivers("Crashed") == 0
    assert seen_after_commit == [1]


def test_a_job_commits_at_its_end_and_rolls_back_on_an_exception(
        app, make_patient, monkeypatch):
    patient_id = _production_transactions(app, make_patient, monkeypatch)
    ran = []
    with transaction.job():
        db.session.add(Caregiver(patient_id=patient_id, display_name="Job"))
        transaction.after_commit(lambda: ran.append(_caregivers("Job")))
        assert ran == []
    assert ran == [1]
    with pytest.raises(RuntimeError), transaction.job():
        db.session.add(Caregiver(patient_id=patient_id, display_name="Failed job"))
        db.session.flush()
        raise RuntimeError("boom")
    assert _caregivers("Failed job") == 0


def test_a_refusal_outside_a_request_or_job_is_written_at_once(app):
    transaction.refuse("test.offline", detail={"why": "no request"})
    db.session.rollback()  # the caller's later rollback cannot take it back
    assert _audited("test.offline") == ["denied"]
    row = db.session.execute(db.select(AuditEvent).where(
        AuditEvent.action == "test.offline")).scalar_one()
    assert row.actor_kind == "system" and row.detail == {"why": "no request"}
