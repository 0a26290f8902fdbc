"""The pure rule that turns a row's send results into its next state (no database, no clock)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .rows import Row

BACKOFF_BASE_SECONDS = 5
BACKOFF_MAX_SECONDS = 600


@dataclass(frozen=True)
class Next:
    """A row's next state: final (`sent`, `failed`, …) or `retry` at `next_attempt_at`."""

    state: str
    error: str | None = None  # last_error as stored
    flag: str | None = None  # why the recipient was unreachable (flags a staff alert)
    next_attempt_at: dt.datetime | None = None  # `retry` only
    sent_at: dt.datetime | None = None  # the first delivery happened now


def backoff(attempts: int) -> dt.timedelta:
    """Exponential backoff after `attempts` tries: 5 s, 10 s, 20 s … at most 10 min."""
    seconds = BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1)
    return dt.timedelta(seconds=min(BACKOFF_MAX_SECONDS, seconds))


def _stored(error: str | None) -> str | None:
    return (error or None) and error[:200]


def decide(row: Row, results: list, at: dt.datetime, ttl: dt.timedelta) -> Next:
    """The next state of `row` once every target answered with `results` at `at`.

    No target and none reached before: undeliverable. Any `retry` answer: retried after the
    backoff (or the longest Retry-After), unless the row is older than `ttl` (the push
    service would drop it by now): then sent if anybody got it, else expired. Otherwise sent
    if anybody got it, else failed (gone if every subscription is gone).
    """
    job, delivered_before = row.job, row.delivered_before
    channel = job.channel_kind is not None
    if not row.todo and not delivered_before:
        return Next("undeliverable",
                    f"{job.channel_kind} not usable" if channel else "no working subscription",
                    flag="channel_failed" if channel else "no_subscription")
    delivered = delivered_before or any(r.ok for r in results)
    retries = [r for r in results if r.outcome == "retry"]
    sent_at = at if any(r.ok for r in results) and not delivered_before else None
    if retries:
        if at - job.created_at >= ttl:
            return Next("sent" if delivered else "expired", _stored(retries[-1].error),
                        flag=None if delivered else
                        "channel_failed" if channel else "push_failed", sent_at=sent_at)
        wait = max([backoff(job.attempts)] + [dt.timedelta(seconds=r.retry_after)
                                              for r in retries if r.retry_after])
        return Next("retry", (retries[-1].error or "")[:200], next_attempt_at=at + wait,
                    sent_at=sent_at)
    if delivered:
        return Next("sent", sent_at=sent_at)
    gone = all(r.outcome == "gone" for r in results)
    return Next("failed", _stored(results[-1].error if results else None),
                flag="channel_failed" if channel else
                "subscription_gone" if gone else "push_refused")
