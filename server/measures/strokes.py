"""The handwriting stroke format, validated: canvas, device pixel ratio, timed pen points.

{"canvas": {"width": W, "height": H}, "dpr": r, "strokes": [[[x, y, t_ms, pressure], ...], ...]}
x, y and the canvas size are in canvas units (CSS px x dpr), y growing downwards; t_ms is any
monotonic clock in milliseconds (performance.now()); pressure 0..1 (0.5 when the screen does not
measure it). Each stroke is one pen-down; the gaps between strokes are pen lifts.
"""
from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from .. import policy as P
from .arrays import RowGroups, StrictSchema


class CanvasSchema(StrictSchema):
    width = fields.Float(required=True, allow_nan=False,
                         validate=validate.Range(1, P.STROKES_CANVAS_MAX))
    height = fields.Float(required=True, allow_nan=False,
                          validate=validate.Range(1, P.STROKES_CANVAS_MAX))


class StrokesSchema(StrictSchema):
    """A handwriting sample; at most 60 s and 20 000 points, all within the canvas."""

    canvas = fields.Nested(CanvasSchema, required=True)
    dpr = fields.Float(required=True, allow_nan=False,
                       validate=validate.Range(*P.STROKES_DPR_RANGE))
    strokes = RowGroups(4, P.STROKES_MAX_STROKES, P.STROKES_MAX_POINTS, required=True)

    @validates_schema
    def _points_are_sane(self, data, **kwargs):
        canvas, strokes = data.get("canvas"), data.get("strokes")
        if not canvas or not strokes:
            return
        tol_x = canvas["width"] * P.STROKES_EDGE_TOLERANCE
        tol_y = canvas["height"] * P.STROKES_EDGE_TOLERANCE
        previous = None
        for i, stroke in enumerate(strokes):
            for x, y, t, pressure in stroke:
                if not -tol_x <= x <= canvas["width"] + tol_x:
                    raise ValidationError(f"stroke {i}: x outside the canvas", "strokes")
                if not -tol_y <= y <= canvas["height"] + tol_y:
                    raise ValidationError(f"stroke {i}: y outside the canvas", "strokes")
                if not 0.0 <= pressure <= 1.0:
                    raise ValidationError(f"stroke {i}: pressure must be 0..1", "strokes")
                if t < 0 or (previous is not None and t < previous):
                    raise ValidationError(f"stroke {i}: time must not go backwards", "strokes")
                previous = t
        span = (strokes[-1][-1][2] - strokes[0][0][2]) / 1000.0
        if span > P.STROKES_MAX_SECONDS:
            raise ValidationError(f"at most {P.STROKES_MAX_SECONDS} s of writing", "strokes")
