"""Column types and engine settings that behave the same on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from flask import Flask, has_request_context
from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

from .sqlite_writer import WriterLockedConnection


class UTCDateTime(TypeDecorator):
    """Store naive UTC, hand back aware UTC: refuses naive input so no local time slips in."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: store aware UTC datetimes")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC)


def _sqlite_durable_connect(dbapi_connection, connection_record):
    """Make SQLite durable and concurrent: WAL, synchronous=FULL, foreign keys, busy wait.

    NORMAL can lose committed rows on power loss in WAL mode, and a check-in is acknowledged
    only after a durable commit. pysqlite's own transaction handling is switched off so that
    BEGIN IMMEDIATE (below) takes the write lock up front instead of failing on upgrade.
    """
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


# Execution option for a connection that only reads (see `identity._find_device`): on SQLite
# its transaction is a plain deferred BEGIN, so it neither waits for nor holds the writer.
READ_ONLY = "cartwatch_read_only"


@dataclass
class EngineSettings:
    """What an engine's listeners read. `immediate_outside_requests` is the config key
    SQLITE_IMMEDIATE_OUTSIDE_REQUESTS: tests set it False so that the test's own session
    (reading fixtures between requests) runs in autocommit, neither holding the write lock
    nor reading from a stale snapshot. Requests always take the lock at BEGIN; jobs and the
    CLI too, unless switched off."""

    immediate_outside_requests: bool = True


def install(engine: Engine, settings: EngineSettings | None = None) -> EngineSettings:
    """Put CARTwatch's connection and BEGIN handling on one engine; return its settings."""
    settings = settings or EngineSettings()

    def begin(conn) -> None:
        _sqlite_begin_immediate(conn, settings)

    event.listen(engine, "connect", _sqlite_durable_connect)
    event.listen(engine, "begin", begin)
    return settings


SETTINGS = "cartwatch.engine_settings"  # app.extensions key


def init_engine(app: Flask, engine) -> EngineSettings:
    """Install the listeners on the app's engine (create_app calls this, once per app)."""
    settings = EngineSettings(bool(app.config.get("SQLITE_IMMEDIATE_OUTSIDE_REQUESTS", True)))
    install(engine, settings)
    app.extensions[SETTINGS] = settings
    return settings


def settings_of(app: Flask) -> EngineSettings:
    """The settings the app's engine listeners read (tests switch them per test)."""
    return app.extensions[SETTINGS]


def _sqlite_begin_immediate(conn, settings: EngineSettings) -> None:
    """Serialise SQLite writers at BEGIN so concurrent requests wait instead of erroring.

    A deferred transaction that reads and then writes fails at once (SQLITE_BUSY_SNAPSHOT)
    when another writer committed in between; IMMEDIATE waits its turn instead.
    """
    if conn.dialect.name != "sqlite":
        return
    if conn.get_execution_options().get(READ_ONLY):
        conn.exec_driver_sql("BEGIN")  # a snapshot read: no write lock, never writes
        return
    if settings.immediate_outside_requests or has_request_context():
        dbapi_connection = conn.connection.dbapi_connection
        if isinstance(dbapi_connection, WriterLockedConnection):
            dbapi_connection.begin_immediate()  # queue behind the writer lock, then BEGIN
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
