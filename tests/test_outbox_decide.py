"""outbox.decide: a row's send results -> its next state, case by case (pure: no database)."""
from __future__ import annotations

import datetime as dt

import pytest

from notifications import SendResult
from server.outbox.decide import backoff, decide
from server.outbox.rows import Job, Row

AT = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
TTL = dt.timedelta(hours=1)
OK = SendResult("ok", 201)
GONE = SendResult("gone", 410, error="subscription expired or unsubscribed")
RETRY = SendResult("retry", 503, error="busy")
RETRY_60 = SendResult("retry", 429, retry_after=60, error="slow down")
RETRY_NO_TEXT = SendResult("retry", 503)
BUG = SendResult("bug", 400, error="request refused (400)")
LONG = SendResult("bug", 400, error="x" * 300)


def row(targets=1, before=False, channel=None, attempts=1, age=dt.timedelta(minutes=1)):
    job = Job(7, "staff", 3, 11, "escalation", "high", None, {}, AT - age, attempts, channel)
    return Row(job, [(i, {}) for i in range(targets)], before)


CASES = [  # (name, row, results, state, error, flag, next attempt after AT, sent_at)
    ("nobody to send to", row(0), [], "undeliverable", "no working subscription",
     "no_subscription", None, None),
    ("channel unusable", row(0, channel="sms"), [], "undeliverable", "sms not usable",
     "channel_failed", None, None),
    ("nobody left, reached before", row(0, before=True), [], "sent", None, None, None, None),
    ("one ok", row(1), [OK], "sent", None, None, None, AT),
    ("ok and gone", row(2), [OK, GONE], "sent", None, None, None, AT),
    ("ok, reached before: sent_at kept", row(1, before=True), [OK], "sent", None, None,
     None, None),
    ("all gone", row(2), [GONE, GONE], "failed", GONE.error, "subscription_gone", None, None),
    ("gone and refused", row(2), [GONE, BUG], "failed", BUG.error, "push_refused", None,
     None),
    ("refused", row(1), [BUG], "failed", BUG.error, "push_refused", None, None),
    ("refused, long error cut", row(1), [LONG], "failed", "x" * 200, "push_refused", None,
     None),
    ("channel refused", row(1, channel="voice"), [BUG], "failed", BUG.error,
     "channel_failed", None, None),
    ("gone, reached before", row(1, before=True), [GONE], "sent", None, None, None, None),
    ("retry: first backoff", row(1), [RETRY], "retry", "busy", None,
     dt.timedelta(seconds=5), None),
    ("retry: third attempt", row(1, attempts=3), [RETRY], "retry", "busy", None,
     dt.timedelta(seconds=20), None),
    ("retry: backoff capped", row(1, attempts=20), [RETRY], "retry", "busy", None,
     dt.timedelta(minutes=10), None),
    ("retry-after beats backoff", row(1), [RETRY_60], "retry", "slow down", None,
     dt.timedelta(seconds=60), None),
    ("backoff beats a short retry-after", row(1, attempts=5), [RETRY_60], "retry",
     "slow down", None, dt.timedelta(seconds=80), None),
    ("retry without text stores ''", row(1), [RETRY_NO_TEXT], "retry", "", None,
     dt.timedelta(seconds=5), None),
    ("ok and retry: retried, sent now", row(2), [OK, RETRY], "retry", "busy", None,
     dt.timedelta(seconds=5), AT),
    ("last retry's error kept", row(2), [RETRY, RETRY_60], "retry", "slow down", None,
     dt.timedelta(seconds=60), None),
    ("retry past the TTL: expired", row(1, age=TTL), [RETRY], "expired", "busy",
     "push_failed", None, None),
    ("channel retry past the TTL", row(1, channel="sms", age=TTL), [RETRY], "expired",
     "busy", "channel_failed", None, None),
    ("retry past the TTL, one ok: sent", row(2, age=TTL), [OK, RETRY], "sent", "busy", None,
     None, AT),
    ("retry past the TTL, reached before", row(1, before=True, age=2 * TTL), [RETRY], "sent",
     "busy", None, None, None),
    ("retry just inside the TTL", row(1, age=TTL - dt.timedelta(seconds=1)), [RETRY],
     "retry", "busy", None, dt.timedelta(seconds=5), None),
]


@pytest.mark.parametrize(("name", "the_row", "results", "state", "error", "flag", "wait",
                          "sent_at"), CASES, ids=[c[0] for c in CASES])
def test_decide(name, the_row, results, state, error, flag, wait, sent_at):
    got = decide(the_row, results, AT, TTL)
    assert (got.state, got.error, got.flag) == (state, error, flag)
    assert got.next_attempt_at == (None if wait is None else AT + wait)
    assert got.sent_at == sent_at


def test_backoff_doubles_to_ten_minutes():
    assert [backoff(n).total_seconds() for n in (0, 1, 2, 3, 7, 8, 50)] == \
        [5, 5, 10, 20, 320, 600, 600]
