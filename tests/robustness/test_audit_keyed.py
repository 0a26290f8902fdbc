"""Keyed audit chain and signed checkpoints: database rights alone cannot rewrite history.

Each attack drops the triggers the way someone with database rights would (as in
test_audit_chain.py), and `flask audit verify` must name what was done.
"""
from __future__ import annotations

import json
import logging
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from server.audit import chain as audit_chain
from server.audit import checkpoints as audit_checkpoints
from server.audit import trail as audit
from server.audit.chain import FIELDS, GENESIS, legacy_row_hash, row_hash
from server.extensions import db
from server.models import AuditEvent


def _events(n: int, action: str = "test.event") -> list[int]:
    for i in range(n):
        audit.record(action, patient_id=i, detail={"n": i})
    db.session.commit()
    ids = list(db.session.execute(db.select(AuditEvent.id).order_by(AuditEvent.id)).scalars())
    db.session.commit()  # end the read: on PostgreSQL its lock would block DROP TRIGGER
    return ids


def _rechain(from_id: int, hasher, edit: dict | None = None) -> None:
    """Edit the row `from_id`, then recompute every hash from it on with `hasher`."""
    table = AuditEvent.__table__
    with db.engine.begin() as conn, audit_chain.unguarded(conn):
        if edit:
            conn.execute(table.update().where(table.c.id == from_id).values(**edit))
        rows = conn.execute(table.select().order_by(table.c.id)).mappings().all()
        prev = GENESIS
        for row in rows:
            if row["id"] >= from_id:
                new = hasher(prev, {name: row[name] for name in FIELDS})
                conn.execute(table.update().where(table.c.id == row["id"])
                             .values(prev_hash=prev, hash=new))
                prev = new
            else:
                prev = row["hash"]


def _verify(runner):
    result = runner.invoke(args=["audit", "verify"])
    return result.exit_code, result.output


def test_rows_are_hashed_with_the_key_not_plain_sha256(app):
    _events(1)
    row = db.session.execute(db.select(AuditEvent)).scalar_one()
    values = {name: getattr(row, name) for name in FIELDS}
    assert row.hash == row_hash(GENESIS, values, audit_chain.chain_key())
    assert row.hash != legacy_row_hash(GENESIS, values)
    assert row.hash != row_hash(GENESIS, values, b"another key")
    db.session.commit()


def test_an_edit_rechained_with_the_old_unkeyed_hash_is_named(app, runner):
    ids = _events(5)
    _rechain(ids[2], legacy_row_hash, edit={"outcome": "denied"})
    code, output = _verify(runner)
    assert code == 1, output
    assert (f"audit rows {ids[2]}–{ids[4]}: 3 rows re-chained with the old unkeyed hash "
            "after keyed rows") in output
    assert f"audit row {ids[1]}" not in output and "broken link" not in output


def test_an_edit_rechained_with_another_key_is_named(app, runner):
    ids = _events(5)
    _rechain(ids[1], lambda prev, values: row_hash(prev, values, b"guessed key"),
             edit={"action": "nothing.to.see"})
    code, output = _verify(runner)
    assert code == 1, output
    assert f"audit rows {ids[1]}–{ids[4]}: 4 rows re-chained: their hashes were not made " \
        "with this key" in output
    assert f"audit row {ids[0]}" not in output


def test_a_single_edited_row_is_named_as_edited(app, runner):
    ids = _events(4)
    with db.engine.begin() as conn, audit_chain.unguarded(conn):
        conn.execute(text("UPDATE audit_event SET outcome = 'failed' WHERE id = :id"),
                     {"id": ids[3]})
    code, output = _verify(runner)
    assert code == 1
    assert f"audit row {ids[3]}: content does not match its hash (row edited)" in output


def test_a_cut_tail_is_named_against_the_checkpoint(app, runner):
    ids = _events(5)
    result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 0, result.output
    with db.engine.begin() as conn, audit_chain.unguarded(conn):
        conn.execute(text("DELETE FROM audit_event WHERE id >= :id"), {"id": ids[3]})
    code, output = _verify(runner)
    assert code == 1, output
    assert (f"audit checkpoint: truncated tail: the checkpoint of 2026-03-10T07:00:00+00:00 "
            f"recorded 5 rows up to id {ids[4]}; the table ends at id {ids[2]} with 3 of "
            "them") in output


def test_a_checkpoint_is_refused_over_a_cut_tail_so_the_evidence_stays(app, runner):
    ids = _events(3)
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    folder = audit_checkpoints.directory(app)
    before = (folder / audit_checkpoints.FILE).read_text()
    with db.engine.begin() as conn, audit_chain.unguarded(conn):
        conn.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": ids[2]})
    result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 1
    assert "audit checkpoint refused: truncated tail" in result.output
    assert (folder / audit_checkpoints.FILE).read_text() == before


def test_rows_rewritten_up_to_the_checkpoint_head_are_named(app, runner):
    ids = _events(3)
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    _rechain(ids[0], lambda prev, values: row_hash(prev, values, b"guessed key"))
    code, output = _verify(runner)
    assert code == 1
    assert f"audit checkpoint: row {ids[2]} is not the head the checkpoint" in output


def test_checkpoints_are_signed_json_lines_appended_outside_the_database(app, runner):
    ids = _events(2)
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    _events(1)
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    path = Path(app.instance_path) / "audit-checkpoints" / audit_checkpoints.FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first, second = (json.loads(line) for line in path.read_text().splitlines())
    assert (first["rows"], first["last_id"]) == (2, ids[1])
    assert second["rows"] == 3 and second["at"] == "2026-03-10T07:00:00+00:00"
    key = audit_chain.chain_key()
    assert audit_checkpoints.signature_ok(key, second)
    assert not audit_checkpoints.signature_ok(key, dict(second, rows=2))
    assert not audit_checkpoints.signature_ok(b"another key", second)
    code, output = _verify(runner)
    assert code == 0 and f"matches the checkpoint of {second['at']}" in output


def test_an_edited_checkpoint_file_is_named(app, runner):
    _events(3)
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    path = audit_checkpoints.directory(app) / audit_checkpoints.FILE
    line = json.loads(path.read_text())
    path.write_text(json.dumps(dict(line, rows=1)) + "\n")
    code, output = _verify(runner)
    assert code == 1
    assert "the latest checkpoint is not signed with this key" in output


def _legacy_rows(n: int) -> list[int]:
    """Rows as a database upgraded from before the key holds them: plain SHA-256 (version 0)."""
    from server.clock import now

    table = AuditEvent.__table__
    prev = GENESIS
    with db.engine.begin() as conn:  # inserting is allowed: only UPDATE and DELETE are refused
        for i in range(n):
            values = {"at": now(), "actor_kind": "system", "actor_id": None,
                      "action": "test.legacy", "patient_id": i, "outcome": "ok",
                      "request_id": None, "address": None, "detail": None}
            digest = legacy_row_hash(prev, values)
            conn.execute(table.insert().values(**values, prev_hash=prev, hash=digest))
            prev = digest
    return _events(0)


def test_rows_from_before_the_key_are_accepted_only_at_the_start(app, runner):
    _legacy_rows(3)
    ids = _events(2, action="test.keyed")
    code, output = _verify(runner)
    assert code == 0, output
    assert "audit chain intact: 5 rows (3 from before the audit key, chain version 0)" in output
    _rechain(ids[4], legacy_row_hash, edit={"outcome": "denied"})
    code, output = _verify(runner)
    assert code == 1
    assert f"audit row {ids[4]}: re-hashed with the old unkeyed hash after keyed rows" in output


def test_the_checkpoint_says_where_the_rows_from_before_the_key_end(app, runner):
    legacy = _legacy_rows(3)
    ids = _events(2, action="test.keyed")
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    line = audit_checkpoints.latest(audit_checkpoints.directory(app))
    assert (line["legacy_until"], line["last_id"]) == (legacy[-1], ids[-1])
    ids = _events(1, action="test.after")  # the next checkpoint carries the boundary on
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    assert audit_checkpoints.latest(audit_checkpoints.directory(app))["legacy_until"] \
        == legacy[-1]
    _rechain(ids[3], legacy_row_hash, edit={"outcome": "denied"})  # every keyed row, unkeyed
    code, output = _verify(runner)
    assert code == 1
    assert f"audit rows {ids[3]}–{ids[5]}: 3 rows re-chained with the old unkeyed hash" \
        in output


def test_a_rewritten_row_from_before_the_key_breaks_the_first_keyed_link(app, runner):
    legacy = _legacy_rows(2)
    keyed = _events(1, action="test.keyed")[-1]
    table = AuditEvent.__table__
    with db.engine.begin() as conn, audit_chain.unguarded(conn):  # re-chain the old run only
        conn.execute(table.update().where(table.c.id == legacy[0]).values(outcome="denied"))
        prev = GENESIS
        for row in conn.execute(table.select().where(table.c.id.in_(legacy))
                                .order_by(table.c.id)).mappings().all():
            digest = legacy_row_hash(prev, {name: row[name] for name in FIELDS})
            conn.execute(table.update().where(table.c.id == row["id"])
                         .values(prev_hash=prev, hash=digest))
            prev = digest
    code, output = _verify(runner)
    assert code == 1
    assert f"audit row {keyed}: broken link" in output


def test_the_key_comes_from_the_environment_or_a_private_instance_file(tmp_path, database_url):
    from server import create_app
    from server.config import Config
    from tests.conftest import app_config

    assert Config({"AUDIT_HMAC_KEY": "from-env"}).AUDIT_HMAC_KEY == "from-env"
    assert Config({"AUDIT_CHECKPOINT_MINUTES": "5"}).AUDIT_CHECKPOINT_MINUTES == 5
    with pytest.raises(ValueError, match="AUDIT_CHECKPOINT_MINUTES"):
        Config({"AUDIT_CHECKPOINT_MINUTES": "0"})
    instance = tmp_path / "instance"
    made = create_app(app_config(database_url, str(instance)))
    path = instance / "audit_hmac_key"
    assert made.config["AUDIT_HMAC_KEY"] == path.read_text().strip()
    assert len(path.read_text().strip()) == 64 and stat.S_IMODE(path.stat().st_mode) == 0o600
    again = create_app(app_config(database_url, str(instance)))
    assert again.config["AUDIT_HMAC_KEY"] == made.config["AUDIT_HMAC_KEY"]
    given = create_app(app_config(database_url, str(instance), AUDIT_HMAC_KEY="given"))
    assert given.config["AUDIT_HMAC_KEY"] == "given"
    assert made.config["AUDIT_CHECKPOINT_DIR"] == str(instance / "audit-checkpoints")


def test_the_worker_writes_checkpoints_on_its_schedule(app, caplog):
    from apscheduler.schedulers.background import BackgroundScheduler

    from server import worker

    app.config["AUDIT_CHECKPOINT_MINUTES"] = 15
    scheduler = BackgroundScheduler(timezone="UTC")
    worker._schedule(scheduler, lambda: None, app)
    jobs = {j.id: j for j in scheduler.get_jobs()}
    job = jobs["cartwatch-audit-checkpoint"]
    assert job.trigger.interval.total_seconds() == 15 * 60
    assert jobs["cartwatch-first-checkpoint"].func is job.func  # one at start too
    ids = _events(2)
    line = job.func(*job.args)
    assert (line["rows"], line["last_id"]) == (2, ids[1])
    with db.engine.begin() as conn, audit_chain.unguarded(conn):
        conn.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": ids[1]})
    with caplog.at_level(logging.CRITICAL, logger="server.worker"):
        assert job.func(*job.args) is None
    assert any("audit checkpoint refused: truncated tail" in r.getMessage()
               for r in caplog.records if r.levelno == logging.CRITICAL)
