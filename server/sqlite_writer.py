"""One SQLite writer at a time, handed over at once through a lock file beside the database.

SQLite lets one connection write; the others wait in its busy handler, which sleeps
1, 2, 5, 10 … ms between tries. Two gunicorn workers writing check-ins back to back then
spend most of their time asleep while the lock is already free. A blocking `flock` on
`<database>.writer-lock` queues writers in the kernel instead: the next one wakes the
moment the previous COMMIT (or ROLLBACK) has returned. The busy timeout stays as the
fallback for writers that do not use this connection class (the sqlite3 shell, say), and
for a thread that already writes on another connection: it must not wait for itself
forever, so it goes to SQLite's bounded busy wait as before.
"""
from __future__ import annotations

import fcntl
import os
import sqlite3
import threading

_writing_threads: set[int] = set()  # threads holding a writer lock (on any connection)


class WriterLockedConnection(sqlite3.Connection):
    """A sqlite3 connection whose write transactions hold an exclusive flock."""

    def __init__(self, database, *args, **kwargs):
        super().__init__(database, *args, **kwargs)
        self._lock_fd: int | None = None
        self._owner: int | None = None  # the thread that took the writer lock
        path = os.fspath(database) if not isinstance(database, bytes) else database.decode()
        if path and path != ":memory:" and not path.startswith("file:"):
            self._lock_fd = os.open(f"{path}.writer-lock", os.O_RDWR | os.O_CREAT, 0o600)

    def begin_immediate(self) -> None:
        """Wait for the writer lock (in the kernel), then take SQLite's write lock."""
        me = threading.get_ident()
        if self._lock_fd is not None and self._owner is None and me not in _writing_threads:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
            self._owner = me
            _writing_threads.add(me)
        try:
            self.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._release()
            raise

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._release()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._release()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._release()
            if self._lock_fd is not None:
                os.close(self._lock_fd)
                self._lock_fd = None

    def __del__(self) -> None:
        if getattr(self, "_lock_fd", None) is not None:
            os.close(self._lock_fd)  # a connection dropped unclosed must not keep the lock
            self._lock_fd = None

    def _release(self) -> None:
        if self._owner is not None:
            _writing_threads.discard(self._owner)
            self._owner = None
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
