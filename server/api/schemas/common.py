"""Shared pieces of the API's schemas: strict input, flags, free text, zones, timestamps."""
from __future__ import annotations

import re

from marshmallow import RAISE, Schema, ValidationError, fields
from werkzeug.http import http_date

from ...calendar import zone

# A C0 control other than tab, newline and carriage return (and DEL): never typed by a
# person, and NUL cannot be stored in PostgreSQL text at all.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Flag(fields.Boolean):
    """A JSON true/false only: "yes", 1 or "false" are refused rather than guessed at."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):  # 1 == True in Python: test the type, not the value
            raise self.make_error("invalid")
        return value


class FreeText(fields.String):
    """The patient's own words (R-OTHER): trimmed; empty or blank is no observation (None).

    The text is kept as written otherwise: never escaped or rewritten here, because it is
    shown as text (never as HTML) and never leaves in a push payload.
    """

    def __init__(self, max_length: int, **kwargs):
        super().__init__(allow_none=True, **kwargs)
        self.max_length = max_length

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text:
            return None
        if len(text) > self.max_length:
            raise ValidationError(f"at most {self.max_length} characters (got {len(text)})")
        if CONTROL_CHARACTERS.search(text):
            raise ValidationError("must not contain control characters")
        try:  # JSON may carry a lone surrogate ("\ud800"): no database can store it
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError("must be valid Unicode text") from None
        return text


class StrictSchema(Schema):
    """Unknown fields are an error: a stray patient_id or role is refused, never ignored."""

    class Meta:
        unknown = RAISE


def valid_zone(value: str) -> None:
    """Validator: an IANA time zone name."""
    try:
        zone(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


REASON_MAX = 500


class Reason(fields.String):
    """Free text saying why (trimmed, 1-500 characters): kept in the audit, never pushed."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not 1 <= len(text) <= REASON_MAX:
            raise ValidationError(f"give a reason of 1 to {REASON_MAX} characters")
        return text


class Timestamp(fields.DateTime):
    """An instant on the wire, the one way: ISO 8601 as datetime.isoformat() writes it (UTC
    offset +00:00, microseconds when there are any). A string a service already wrote that
    way passes as it is.

    `http_date=True` keeps the HTTP-date form ("Tue, 10 Mar 2026 07:00:00 GMT") of the few
    fields that Flask's JSON encoder wrote before they had a schema (escalation findings and
    ladder): their wire format stays as it was.
    """

    def __init__(self, *, http_date: bool = False, **kwargs):
        if http_date:  # documented as what it is, not as date-time
            kwargs["metadata"] = {"format": "http-date", **kwargs.get("metadata", {})}
        super().__init__(**kwargs)
        self.http_date = http_date

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, str):
            return value
        if self.http_date and value is not None:
            return http_date(value)
        return super()._serialize(value, attr, obj, **kwargs)


class Number(fields.Raw):
    """A JSON number dumped as the service computed it: an int stays 38, never 38.0
    (fields.Float would rewrite it); documented as a number."""

    def __init__(self, **kwargs):
        kwargs["metadata"] = {"type": "number", **kwargs.get("metadata", {})}
        super().__init__(**kwargs)


def Policy(source, kind, *args, **kwargs):  # a field factory, named like a field class
    """A field of kind `kind` whose value is `source()` (the policy's), not the centre's."""

    class _Policy(kind):
        def get_value(self, obj, attr, accessor=None, default=None):
            return source()

    return _Policy(*args, **kwargs)
