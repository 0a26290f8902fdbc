"""The scenario file's shape (FORMAT.md) as marshmallow schemas: a bad file names its field."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from marshmallow import INCLUDE, RAISE, Schema, ValidationError, fields, validate

from .. import policy as P
from ..calendar import zone
from ..models.people import PRODUCTS

ACTIONS = ("acknowledge", "unacknowledge", "resolve")


class ScenarioError(ValueError):
    """The scenario file does not follow FORMAT.md; the message starts with the field's path."""


def parse_time(value) -> dt.datetime:
    """An ISO 8601 time with a UTC offset, as UTC; ValidationError otherwise."""
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(f"not an ISO 8601 time: {value!r}") from None
    if parsed.tzinfo is None:
        raise ValidationError(f"needs a UTC offset: {value!r}")
    return parsed.astimezone(dt.UTC)


class Time(fields.Field):
    """An ISO 8601 time with a UTC offset, loaded as an aware UTC datetime."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError(f"not an ISO 8601 time: {value!r}")
        return parse_time(value)


class Whole(fields.Integer):
    """An integer that is not a boolean (JSON true is no count)."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def _time_text(value) -> None:
    """A time kept as text (the admin API reads it) but checked here."""
    parse_time(value)


def _known_zone(value) -> None:
    try:
        zone(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class BaselineSchema(_Strict):
    ice = Whole(validate=validate.Range(0, P.ICE_MAX))


class PatientSchema(_Strict):
    infused_at = Time(required=True)
    enrolled_at = Time()
    product = fields.String(required=True, validate=validate.OneOf(
        PRODUCTS, error=f"one of {', '.join(PRODUCTS)}"))
    timezone = fields.String(required=True, validate=_known_zone)
    caregivers = Whole(validate=validate.Range(0, 20))
    baseline = fields.Nested(BaselineSchema)
    window_days = Whole(validate=validate.Range(0, P.MAX_WINDOW_DAYS))


class StaffSchema(_Strict):
    handle = fields.String(required=True)
    tier = Whole()
    on_duty = fields.Boolean(truthy={True}, falsy={False})
    role = fields.String()


class EventSchema(_Strict):
    at = Time(required=True)
    by = fields.String(required=True)
    checkin = fields.Dict(keys=fields.String())  # its contents are the API's to judge
    do = fields.String()
    outcome = fields.String()
    note = fields.String()


class CentreSchema(_Strict):
    phone_24h = fields.String()
    emergency_number = fields.String()
    threshold_overrides = fields.Dict(keys=fields.String())
    schedule = fields.Raw()  # these four are checked by clinical.centre_settings
    ack_lapse_hours = fields.Raw()
    proximity_days = fields.Raw()
    driving_days = fields.Raw()


class RotaSchema(Schema):
    """tier and people here; the rest (pattern, handoffs, ...) is the admin API's."""

    class Meta:
        unknown = INCLUDE

    tier = Whole(required=True)
    people = fields.List(fields.String(), required=True)


class OverrideSchema(Schema):
    class Meta:
        unknown = INCLUDE

    tier = Whole(required=True)
    staff = fields.String(allow_none=True)
    starts_at = fields.String(validate=_time_text)
    ends_at = fields.String(validate=_time_text)


class ScenarioSchema(_Strict):
    name = fields.String()
    about = fields.String()
    expect = fields.Raw()  # never read: checking is done outside the project
    patient = fields.Nested(PatientSchema, required=True)
    until = Time(required=True)
    staff = fields.List(fields.Nested(StaffSchema))
    events = fields.List(fields.Nested(EventSchema))
    centre = fields.Nested(CentreSchema)
    rotas = fields.List(fields.Nested(RotaSchema))
    overrides = fields.List(fields.Nested(OverrideSchema))


@dataclass
class Scenario:
    """A parsed, validated scenario."""

    patient: dict
    infused_at: dt.datetime
    enrolled_at: dt.datetime
    until: dt.datetime
    staff: list[dict]
    events: list[dict]
    centre: dict = field(default_factory=dict)
    rotas: list[dict] = field(default_factory=list)
    overrides: list[dict] = field(default_factory=list)


def first_problem(messages, path: str = "") -> str:
    """'path: message' for the first error of a marshmallow messages tree."""
    if isinstance(messages, dict):
        key, inner = next(iter(messages.items()))
        if key == "_schema":
            step = ""
        elif isinstance(key, int):
            step = f"[{key}]"
        else:
            step = f".{key}" if path else str(key)
        return first_problem(inner, path + step)
    if isinstance(messages, list):
        if messages and not isinstance(messages[0], str):
            return first_problem(messages[0], path)
        messages = messages[0] if messages else "invalid"
    return f"{path or 'the scenario'}: {messages}"


def load(data) -> dict:
    """The document loaded by ScenarioSchema; ScenarioError naming the first bad field."""
    if not isinstance(data, dict):
        raise ScenarioError("the scenario: must be a JSON object")
    try:
        return ScenarioSchema().load(data)
    except ValidationError as exc:
        raise ScenarioError(first_problem(exc.messages)) from None
