"""SQLite writers queue on a lock file and are handed the lock when the previous one ends."""
from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time

import pytest
from sqlalchemy import create_engine, text

from server.config import engine_options
from server.sqlite_writer import WriterLockedConnection


def connect(path) -> WriterLockedConnection:
    conn = sqlite3.connect(path, timeout=30, factory=WriterLockedConnection,
                           check_same_thread=False)
    conn.isolation_level = None
    conn.execute("PRAGMA journal_mode=WAL")
    return conn


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "w.db"
    conn = connect(path)
    conn.execute("CREATE TABLE t (who TEXT)")
    conn.close()
    return path


def test_second_writer_begins_only_after_the_first_commit(database):
    first, second = connect(database), connect(database)
    events: list[str] = []
    first.begin_immediate()
    first.execute("INSERT INTO t VALUES ('first')")

    def write_second():
        second.begin_immediate()
        events.append("second began")
        second.execute("INSERT INTO t VALUES ('second')")
        second.commit()

    waiter = threading.Thread(target=write_second)
    waiter.start()
    time.sleep(0.2)
    assert events == []  # still queued behind the first writer
    events.append("first committed")
    first.commit()
    waiter.join(5)
    assert events == ["first committed", "second began"]
    rows = [r[0] for r in first.execute("SELECT who FROM t ORDER BY rowid")]
    assert rows == ["first", "second"]
    first.close()
    second.close()


def test_writers_wait_on_the_lock_file_not_in_sqlites_busy_handler(database):
    """Whoever holds `<db>.writer-lock` makes the next writer wait, though SQLite is free;
    the kernel wakes it as soon as the lock is released (no 1-100 ms busy-handler sleeps)."""
    holder = os.open(f"{database}.writer-lock", os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)
    writer = connect(database)
    began = threading.Event()
    threading.Thread(target=lambda: (writer.begin_immediate(), began.set())).start()
    assert not began.wait(0.3)
    fcntl.flock(holder, fcntl.LOCK_UN)
    assert began.wait(5)
    writer.commit()
    writer.close()
    os.close(holder)


@pytest.mark.parametrize("end", ["rollback", "close"])
def test_rollback_and_close_release_the_lock(database, end):
    first, second = connect(database), connect(database)
    first.begin_immediate()
    done = threading.Event()
    threading.Thread(target=lambda: (second.begin_immediate(), second.commit(), done.set())).start()
    assert not done.wait(0.2)
    getattr(first, end)()
    assert done.wait(5)
    second.close()
    if end == "rollback":
        first.close()


def test_a_thread_writing_on_two_connections_falls_back_to_the_busy_timeout(database):
    """Waiting on its own lock would hang forever; SQLite's bounded busy wait answers."""
    first = connect(database)
    second = sqlite3.connect(database, timeout=0.1, factory=WriterLockedConnection)
    second.isolation_level = None
    first.begin_immediate()
    started = time.perf_counter()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        second.begin_immediate()
    assert time.perf_counter() - started < 5
    first.rollback()
    second.begin_immediate()  # the failed attempt left no lock behind
    second.commit()
    first.close()
    second.close()


def test_memory_databases_need_no_lock_file(tmp_path):
    conn = sqlite3.connect(":memory:", factory=WriterLockedConnection)
    conn.isolation_level = None
    conn.begin_immediate()
    conn.commit()
    conn.close()
    assert list(tmp_path.iterdir()) == []


def test_app_transactions_hold_the_writer_lock_until_they_end(tmp_path):
    from server import db_types

    url = f"sqlite:///{tmp_path / 'app.db'}"
    engine = create_engine(url, **engine_options(url))
    db_types.install(engine, db_types.EngineSettings(immediate_outside_requests=True))
    with engine.begin() as conn:
        raw = conn.connection.dbapi_connection
        assert isinstance(raw, WriterLockedConnection)
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
        assert raw.in_transaction
        other = connect(tmp_path / "app.db")
        blocked = threading.Event()
        threading.Thread(target=lambda: (other.begin_immediate(), blocked.set())).start()
        assert not blocked.wait(0.2)  # the engine's transaction holds the writer lock
    assert blocked.wait(5)  # ...until its COMMIT
    other.rollback()
    other.close()
    assert (tmp_path / "app.db.writer-lock").exists()
    engine.dispose()


def test_a_device_is_identified_without_waiting_for_the_writer(app, database_url,
                                                               make_patient, enrol):
    """SQLite: the bearer-token lookup reads a snapshot, so a check-in takes the writer lock
    only when it locks its patient, not for its whole request."""
    from server.auth.identity import _device_actor
    from server.extensions import db

    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's single writer lock")
    headers = enrol(make_patient())
    token = headers["Authorization"].removeprefix("Bearer ")
    writer = connect(database_url.removeprefix("sqlite:///"))
    writer.begin_immediate()  # another request is writing
    found = []

    def identify():
        with app.test_request_context("/api/v1/checkins", method="POST"):
            device = _device_actor(token).device
            found.append((device.id, device.patient_id, device.role))
            db.session.remove()

    try:
        reader = threading.Thread(target=identify)
        reader.start()
        reader.join(5)
        waited = reader.is_alive()
    finally:
        writer.rollback()
        reader.join(30)
        writer.close()
    assert not waited, "the device lookup waited for the writer"
    assert found and found[0][2] == "patient"
