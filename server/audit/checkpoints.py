"""Signed checkpoints of the audit chain, kept outside the database: they show a cut tail.

The chain alone cannot show that its last rows were deleted (what is left is still a valid
chain). A checkpoint records how long the chain was and what its head was at a moment:
one JSON line {"v", "at", "rows", "last_id", "head", "legacy_until", "sig"} appended to
AUDIT_CHECKPOINT_DIR/checkpoints.jsonl, `sig` being HMAC-SHA256 under the audit key over the
rest, so it can be neither forged nor edited without the key. The worker writes one every
AUDIT_CHECKPOINT_MINUTES, `flask audit checkpoint` on demand. Before appending, the writer
checks that the table still holds the previous checkpoint; after a cut it refuses, so the
latest checkpoint keeps the evidence instead of blessing the shorter chain.

`legacy_until` is the last id of the rows hashed before the key existed (chain version 0;
0 when there are none). Recorded here, outside the database, it stops someone from passing
off keyed rows re-hashed the old unkeyed way as part of that run. It is found once, by
walking the version-0 run, and carried forward once keyed rows follow it.
"""
from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
from pathlib import Path

from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import Connection

from ..clock import now
from .chain import GENESIS, chain_key
from .verify import legacy_run_end

FILE = "checkpoints.jsonl"
VERSION = 1


class CheckpointRefused(Exception):
    """The table no longer holds the previous checkpoint: a new one would hide that."""


def sign(key: bytes, body: dict) -> str:
    """The HMAC of a checkpoint's fields (all but `sig`), domain-separated from row hashes."""
    fields = {k: v for k, v in body.items() if k != "sig"}
    message = "cartwatch-audit-checkpoint\n" + json.dumps(fields, sort_keys=True,
                                                          separators=(",", ":"))
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def signature_ok(key: bytes, checkpoint: dict) -> bool:
    """The checkpoint was written with this key and not changed since."""
    return hmac.compare_digest(str(checkpoint.get("sig", "")), sign(key, checkpoint))


def directory(app: Flask) -> Path:
    """Where this app keeps its checkpoints."""
    return Path(app.config["AUDIT_CHECKPOINT_DIR"])


def latest(folder: Path) -> dict | None:
    """The last checkpoint written (None before the first; {} when the line is not JSON)."""
    path = folder / FILE
    if not path.exists():
        return None
    last = None
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                last = line
    if last is None:
        return None
    try:
        found = json.loads(last)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def head_of(connection: Connection) -> tuple[int, int, str]:
    """(rows, last id, head hash) of the table, read in one statement (one snapshot)."""
    row = connection.execute(text(
        "SELECT id, hash, (SELECT count(*) FROM audit_event) FROM audit_event "
        "ORDER BY id DESC LIMIT 1")).first()
    if row is None:
        return 0, 0, GENESIS
    return int(row[2]), int(row[0]), row[1]


def disagreement(connection: Connection, checkpoint: dict) -> str | None:
    """Why the table no longer holds the chain this checkpoint saw (None when it does)."""
    rows, last_id, at = int(checkpoint["rows"]), int(checkpoint["last_id"]), checkpoint["at"]
    if rows == 0:
        return None
    head = connection.execute(text("SELECT hash FROM audit_event WHERE id = :id"),
                              {"id": last_id}).scalar()
    count = connection.execute(text("SELECT count(*) FROM audit_event WHERE id <= :id"),
                               {"id": last_id}).scalar()
    if head is None:
        top = connection.execute(text("SELECT max(id) FROM audit_event")).scalar() or 0
        if top < last_id:
            return (f"truncated tail: the checkpoint of {at} recorded {rows} rows up to id "
                    f"{last_id}; the table ends at id {top} with {count} of them")
        return f"row {last_id}, the head of the checkpoint of {at}, is missing (deleted)"
    if head != checkpoint["head"]:
        return (f"row {last_id} is not the head the checkpoint of {at} recorded: the rows up "
                "to it were rewritten")
    if count != rows:
        return (f"the checkpoint of {at} recorded {rows} rows up to id {last_id}; the table "
                f"has {count}")
    return None


def _legacy_until(connection: Connection, key: bytes, previous: dict | None) -> int:
    """Where the version-0 run ends: carried from the previous checkpoint once it is closed."""
    after = int(previous.get("legacy_until", 0)) if previous else 0
    if previous and int(previous["last_id"]) > after:
        return after  # keyed rows already followed the run: it cannot grow
    return legacy_run_end(connection, key, after)


def write(app: Flask, connection: Connection) -> dict:
    """Append a signed checkpoint of the chain's head, unless the table lost the last one."""
    key = chain_key(app)
    folder = directory(app)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(folder / FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # several workers: one checks and appends at a time
        previous = latest(folder)
        if previous is not None:
            if not signature_ok(key, previous):
                raise CheckpointRefused("the latest checkpoint is not signed with this key "
                                        "(edited, or AUDIT_HMAC_KEY changed)")
            problem = disagreement(connection, previous)
            if problem:
                raise CheckpointRefused(problem)
        rows, last_id, head = head_of(connection)
        body = {"v": VERSION, "at": now().isoformat(), "rows": rows, "last_id": last_id,
                "head": head, "legacy_until": min(_legacy_until(connection, key, previous),
                                                  last_id)}
        line = dict(body, sig=sign(key, body))
        handle.write(json.dumps(line, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return line


def check_latest(app: Flask, connection: Connection) -> tuple[dict | None, str | None]:
    """(latest checkpoint, what is wrong with the table or the checkpoint, or None)."""
    checkpoint = latest(directory(app))
    if checkpoint is None:
        return None, None
    if not signature_ok(chain_key(app), checkpoint):
        return checkpoint, ("the latest checkpoint is not signed with this key: the checkpoint "
                            "file was edited, or AUDIT_HMAC_KEY is not the one it was made with")
    return checkpoint, disagreement(connection, checkpoint)
