"""A marshmallow field for arrays of fixed-width numeric rows, checked fast and strictly."""
from __future__ import annotations

import math
from numbers import Real

from marshmallow import RAISE, Schema, ValidationError, fields


class StrictSchema(Schema):
    """Unknown keys are an error (like the check-in schemas)."""

    class Meta:
        unknown = RAISE


def _row(value, width: int, where: str) -> list[float]:
    if not isinstance(value, list) or len(value) != width:
        raise ValidationError(f"{where}: must be a list of {width} numbers")
    out = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, Real):
            raise ValidationError(f"{where}: must be a list of {width} numbers")
        number = float(item)
        if not math.isfinite(number):
            raise ValidationError(f"{where}: numbers must be finite")
        out.append(number)
    return out


class Rows(fields.Field):
    """A list of rows, each a list of `width` finite numbers (not booleans), at most max_rows."""

    def __init__(self, width: int, max_rows: int, **kwargs):
        super().__init__(**kwargs)
        self.width, self.max_rows = width, max_rows

    def _deserialize(self, value, attr, data, **kwargs) -> list[list[float]]:
        if not isinstance(value, list):
            raise ValidationError("must be a list")
        if len(value) > self.max_rows:
            raise ValidationError(f"at most {self.max_rows} rows")
        return [_row(row, self.width, f"row {i}") for i, row in enumerate(value)]


class RowGroups(fields.Field):
    """A list of groups (strokes), each a non-empty list of rows of `width` numbers."""

    def __init__(self, width: int, max_groups: int, max_rows: int, **kwargs):
        super().__init__(**kwargs)
        self.width, self.max_groups, self.max_rows = width, max_groups, max_rows

    def _deserialize(self, value, attr, data, **kwargs) -> list[list[list[float]]]:
        if not isinstance(value, list) or not value:
            raise ValidationError("must be a non-empty list of strokes")
        if len(value) > self.max_groups:
            raise ValidationError(f"at most {self.max_groups} strokes")
        total, out = 0, []
        for i, group in enumerate(value):
            if not isinstance(group, list) or not group:
                raise ValidationError(f"stroke {i}: must be a non-empty list of points")
            total += len(group)
            if total > self.max_rows:
                raise ValidationError(f"at most {self.max_rows} points in all")
            out.append([_row(row, self.width, f"stroke {i} point {j}")
                        for j, row in enumerate(group)])
        return out
