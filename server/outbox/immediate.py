"""Immediate dispatch from the web process: one background thread per app runs a pass.

After a commit that wrote urgent intents, the request calls `kick()`; the thread runs
`passes.run_pass(housekeeping=False)` off the request thread. The worker's periodic pass
is the safety net (and the only dispatcher under tests and scenario replays).
"""
from __future__ import annotations

import logging
import threading

from flask import Flask, current_app

from .. import clock
from ..extensions import db
from . import passes

log = logging.getLogger("server.outbox")


class _Kicker:
    """One background thread per app that runs a pass whenever it is kicked."""

    def __init__(self, app: Flask):
        self.app = app
        self.event = threading.Event()
        self.stopped = False
        self.thread = threading.Thread(target=self._loop, name="push-dispatch", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while True:
            self.event.wait()
            self.event.clear()
            if self.stopped:
                return
            with self.app.app_context():
                try:
                    passes.run_pass(housekeeping=False)
                except Exception:  # the worker's periodic pass is the safety net
                    log.exception("immediate dispatch failed")
                finally:
                    db.session.remove()

    def stop(self) -> None:
        """End the thread (tests)."""
        self.stopped = True
        self.event.set()
        self.thread.join(timeout=10)


_kick_lock = threading.Lock()


def immediate_enabled(app: Flask) -> bool:
    """NOTIFICATIONS_IMMEDIATE if set; else on, except under tests or a virtual clock."""
    setting = app.config.get("NOTIFICATIONS_IMMEDIATE")
    if setting is not None:
        return bool(setting)
    return not app.config.get("TESTING") and not clock.is_virtual()


def _kicker(app: Flask) -> _Kicker | None:
    if not immediate_enabled(app):
        return None
    kicker = app.extensions.get("cartwatch.dispatch_kicker")
    if kicker is None or kicker.stopped:
        with _kick_lock:
            kicker = app.extensions.get("cartwatch.dispatch_kicker")
            if kicker is None or kicker.stopped:
                kicker = app.extensions["cartwatch.dispatch_kicker"] = _Kicker(app)
                kicker.event.set()  # a first, empty pass: connection and statements warm
    return kicker


def warm_up() -> None:
    """Before a request (so after any fork): start this process's dispatch thread."""
    _kicker(current_app._get_current_object())


def kick() -> bool:
    """After a commit that wrote urgent intents: dispatch now, off the request thread."""
    kicker = _kicker(current_app._get_current_object())
    if kicker is None:
        return False
    kicker.event.set()
    return True


def stop_kicker(app: Flask) -> None:
    """Stop the app's immediate-dispatch thread, if any."""
    kicker = app.extensions.pop("cartwatch.dispatch_kicker", None)
    if kicker is not None:
        kicker.stop()
