"""The databases a bench run uses: a fresh SQLite file, and a fresh PostgreSQL one if reachable."""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path

PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/postgres"


def pg_admin_url() -> str | None:
    """BENCH_DATABASE_URL, TEST_DATABASE_URL or the local default, if a server answers."""
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") \
        or PG_DEFAULT
    url = url.replace("postgresql+psycopg://", "postgresql://")
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3):
            return url
    except Exception:
        return None


@contextmanager
def sqlite_db(work: Path):
    """A new SQLite database file under work/."""
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"bench-{uuid.uuid4().hex[:8]}.sqlite3"
    try:
        yield f"sqlite:///{path}"
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)


@contextmanager
def postgres_db(admin: str):
    """A new PostgreSQL database, dropped afterwards."""
    import psycopg

    name = f"cartwatch_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
