"""`flask audit verify` and `flask audit checkpoint`: the chain and its checkpoints by hand."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from . import checkpoints as audit_checkpoints
from .chain import chain_key
from .verify import verify_chain


@click.group("audit")
def audit_cli() -> None:
    """Audit trail maintenance."""


def _where(problem: dict) -> str:
    if problem.get("last_id") is not None:
        return f"audit rows {problem['id']}–{problem['last_id']}"
    return f"audit row {problem['id']}"


@audit_cli.command("verify")
@with_appcontext
def verify_command() -> None:
    """Check the chain against the audit key and the latest checkpoint; exit 1 naming faults."""
    from ..extensions import db

    app = current_app._get_current_object()
    with db.engine.connect() as conn:
        checkpoint, tail_problem = audit_checkpoints.check_latest(app, conn)
        trusted = checkpoint is not None and audit_checkpoints.signature_ok(chain_key(app),
                                                                            checkpoint)
        legacy_until = int(checkpoint.get("legacy_until", 0)) if trusted else None
        report = verify_chain(conn, chain_key(app), legacy_until)
    for problem in report.problems:
        click.echo(f"{_where(problem)}: {problem['problem']}", err=True)
    if tail_problem:
        click.echo(f"audit checkpoint: {tail_problem}", err=True)
    count = len(report.problems) + bool(tail_problem)
    if count:
        click.echo(f"audit chain BROKEN: {count} problem(s) in {report.checked} rows", err=True)
        raise SystemExit(1)
    legacy = (f" ({report.legacy_rows} from before the audit key, chain version 0)"
              if report.legacy_rows else "")
    if checkpoint is None:
        tail = ("; no checkpoint yet, so a cut tail cannot be seen: run "
                "`flask audit checkpoint` (the worker writes them too)")
    else:
        tail = (f"; matches the checkpoint of {checkpoint['at']} ({checkpoint['rows']} rows "
                f"up to id {checkpoint['last_id']})")
    click.echo(f"audit chain intact: {report.checked} rows{legacy}{tail}")


@audit_cli.command("checkpoint")
@with_appcontext
def checkpoint_command() -> None:
    """Append a signed checkpoint (row count and head hash) outside the database."""
    from ..extensions import db

    app = current_app._get_current_object()
    with db.engine.connect() as conn:
        try:
            line = audit_checkpoints.write(app, conn)
        except audit_checkpoints.CheckpointRefused as refused:
            click.echo(f"audit checkpoint refused: {refused}", err=True)
            raise SystemExit(1) from None
    click.echo(f"audit checkpoint written: {line['rows']} rows up to id {line['last_id']}, "
               f"head {line['head'][:16]}… in {audit_checkpoints.directory(app)}")
