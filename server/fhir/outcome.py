"""OperationOutcome for every error under /fhir, and the FHIR JSON content type.

Errors raised anywhere (our FhirError, the project's ApiError, werkzeug's 404/405, a 500)
leave the app in the project's one JSON error shape; an after-request hook turns that shape
into an OperationOutcome for /fhir paths, so no error path can escape the conversion.
"""
from __future__ import annotations

import json

from flask import Response, request
from werkzeug.exceptions import HTTPException

FHIR_JSON = "application/fhir+json"
ISSUE_CODES = {400: "invalid", 401: "login", 403: "forbidden", 404: "not-found",
               405: "not-supported", 406: "not-supported", 410: "deleted", 413: "too-costly",
               415: "not-supported", 422: "processing", 429: "throttled"}


class FhirError(HTTPException):
    """An error with a FHIR issue code; rendered as an OperationOutcome."""

    def __init__(self, status: int, issue: str, message: str, expression: str | None = None,
                 headers: dict | None = None):
        super().__init__(description=message)
        self.code = status
        self.data = {"code": issue, "message": message,
                     "extra": {"expression": expression} if expression else {}}
        if headers:
            self.data["headers"] = headers


def operation_outcome(status: int, issue: str, message: str, expression: str | None = None,
                      severity: str = "error") -> dict:
    """An OperationOutcome with one issue."""
    item = {"severity": severity, "code": issue, "diagnostics": message}
    if expression:
        item["expression"] = [expression]
    return {"resourceType": "OperationOutcome", "issue": [item]}


def _issue_code(status: int, code: str | None) -> str:
    if code in ISSUE_CODES.values() or code in ("not-supported", "security", "exception",
                                                "expired", "transient", "required"):
        return code
    return ISSUE_CODES.get(status, "exception" if status >= 500 else "invalid")


def to_fhir(response: Response) -> Response:
    """After-request: errors as OperationOutcome (application/fhir+json); success bodies keep
    the type their view chose (resources fhir+json, the export manifest and SMART
    configuration plain JSON, files NDJSON)."""
    if not request.path.startswith("/fhir/"):
        return response
    if response.status_code >= 400 and response.mimetype in ("application/json", FHIR_JSON):
        try:
            body = json.loads(response.get_data())
        except ValueError:
            body = {}
        if body.get("resourceType") != "OperationOutcome":
            error = body.get("error") or {}
            outcome = operation_outcome(
                response.status_code, _issue_code(response.status_code, error.get("code")),
                error.get("message") or "error", error.get("expression"),
                "fatal" if response.status_code >= 500 else "error")
            response.set_data(json.dumps(outcome))
        response.mimetype = FHIR_JSON
    response.headers["Cache-Control"] = "no-store"
    return response
