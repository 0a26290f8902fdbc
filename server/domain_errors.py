"""Errors the domain code raises without knowing HTTP; server/errors.py gives each its shape."""
from __future__ import annotations


class DomainError(Exception):
    """A refusal by domain code: a status, a code and a message (fields for invalid input)."""

    status = 400
    code = "error"

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields


class NotFound(DomainError):
    """The thing asked for does not exist, or this caller may not know it does."""

    status = 404
    code = "not_found"

    def __init__(self, message: str = "Not found"):
        super().__init__(message)


class WrongState(DomainError):
    """The thing is in a state that does not allow this action (a concurrent change, often)."""

    status = 409
    code = "wrong_state"


class InvalidInput(DomainError):
    """Input that fails a domain check, with a message per field."""

    status = 422
    code = "validation_error"

    def __init__(self, fields: dict[str, list[str]]):
        super().__init__("Invalid input", fields)


def invalid_field(field: str, message: str) -> InvalidInput:
    """A validation error on one named field."""
    return InvalidInput({field: [message]})
