"""Tamper evidence for the audit trail: a keyed hash chain over the rows, append-only triggers.

Every AuditEvent gets `prev_hash` (the hash of the row before it) and `hash` =
HMAC-SHA256(AUDIT_HMAC_KEY, prev_hash + canonical row content), computed at flush time while
the chain is held exclusively: on PostgreSQL by a transaction-level advisory lock (released
at commit, so the next writer reads the hash this one committed), on SQLite by BEGIN
IMMEDIATE, which already serialises writers. Database triggers refuse UPDATE and DELETE on
the table, so the application cannot rewrite history. The key lives outside the database
(instance/audit_hmac_key or the environment), so someone who can write to the database and
drops the triggers cannot re-chain edited rows; signed checkpoints outside the database
(`checkpoints`) catch a cut tail. `verify` checks both.

Chain versions: rows written before the key existed carry plain SHA-256 hashes (version 0,
`legacy_row_hash`). They are left as they are (rewriting history to re-key it would need the
very trust the chain replaces) and accepted only as the unbroken run at the start of the
table: the first keyed row chains onto the last of them, so an edit there breaks that link.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from contextlib import contextmanager

from flask import current_app
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..clock import now
from .model import AuditEvent

GENESIS = "0" * 64
CHAIN_LOCK_ID = 0x6361_7274_6175  # "cartau": one advisory lock for the whole chain
TABLE = "audit_event"
FIELDS = ("at", "actor_kind", "actor_id", "action", "patient_id", "outcome", "request_id",
          "address", "detail")

PG_GUARD = (
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION USING MESSAGE = "
    "'audit_event is append-only (' || TG_OP || ' refused)'; END; "
    "$$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()",
)
PG_UNGUARD = (
    "DROP TRIGGER IF EXISTS audit_event_no_update ON audit_event",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
)
SQLITE_GUARD = (
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only (UPDATE refused)'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only (DELETE refused)'); END",
)
SQLITE_UNGUARD = (
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
)


def _canonical_value(value):
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds")
    return value


def _message(prev_hash: str, values: dict) -> bytes:
    content = {name: _canonical_value(values.get(name)) for name in FIELDS}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return (prev_hash + "\n" + canonical).encode()


def row_hash(prev_hash: str, values: dict, key: bytes) -> str:
    """HMAC-SHA256 under the audit key over the previous hash and the row as canonical JSON."""
    return hmac.new(key, _message(prev_hash, values), hashlib.sha256).hexdigest()


def legacy_row_hash(prev_hash: str, values: dict) -> str:
    """Chain version 0 (before the key): plain SHA-256, which anyone can recompute."""
    return hashlib.sha256(_message(prev_hash, values)).hexdigest()


def chain_key(app=None) -> bytes:
    """The audit key of this app (AUDIT_HMAC_KEY; create_app reads or creates it)."""
    return (app or current_app).config["AUDIT_HMAC_KEY"].encode()


HEAD = "cartwatch.audit_chain_head"  # session.info: the chain's last hash, while we hold it


def _last_hash(session: Session) -> str:
    """The hash the next row chains to; read once per transaction (the lock is held to the end)."""
    if HEAD in session.info:
        return session.info[HEAD]
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHAIN_LOCK_ID})
    last = conn.execute(text(f"SELECT hash FROM {TABLE} ORDER BY id DESC LIMIT 1")).scalar()
    return last or GENESIS


def holds_chain(session: Session) -> bool:
    """This transaction has chained an audit row (on PostgreSQL: holds the chain's lock)."""
    return HEAD in session.info


def _forget_head(session: Session, transaction=None) -> None:
    """A transaction or savepoint ended (not a flush's inner one): read the head again."""
    if transaction is None or transaction.nested or transaction.parent is None:
        session.info.pop(HEAD, None)


def _chain_new_events(session: Session, flush_context, instances) -> None:
    """before_flush: give each new audit row its place in the chain, in insertion order."""
    pending = [obj for obj in session.new if isinstance(obj, AuditEvent)]
    if not pending:
        return
    pending.sort(key=lambda obj: inspect(obj).insert_order)
    prev = _last_hash(session)
    key = chain_key()
    for row in pending:
        if row.at is None:
            row.at = now()
        row.prev_hash = prev
        row.hash = prev = row_hash(prev, {name: getattr(row, name) for name in FIELDS}, key)
    session.info[HEAD] = prev


def _guard_after_create(target, connection: Connection, **kwargs) -> None:
    install_guard(connection)


def install_guard(connection: Connection) -> None:
    """Create the append-only triggers (create_all runs this; a migration must call it too)."""
    statements = PG_GUARD if connection.dialect.name == "postgresql" else SQLITE_GUARD
    for statement in statements:
        connection.exec_driver_sql(statement)


def remove_guard(connection: Connection) -> None:
    """Drop the append-only triggers (what an attacker, or the test clean-up, has to do)."""
    statements = PG_UNGUARD if connection.dialect.name == "postgresql" else SQLITE_UNGUARD
    for statement in statements:
        connection.exec_driver_sql(statement)


@contextmanager
def unguarded(connection: Connection):
    """Run a block with the triggers dropped, in the caller's transaction; restore them after."""
    remove_guard(connection)
    try:
        yield connection
    finally:
        install_guard(connection)


def install(model=AuditEvent) -> None:
    """Wire the chain into every session's flush and the triggers into the table's DDL."""
    if not event.contains(Session, "before_flush", _chain_new_events):
        event.listen(Session, "before_flush", _chain_new_events)
        event.listen(Session, "after_transaction_end", _forget_head)
        event.listen(Session, "after_soft_rollback", lambda session, _previous:
                     session.info.pop(HEAD, None))
    if not event.contains(model.__table__, "after_create", _guard_after_create):
        event.listen(model.__table__, "after_create", _guard_after_create)
