"""Scenario replay (tests/scenarios/FORMAT.md): one patient's course through the real app.

A fresh SQLite database in a temporary directory, a ManualClock from `enrolled_at` to
`until`, every event sent through the real API with the Flask test client (devices enrolled
with real codes, staff signed in with password and a TOTP computed from the clock), and
`run_due_work` fired at each due time in between, stepping to the next due row, so no step
is missed or reordered. Requests arrive `LATENCY` (1 s) after their event's `at`. The
command prints JSON lines on stdout; the replay never reads the `expect` key.

schema: the file's shape (marshmallow); parse: checks across fields; world: the app,
centre, staff and patient; drive: the clock and the events; lines: the output; runner: one
replay; command: the Flask CLI command. Extensions beyond the shared FORMAT.md are listed
in tests/scenarios/FORMAT.md ("Project extensions", "Rotas").
"""
from .command import scenario_cli
from .parse import parse
from .runner import replay_scenario
from .schema import Scenario, ScenarioError

__all__ = ["Scenario", "ScenarioError", "parse", "replay_scenario", "scenario_cli"]
