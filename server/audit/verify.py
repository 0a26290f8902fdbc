"""Recompute the keyed audit chain and name what is wrong: an edited row, a re-chained run.

Each row's hash is checked against the audit key. A row whose hash fits neither the key nor
the old unkeyed formula was edited; several such rows in a row were re-chained (rewritten
with hashes made under another key: only the first of them may have been edited, but nothing
after it can be trusted). A row hashed the old unkeyed way after keyed rows is a re-chained
run too: someone recomputed plain SHA-256, which they can, not the keyed hash, which they
cannot. Old rows at the start of the table (chain version 0, written before the key existed)
are accepted as they are (see `chain`): up to the id where the signed checkpoints say
that run ended, or, before the first checkpoint, only ahead of every keyed row. The tail is
checked against the latest signed checkpoint by `checkpoints`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Connection

from .chain import FIELDS, GENESIS, legacy_row_hash, row_hash
from .model import AuditEvent


@dataclass
class ChainReport:
    """What a walk over the chain found."""

    checked: int = 0
    legacy_rows: int = 0  # version-0 rows at the start, accepted
    problems: list[dict] = field(default_factory=list)


@dataclass
class _Run:
    """Consecutive rows whose hashes do not verify under the key."""

    first: int
    last: int
    unkeyed: bool
    count: int = 1

    def problem(self) -> dict:
        if self.unkeyed:
            what = (f"{self.count} rows re-chained" if self.count > 1 else "re-hashed") + \
                " with the old unkeyed hash after keyed rows (version 0 is accepted only at " \
                "the start of the chain)"
        elif self.count == 1:
            what = "content does not match its hash (row edited)"
        else:
            what = (f"{self.count} rows re-chained: their hashes were not made with this key "
                    "(the first was edited or inserted, or AUDIT_HMAC_KEY is not the chain's "
                    "key)")
        found = {"id": self.first, "problem": what}
        if self.count > 1:
            found["last_id"] = self.last
        return found


def legacy_run_end(connection: Connection, key: bytes, after: int = 0,
                   batch: int = 5000) -> int:
    """The last id of the unbroken version-0 run that goes on from row `after` (0: the start)."""

    table = AuditEvent.__table__
    prev = GENESIS if after == 0 else connection.execute(
        select(table.c.hash).where(table.c.id == after)).scalar()
    end = after
    while True:
        rows = connection.execute(
            select(table).where(table.c.id > end).order_by(table.c.id).limit(batch)
        ).mappings().all()
        for row in rows:
            values = {name: row[name] for name in FIELDS}
            if row["prev_hash"] != prev or legacy_row_hash(prev, values) != row["hash"] \
                    or row_hash(prev, values, key) == row["hash"]:
                return end
            prev, end = row["hash"], row["id"]
        if not rows:
            return end


def verify_chain(connection: Connection, key: bytes, legacy_until: int | None = None,
                 batch: int = 5000) -> ChainReport:
    """Walk the chain from the first row under `key`; report every problem in id order.

    `legacy_until`: the last id of the version-0 run, from a signed checkpoint; None before
    the first checkpoint (version 0 is then accepted only ahead of every keyed row).
    """

    table = AuditEvent.__table__
    report = ChainReport()
    run: _Run | None = None
    prev, last_id, keyed_seen = GENESIS, 0, False

    def close() -> None:
        nonlocal run
        if run is not None:
            report.problems.append(run.problem())
            run = None

    while True:
        rows = connection.execute(
            select(table).where(table.c.id > last_id).order_by(table.c.id).limit(batch)
        ).mappings().all()
        if not rows:
            close()
            return report
        for row in rows:
            if row["prev_hash"] != prev:
                close()
                report.problems.append({"id": row["id"], "problem": "broken link (the row "
                                        "before it was removed or this one inserted out of "
                                        "band)"})
            values = {name: row[name] for name in FIELDS}
            start = row["prev_hash"] or GENESIS
            if row_hash(start, values, key) == row["hash"]:
                keyed_seen = True
                close()
            elif (not keyed_seen if legacy_until is None else row["id"] <= legacy_until) \
                    and legacy_row_hash(start, values) == row["hash"]:
                report.legacy_rows += 1
                close()
            else:
                unkeyed = legacy_row_hash(start, values) == row["hash"]
                if run is not None and run.unkeyed == unkeyed:
                    run.last, run.count = row["id"], run.count + 1
                else:
                    close()
                    run = _Run(row["id"], row["id"], unkeyed)
            prev = row["hash"] or ""
            last_id = row["id"]
            report.checked += 1


def verify(connection: Connection, key: bytes | None = None) -> tuple[int, list[dict]]:
    """(rows checked, problems) of the chain under `key` (default: this app's audit key)."""
    from .chain import chain_key

    report = verify_chain(connection, key or chain_key())
    return report.checked, report.problems
