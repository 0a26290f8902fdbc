"""`flask --app wsgi scenario run FILE`: JSON lines on stdout, exit 2 on a malformed file."""
from __future__ import annotations

import json
import sys

import click

from .parse import parse
from .runner import replay_scenario
from .schema import ScenarioError


@click.group("scenario")
def scenario_cli() -> None:
    """Replay clinical scenarios (scenarios/FORMAT.md)."""


@scenario_cli.command("run")
@click.argument("file", type=click.Path(dir_okay=False))
def run_command(file: str) -> None:
    """Replay FILE on a fresh database and print one JSON line per event."""
    try:
        with open(file, encoding="utf-8") as handle:
            scenario = parse(json.load(handle))
    except (OSError, json.JSONDecodeError, ScenarioError) as exc:
        click.echo(f"scenario: malformed {file}: {exc}", err=True)
        sys.exit(2)
    try:
        lines = replay_scenario(scenario)
    except ScenarioError as exc:  # rota: refused by the admin API at set-up
        click.echo(f"scenario: malformed {file}: {exc}", err=True)
        sys.exit(2)
    for line in lines:
        click.echo(json.dumps(line))
