"""Audit integrity: hash-chained rows, append-only table, a verifier that names tampering."""
from __future__ import annotations

import pytest
from sql_capture import statements_during
from sqlalchemy.exc import DatabaseError

from server.audit import chain as audit_chain
from server.audit import trail as audit
from server.audit import verify as audit_verify
from server.extensions import db
from server.models import AuditEvent


def _events(n: int) -> list[int]:
    for i in range(n):
        audit.record("test.event", patient_id=i, detail={"n": i})
    db.session.commit()
    ids = list(db.session.execute(db.select(AuditEvent.id).order_by(AuditEvent.id)).scalars())
    db.session.commit()  # end the read: on PostgreSQL its lock would block DROP TRIGGER forever
    return ids


def test_each_row_is_chained_to_the_one_before(app):
    _events(3)
    rows = db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
    assert rows[0].prev_hash == audit_chain.GENESIS
    assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
    assert len({r.hash for r in rows}) == 3


def _chain_intact() -> None:
    rows = db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
    prev = audit_chain.GENESIS
    for row in rows:
        values = {name: getattr(row, name) for name in audit_chain.FIELDS}
        assert row.prev_hash == prev and row.hash == audit_chain.row_hash(
            prev, values, audit_chain.chain_key())
        prev = row.hash
    db.session.commit()


def test_the_head_is_read_once_per_transaction(app):
    def three_records_two_flushes_one_commit():
        audit.record("test.first")
        db.session.flush()
        audit.record("test.second")
        db.session.flush()
        audit.record("test.third")
        db.session.commit()

    _, statements = statements_during(three_records_two_flushes_one_commit)
    reads = [statement for statement in statements if "ORDER BY id DESC" in statement]
    assert len(reads) == 1
    _chain_intact()


def test_a_rolled_back_savepoint_does_not_break_the_chain(app):
    audit.record("test.kept")
    db.session.flush()
    savepoint = db.session.begin_nested()
    audit.record("test.undone")
    db.session.flush()
    savepoint.rollback()
    audit.record("test.after")
    db.session.commit()
    actions = db.session.execute(
        db.select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()
    assert actions == ["test.kept", "test.after"]
    _chain_intact()


def test_a_failed_transaction_does_not_leave_a_stale_head(app):
    audit.record("test.lost")
    db.session.flush()
    db.session.rollback()
    _events(2)
    _chain_intact()


def test_requests_extend_the_chain(client, staff_client, runner):
    staff_client.get("/api/v1/staff/patients")
    client.get("/api/v1/device/me")  # refused: audited too
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "intact" in result.output


@pytest.mark.parametrize("statement", [
    "UPDATE audit_event SET action = 'nothing' WHERE id = :id",
    "DELETE FROM audit_event WHERE id = :id",
])
def test_the_application_cannot_rewrite_history(app, statement):
    ids = _events(2)
    with pytest.raises(DatabaseError, match="append-only"):
        with db.engine.begin() as conn:
            conn.execute(db.text(statement), {"id": ids[0]})
    db.session.rollback()
    assert db.session.execute(
        db.select(db.func.count()).select_from(AuditEvent)).scalar() == 2


def test_orm_updates_are_refused_too(app):
    _events(1)
    row = db.session.execute(db.select(AuditEvent)).scalar_one()
    row.outcome = "denied"
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.commit()
    db.session.rollback()


def test_verify_names_a_hand_edited_row(app, runner):
    ids = _events(5)
    victim = ids[2]
    with db.engine.begin() as conn:  # an attacker with database rights drops the guard
        audit_chain.remove_guard(conn)
        conn.execute(db.text("UPDATE audit_event SET outcome = 'denied' WHERE id = :id"),
                     {"id": victim})
        audit_chain.install_guard(conn)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"audit row {victim}: content does not match" in result.output
    assert "BROKEN" in result.output
    assert f"audit row {ids[1]}" not in result.output


def test_verify_names_the_row_after_a_deleted_one(app, runner):
    ids = _events(4)
    with db.engine.begin() as conn, audit_chain.unguarded(conn):
        conn.execute(db.text("DELETE FROM audit_event WHERE id = :id"), {"id": ids[1]})
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"audit row {ids[2]}: broken link" in result.output


def test_a_rehashed_forgery_still_breaks_the_next_link(app):
    ids = _events(3)
    with db.engine.begin() as conn, audit_chain.unguarded(conn):
        row = conn.execute(db.select(AuditEvent.__table__).where(
            AuditEvent.id == ids[0])).mappings().one()
        forged = dict(row, action="something.else")
        new_hash = audit_chain.row_hash(row["prev_hash"], forged, audit_chain.chain_key())
        conn.execute(db.update(AuditEvent.__table__).where(AuditEvent.id == ids[0]).values(
            action="something.else", hash=new_hash))
    with db.engine.connect() as conn:
        checked, problems = audit_verify.verify(conn)
    assert checked == 3
    assert problems == [{"id": ids[1], "problem": problems[0]["problem"]}]
    assert "broken link" in problems[0]["problem"]


def test_concurrent_writers_keep_one_unbroken_chain(app, make_patient, enrol):
    import json
    import threading
    import urllib.request
    import uuid
    from concurrent.futures import ThreadPoolExecutor

    from werkzeug.serving import make_server

    devices = [enrol(make_patient()) for _ in range(4)]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/api/v1/checkins"
    body = json.dumps({"temperature": {"value": 37.0, "unit": "C"}}).encode()

    def post(i):
        request = urllib.request.Request(url, data=body, method="POST", headers={
            **devices[i % 4], "Idempotency-Key": str(uuid.uuid4()),
            "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status

    try:
        with ThreadPoolExecutor(16) as pool:
            assert set(pool.map(post, range(40))) == {201}
    finally:
        server.shutdown()
    with db.engine.connect() as conn:
        checked, problems = audit_verify.verify(conn)
    assert problems == []
    assert checked >= 40


def test_the_migration_installs_the_guard_too(tmp_path):
    import flask_migrate

    from server import create_app
    from tests.conftest import app_config

    url = "sqlite:///" + str(tmp_path / "migrated.sqlite3")
    migrated = create_app(app_config(url, str(tmp_path / "instance")))
    with migrated.app_context():
        flask_migrate.upgrade()
        audit.record("test.migrated")
        db.session.commit()
        with pytest.raises(DatabaseError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(db.text("DELETE FROM audit_event"))
        db.session.remove()
        db.engine.dispose()
