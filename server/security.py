"""Per-request plumbing: request ids, identity, CSRF and the security headers."""
from __future__ import annotations

import uuid

from flask import Flask, g, request

from .auth import scope
from .auth.identity import check_csrf, load_actor

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def init_app(app: Flask) -> None:
    """Wire identity, CSRF, patient scope and headers into every request."""
    scope.init_owners()

    @app.before_request
    def _identify():
        g.request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex
        if request.path.startswith("/api/v1/"):
            load_actor()
            scope.guard()
            check_csrf()

    @app.after_request
    def _headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(self), accelerometer=(self)")
        headers["X-Request-Id"] = g.get("request_id", "")
        if not app.config["DEVELOPMENT"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.path.startswith("/api/v1/"):
            headers.setdefault("Cache-Control", "no-store")
        return response
