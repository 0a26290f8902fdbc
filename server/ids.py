"""Database ids at the edge: a URL converter and a schema field bounded to the id column's range.

Every primary key is an `integer` column: PostgreSQL's is 32-bit and SQLite's driver cannot
bind a value beyond 64 bits. An id outside 1..2**31-1 cannot name a row on any supported
database, so it is refused where it enters (404 for a path, 422 naming the field for a query
or body), before a query can overflow into a 500.
"""
from __future__ import annotations

from flask import Flask
from marshmallow import fields, validate
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL `integer`, the narrowest id column we run on


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: digits in 1..MAX_ID, otherwise the URL does not match."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = 1,
                 max: int | None = MAX_ID, signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class Id(fields.Integer):
    """An id in a query string or body: an integer in 1..MAX_ID (OpenAPI shows the range)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("validate", validate.Range(1, MAX_ID))
        super().__init__(**kwargs)


def init_app(app: Flask) -> None:
    """Make `int` the bounded converter; must run before any blueprint adds its routes."""
    app.url_map.converters["int"] = IdConverter
