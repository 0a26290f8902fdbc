"""Per-request plumbing: request ids, identity, CSRF and the security headers."""
from __future__ import annotations

import re
import uuid

from flask import Flask, g, request

from .auth import scope
from .auth.identity import check_csrf, load_actor
from .errors import ApiError

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


# A client's X-Request-Id is kept (it ties our logs and audit rows to a proxy's) only when it
# is a short plain token; anything else is replaced, so no header can put arbitrary text,
# control characters or a huge value into the audit trail and the logs.
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def request_id() -> str:
    """The caller's X-Request-Id if it is a short token, else a fresh one."""
    given = request.headers.get("X-Request-Id", "")
    return given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_BODY_PREFIX = "/api/v1/channels/twilio/"  # provider callbacks are form-encoded


def check_body() -> None:
    """API bodies are JSON: 415 for another content type, 400 for JSON that does not parse.

    Parsing here (Flask caches the result) also turns pathological nesting, which makes the
    JSON decoder recurse too deep, into a 400 instead of a 500.
    """
    if request.method not in BODY_METHODS:
        return
    has_body = bool(request.content_length) or "chunked" in request.headers.get(
        "Transfer-Encoding", "").lower()
    if not has_body:
        return
    if request.path.startswith(FORM_BODY_PREFIX) and \
            request.mimetype == "application/x-www-form-urlencoded":
        return  # the SMS/voice provider's signed callbacks (server/api/channels.py)
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "Send the body as application/json")
    try:
        request.get_json()
    except RecursionError:
        raise ApiError(400, "bad_request", "Invalid JSON body: nested too deeply") from None


# Static files a page loads that are never a document: a script (also the /shared/ modules the
# apps and the worker import; the service worker itself, whose CSP governs the worker, is
# served at /sw.js, outside these folders), a style sheet, a PNG,
# the manifest; by path, as a 304 has no content type. CSP, frame, referrer and permission
# rules do nothing on them, and ~400 bytes of them on each of the patient app's ~85
# first-load responses were a third of its transfer. nosniff stays.
SUBRESOURCE_SUFFIXES = (".js", ".css", ".png", ".webmanifest")


# The app's own pictures: an SVG opened on its own is a document, so it keeps a CSP, the
# shortest one that lets nothing run or frame it.
IMAGE_CSP = "default-src 'none'; frame-ancestors 'none'"


def _is_subresource(response) -> bool:
    path = request.path
    return path.startswith(("/app/", "/staff/", "/shared/")) and path.endswith(SUBRESOURCE_SUFFIXES)


def _is_static_svg() -> bool:
    return request.path.startswith(("/app/img/", "/staff/icons/")) \
        and request.path.endswith(".svg")


def init_app(app: Flask) -> None:
    """Wire identity, CSRF, patient scope and headers into every request."""
    scope.init_owners()

    @app.before_request
    def _identify():
        g.request_id = request_id()
        if request.path.startswith("/api/v1/"):
            check_body()
            load_actor()
            scope.guard()
            check_csrf()

    @app.after_request
    def _headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        if _is_static_svg():
            headers.setdefault("Content-Security-Policy", IMAGE_CSP)
        elif not _is_subresource(response):
            headers.setdefault("Content-Security-Policy", CSP)
            headers.setdefault("Referrer-Policy", "no-referrer")
            headers.setdefault("X-Frame-Options", "DENY")
            headers.setdefault("Permissions-Policy", "camera=(self), accelerometer=(self)")
            headers["X-Request-Id"] = g.get("request_id", "")
        if not app.config["DEVELOPMENT"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.path.startswith("/api/v1/"):
            headers.setdefault("Cache-Control", "no-store")
        return response
