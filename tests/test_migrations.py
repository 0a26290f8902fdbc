"""The Alembic migrations build exactly the schema the models describe."""
from __future__ import annotations

from contextlib import contextmanager

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bench.databases import postgres_db
from server import create_app
from server.extensions import db
from tests.conftest import app_config


@contextmanager
def empty_database(database_url: str, tmp_path):
    """A brand-new, empty database of the kind under test."""
    if database_url.startswith("sqlite"):
        yield "sqlite:///" + str(tmp_path / "migrated.sqlite3")
        return
    admin = database_url.replace("postgresql+psycopg://", "postgresql://")
    with postgres_db(admin) as url:
        yield url

def test_upgrade_from_empty_matches_the_models(database_url, tmp_path):
    with empty_database(database_url, tmp_path) as url:
        app = create_app(app_config(url, str(tmp_path / "instance")))
        with app.app_context():
            flask_migrate.upgrade()
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"compare_type": True})
                diffs = compare_metadata(context, db.metadata)
            db.engine.dispose()
    assert diffs == []


def test_migrated_audit_table_is_append_only(database_url, tmp_path):
    import pytest
    from sqlalchemy.exc import DatabaseError

    from server.clock import now
    from server.models import AuditEvent

    with empty_database(database_url, tmp_path) as url:
        app = create_app(app_config(url, str(tmp_path / "instance")))
        with app.app_context():
            flask_migrate.upgrade()
            db.session.add(AuditEvent(at=now(), actor_kind="system", action="probe",
                                      outcome="ok"))
            db.session.commit()
            with pytest.raises(DatabaseError):
                with db.engine.begin() as conn:
                    conn.exec_driver_sql("UPDATE audit_event SET action = 'edited'")
            with pytest.raises(DatabaseError):
                with db.engine.begin() as conn:
                    conn.exec_driver_sql("DELETE FROM audit_event")
            db.session.remove()
            db.engine.dispose()


def test_upgrading_in_process_keeps_the_servers_loggers_on(database_url, tmp_path):
    """Alembic's logging set-up must not disable loggers that exist (a silenced alarm path)."""
    import logging

    import server.services.push_health  # noqa: F401  (its logger exists before the upgrade)

    with empty_database(database_url, tmp_path) as url:
        app = create_app(app_config(url, str(tmp_path / "instance")))
        with app.app_context():
            flask_migrate.upgrade()
            db.engine.dispose()
    assert not logging.getLogger("server.services.push_health").disabled
