"""A transaction the database rolled back for a conflict answers 503 "retry", not a 500."""
from __future__ import annotations

import sqlite3

import psycopg.errors
import pytest
from sqlalchemy.exc import OperationalError

pytestmark = pytest.mark.fresh_app  # each test adds a route


def failing_with(app, error: Exception):
    """A throwaway route that fails the way a query would, wrapped by SQLAlchemy."""

    def view():
        raise OperationalError("UPDATE escalation ...", {}, error)

    app.add_url_rule("/api/v1/_conflict", "conflict", view)
    return app.test_client().get("/api/v1/_conflict")


@pytest.mark.parametrize("error", [
    psycopg.errors.DeadlockDetected("deadlock detected"),
    psycopg.errors.SerializationFailure("could not serialize access"),
    psycopg.errors.LockNotAvailable("could not obtain lock"),
    sqlite3.OperationalError("database is locked"),
], ids=["deadlock", "serialization", "lock_timeout", "sqlite_busy"])
def test_a_conflict_asks_the_client_to_retry(app, error):
    response = failing_with(app, error)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert response.json["error"]["code"] == "busy"
    assert "deadlock" not in response.get_data(as_text=True)  # no internals in the answer


def test_other_database_errors_stay_internal_errors(app):
    response = failing_with(app, sqlite3.OperationalError("no such table: check_in"))
    assert response.status_code == 500
    assert response.json["error"]["code"] == "internal_server_error"
