"""One replay end to end: temporary database, virtual clock, set-up, drive, lines, clean-up."""
from __future__ import annotations

import tempfile
from pathlib import Path

from ..clock import ManualClock, set_source
from .drive import drive
from .lines import output_lines
from .schema import Scenario
from .world import Replay, make_app, setup


def replay_scenario(scenario: Scenario, database_url: str | None = None,
                    app_config: dict | None = None) -> list[dict]:
    """Replay a parsed scenario on a fresh temporary database; return the output lines.

    `database_url` (tests only) names an EMPTY database to use instead, e.g. PostgreSQL;
    `app_config` (tests only) adds settings, e.g. cheap password hashing under TESTING.
    """
    with tempfile.TemporaryDirectory(prefix="cartwatch-scenario-") as tmp:
        clock = ManualClock(scenario.enrolled_at)
        set_source(clock)
        try:
            app = make_app(Path(tmp), database_url, app_config)
            with app.app_context():
                from ..extensions import db

                replay = Replay(scenario, app, clock)
                try:
                    setup(replay)
                    drive(replay)
                    return output_lines(replay)
                finally:
                    db.session.remove()
                    db.engine.dispose()
        finally:
            set_source(None)
