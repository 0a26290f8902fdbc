"""Who commits: the request, the job or the command that did the work, never a service.

A request's work commits once, after its view answered with a success (status < 400); a
refused or failed request rolls back. Two things outlive a refusal: audit events recorded
with `refuse()` (written after the rollback, in the same transaction as the commit), and a
request that called `keep()` because its writes are the refusal itself (a failed-login
count). `after_commit(fn)` runs `fn` once the work is durable (wake the immediate sender).

Outside a request (the worker, CLI commands, the replay, a test calling a service), `job()`
owns the transaction the same way: commit at the end of the block, roll back on an
exception, then run the after-commit callbacks.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, g, has_request_context

from .audit import trail as audit
from .extensions import db


class _Pending:
    """What the current request or job will do at its end besides commit its work."""

    def __init__(self) -> None:
        self.refusals: list[tuple[str, dict[str, Any]]] = []
        self.after: list[Callable[[], None]] = []
        self.keep = False


class _Jobs(threading.local):
    def __init__(self) -> None:
        self.open: list[_Pending] = []  # this thread's job() blocks, innermost last


_jobs = _Jobs()


def _pending() -> _Pending | None:
    if has_request_context():
        if "transaction" not in g:
            g.transaction = _Pending()
        return g.transaction
    return _jobs.open[-1] if _jobs.open else None


def refuse(action: str, **kwargs: Any) -> None:
    """Audit a refusal (outcome "denied") that must be kept although the work is rolled back.

    Outside a request or job the event is written at once, in a transaction of its own.
    """
    kwargs.setdefault("outcome", "denied")
    pending = _pending()
    if pending is not None:
        pending.refusals.append((action, kwargs))
        return
    db.session.rollback()
    audit.record(action, **kwargs)
    db.session.commit()


def keep() -> None:
    """Commit this request's writes even though it answers with a refusal (4xx)."""
    pending = _pending()
    if pending is not None:
        pending.keep = True


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the current work is committed (at once outside a request/job)."""
    pending = _pending()
    if pending is None:
        callback()
    else:
        pending.after.append(callback)


def _end(pending: _Pending | None, succeeded: bool) -> None:
    """Commit (or roll back, then keep the refusals); run the after-commit callbacks."""
    kept = succeeded or (pending is not None and pending.keep)
    if not kept:
        db.session.rollback()
    if pending is not None:
        for action, kwargs in pending.refusals:
            audit.record(action, **kwargs)
        pending.refusals.clear()
    db.session.commit()
    if pending is not None and kept:
        callbacks, pending.after = pending.after, []
        for callback in callbacks:
            callback()


def commit_batch() -> None:
    """Commit a finished batch of a long job (the due-work pass): its batch boundaries are
    part of its locking design, so the job decides them; services never commit."""
    db.session.commit()


def finish_request(response):
    """after_request: the request's one commit; a failing commit answers like any error."""
    from .errors import unexpected_error_response

    pending = g.pop("transaction", None)
    try:
        _end(pending, response.status_code < 400)
    except Exception as exc:  # the commit itself failed: nothing of the request is kept
        return unexpected_error_response(exc)
    return response


@contextmanager
def job() -> Iterator[None]:
    """Own the transaction of work done outside a request: commit at the end, or roll back."""
    pending = _Pending()
    _jobs.open.append(pending)
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    finally:
        _jobs.open.remove(pending)
    _end(pending, True)


def init_app(app: Flask) -> None:
    """Register last, so the commit runs before the other after_request handlers (Flask runs
    them in reverse order) and a failed commit's error response still gets their headers."""
    app.after_request(finish_request)

    @app.teardown_request
    def _discard(exc):  # an exception no handler turned into a response
        if exc is not None:
            db.session.rollback()
