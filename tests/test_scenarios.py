"""Replay every scenario under tests/scenarios and check its expect list (FORMAT.md)."""
from __future__ import annotations

import json
import subprocess
import sys
from contextlib import nullcontext
from pathlib import Path

import pytest
from scenario_expect import check

from server import create_app
from server.extensions import db
from server.replay import ScenarioError, parse, replay_scenario

try:  # the audit table refuses DELETE on PostgreSQL unless its guard is lifted
    from server.audit.chain import unguarded
except ImportError:  # pragma: no cover - before the audit chain exists
    def unguarded(connection):
        return nullcontext(connection)

HERE = Path(__file__).parent / "scenarios"
FILES = sorted(HERE.rglob("*.json"))
ROOT = Path(__file__).parent.parent
# the replay's staff sign in with throwaway passwords: hash them cheaply (allowed under TESTING)
CHEAP = {"TESTING": True, "PASSWORD_HASH_TIME_COST": 1, "PASSWORD_HASH_MEMORY_COST": 8,
         "PASSWORD_HASH_PARALLELISM": 1}


@pytest.fixture
def scenario_database(database_url, _schema, tmp_path):
    """None on SQLite (the replay makes its own file); on PostgreSQL the test database,
    emptied after each scenario."""
    if database_url.startswith("sqlite"):
        yield None
        return
    yield database_url
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "t",
                      "INSTANCE_PATH": str(tmp_path / "i")})
    with app.app_context():
        with db.engine.begin() as conn, unguarded(conn):
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


def test_there_are_enough_scenarios():
    """The nine shared examples (six v1, three v2) plus at least 25 of our own."""
    assert len([f for f in FILES if f.parent.name == "examples"]) == 9
    assert len([f for f in FILES if f.parent == HERE]) >= 25


@pytest.mark.parametrize("path", FILES, ids=[str(f.relative_to(HERE)) for f in FILES])
def test_scenario_meets_its_expectations(path, scenario_database):
    """The replay's lines meet every expectation of the file."""
    document = json.loads(path.read_text())
    expect = document.pop("expect", [])
    lines = replay_scenario(parse(document), scenario_database, CHEAP)
    assert expect, "a scenario without expectations checks nothing"
    problem = check(lines, expect)
    assert problem is None, problem + "\n" + "\n".join(json.dumps(line) for line in lines)


def test_lines_are_in_time_order():
    """Output lines come in time order, stamped with the patient's offset."""
    document = json.loads((HERE / "examples" / "ice-drop-then-seizure.json").read_text())
    lines = replay_scenario(parse(document), app_config=CHEAP)
    from scenario_expect import ts

    stamps = [ts(line["at"]) for line in lines]
    assert stamps == sorted(stamps)
    assert all(line["at"].endswith("+01:00") for line in lines)


@pytest.mark.parametrize("document, problem", [
    ({}, "patient"),
    ({"patient": {"infused_at": "2026-03-02T10:00:00", "product": "axi-cel",
                  "timezone": "Europe/Berlin"}, "until": "2026-03-03T10:00:00+01:00"}, "offset"),
    ({"patient": {"infused_at": "2026-03-02T10:00:00+01:00", "product": "x",
                  "timezone": "Europe/Berlin"}, "until": "2026-03-03T10:00:00+01:00"}, "product"),
    ({"patient": {"infused_at": "2026-03-02T10:00:00+01:00", "product": "axi-cel",
                  "timezone": "Mars/Olympus"}, "until": "2026-03-03T10:00:00+01:00"}, "timezone"),
    ({"patient": {"infused_at": "2026-03-02T10:00:00+01:00", "product": "axi-cel",
                  "timezone": "Europe/Berlin"}, "until": "2026-03-03T10:00:00+01:00",
      "events": [{"at": "2026-03-02T11:00:00+01:00", "by": "staff:nobody",
                  "do": "acknowledge"}]}, "staff"),
    ({"patient": {"infused_at": "2026-03-02T10:00:00+01:00", "product": "axi-cel",
                  "timezone": "Europe/Berlin"}, "until": "2026-03-03T10:00:00+01:00",
      "events": [{"at": "2026-03-05T11:00:00+01:00", "by": "patient",
                  "checkin": {}}]}, "outside"),
    ({"patient": {"infused_at": "2026-03-02T10:00:00+01:00", "product": "axi-cel",
                  "timezone": "Europe/Berlin"}, "until": "2026-03-03T10:00:00+01:00",
      "centre": {"schedule": {"0-14": ["08:00", "20:00"]}}}, "centre.schedule.0-14"),
    ({"patient": {"infused_at": "2026-03-02T10:00:00+01:00", "product": "axi-cel",
                  "timezone": "Europe/Berlin"}, "until": "2026-03-03T10:00:00+01:00",
      "centre": {"ack_lapse_hours": {"urgent": 13}}}, "centre.ack_lapse_hours.urgent"),
])
def test_malformed_scenarios_are_refused(document, problem):
    """parse() names what is wrong."""
    with pytest.raises(ScenarioError, match=problem):
        parse(document)


def test_cli_prints_only_json_lines_and_exits_2_on_malformed(tmp_path):
    """`flask --app wsgi scenario run`: JSON lines on stdout; exit 2 for a malformed file."""
    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "scenario", "run"]
    good = subprocess.run(flask + [str(HERE / "examples" / "fever-day12.json")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert good.returncode == 0, good.stderr
    lines = [json.loads(line) for line in good.stdout.splitlines()]
    assert lines and all("event" in line and "at" in line for line in lines)
    bad = tmp_path / "bad.json"
    bad.write_text('{"patient": {"product": "axi-cel"}}')
    refused = subprocess.run(flask + [str(bad)], cwd=ROOT, capture_output=True, text=True,
                             timeout=120)
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert "infused_at" in refused.stderr
