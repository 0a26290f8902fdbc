"""What the app sends the database while some work runs: statements and commits."""
from __future__ import annotations

from sqlalchemy import event

from server.extensions import db


def _engine_events_during(name: str, fn) -> tuple[object, list[tuple]]:
    """fn()'s result and the arguments of each engine event `name` it fired."""
    fired = []

    def record(*args):
        fired.append(args)

    event.listen(db.engine, name, record)
    try:
        result = fn()
    finally:
        event.remove(db.engine, name, record)
    return result, fired


def statements_during(fn) -> tuple[object, list[str]]:
    """fn()'s result and the SQL statements it sent, whitespace folded to single spaces."""
    result, executions = _engine_events_during("before_cursor_execute", fn)
    return result, [" ".join(args[2].split()) for args in executions]  # (conn, cursor, sql…)


def commits_during(fn) -> tuple[object, int]:
    """fn()'s result and how many transactions it committed."""
    result, commits = _engine_events_during("commit", fn)
    return result, len(commits)
