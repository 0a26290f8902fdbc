"""One JSON error shape for every error: {"error": {status, code, message, fields?}}."""
from __future__ import annotations

from typing import Any

from flask import Flask, current_app, jsonify
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException, InternalServerError

from .domain_errors import DomainError


class ErrorDetail(Schema):
    """The inside of the one error shape."""

    status = fields.Integer(required=True)
    code = fields.String(required=True)
    message = fields.String(required=True)
    field_messages = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                                 data_key="fields")
    contact = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "410 monitoring_ended: centre_name, centre_phone, emergency_number"})


class ErrorResponse(Schema):
    """The one error shape, as documented in the OpenAPI document for every error."""

    error = fields.Nested(ErrorDetail, required=True)


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow's nested messages into {"temperature.value": ["..."]}."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key in ("json", "query", "headers", "form", "files", "path") and not prefix:
                out.update(flatten_messages(value, ""))
                continue
            name = str(key) if key != "_schema" else ""
            path = ".".join(p for p in (prefix, name) if p)
            out.update(flatten_messages(value, path))
    elif isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages):
        out.setdefault(prefix or "_body", []).extend(messages)
    elif isinstance(messages, list):
        for item in messages:
            out.update(flatten_messages(item, prefix))
    else:
        out.setdefault(prefix or "_body", []).append(str(messages))
    return out


def error_body(status: int, code: str, message: str, fields: dict | None = None) -> dict:
    """Build the one error shape."""
    body: dict[str, Any] = {"status": status, "code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def http_error_response(exc: HTTPException):
    """Render any HTTPException (including smorest's 422) as the JSON error shape."""
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    fields = None
    if "messages" in data:
        fields = flatten_messages(data["messages"])
    elif "fields" in data:
        fields = data["fields"]
    code = data.get("code") if isinstance(data.get("code"), str) else None
    if code is None:
        code = "validation_error" if status == 422 else (exc.name or "error").lower()
        code = code.replace(" ", "_")
    message = data.get("message") or exc.description or exc.name
    body = error_body(status, code, message, fields)
    body["error"].update(data.get("extra") or {})
    response = jsonify(body)
    response.status_code = status
    for key, value in (data.get("headers") or {}).items():
        response.headers[key] = value
    if status == 429 and getattr(exc, "retry_after", None):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def domain_error_response(exc: DomainError):
    """Render a domain refusal exactly as the ApiError of the same status and code."""
    return http_error_response(ApiError(exc.status, exc.code, exc.message, exc.fields))


def init_app(app: Flask) -> None:
    """Register the handlers that give every error the same shape."""
    app.register_error_handler(HTTPException, http_error_response)
    app.register_error_handler(DomainError, domain_error_response)

    app.register_error_handler(Exception, unexpected_error_response)


def unexpected_error_response(exc: Exception):
    """Roll the request's work back and answer 503 (database down or busy) or 500."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    app = current_app
    # The request's work is lost either way; on PostgreSQL a failed statement also leaves
    # the transaction aborted, so anything sharing the session would fail after it.
    try:
        app.extensions["sqlalchemy"].session.rollback()
    except Exception:  # a dead connection: the session is discarded at teardown
        app.logger.warning("rollback after an error failed")
    if isinstance(exc, OperationalError | DBAPIError) and _is_connection_error(exc):
        app.logger.warning("database unavailable: %s", type(exc).__name__)
        response = jsonify(error_body(503, "unavailable", "Database unavailable, retry"))
        response.status_code = 503
        response.headers["Retry-After"] = "5"
        return response
    if isinstance(exc, DBAPIError) and _is_transient_conflict(exc):
        app.logger.warning("database conflict, client asked to retry: %s",
                           type(getattr(exc, "orig", exc)).__name__)
        response = jsonify(error_body(503, "busy", "The database was busy, retry"))
        response.status_code = 503
        response.headers["Retry-After"] = "1"
        return response
    app.logger.exception("unhandled error")
    return http_error_response(InternalServerError())


# PostgreSQL deadlock_detected, serialization_failure, lock_not_available: the transaction
# was rolled back and a retry is expected to succeed (the PWA outbox retries any 503).
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001", "55P03"})


def _is_transient_conflict(exc: Exception) -> bool:
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlstate", None) in RETRYABLE_SQLSTATES or (
        "database is locked" in str(orig))  # SQLite's busy timeout ran out


def _is_connection_error(exc: Exception) -> bool:
    return bool(getattr(exc, "connection_invalidated", False)) or "connect" in str(
        getattr(exc, "orig", exc)
    ).lower() or "terminat" in str(getattr(exc, "orig", exc)).lower()


class ApiError(HTTPException):
    """An HTTP error raised by services with a code, message and optional fields."""

    def __init__(self, status: int, code: str, message: str, fields: dict | None = None,
                 extra: dict | None = None):
        super().__init__(description=message)
        self.code = status
        self.data = {"code": code, "message": message}
        if fields:
            self.data["fields"] = fields
        if extra:  # further keys of the error object, documented in ErrorDetail
            self.data["extra"] = extra


def field_error(field: str, message: str, status: int = 422) -> ApiError:
    """Shortcut for a validation error on one named field."""
    return ApiError(status, "validation_error", "Invalid input", {field: [message]})
