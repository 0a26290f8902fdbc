"""Draw a handwriting sample as SVG in CSS pixels, so every sample shares one scale."""
from __future__ import annotations

from xml.sax.saxutils import escape

import numpy as np

STROKE_WIDTH_PX = 2.0


def _path(points: np.ndarray) -> str:
    """An SVG path through the points (a dot for a single point)."""
    if len(points) == 1:
        x, y = points[0]
        return f"M{x:.1f} {y:.1f}h0.01"
    rest = " ".join(f"{x:.1f} {y:.1f}" for x, y in points[1:])
    return f"M{points[0, 0]:.1f} {points[0, 1]:.1f}L{rest}"


def render(data: dict, title: str = "Handwriting sample") -> str:
    """The strokes as one SVG document sized in CSS px (canvas units / dpr).

    Two samples written on different screens are drawn at the same physical-ish scale, so a
    sample and its baseline can be shown side by side at their natural size to compare.
    """
    dpr = float(data["dpr"])
    width = float(data["canvas"]["width"]) / dpr
    height = float(data["canvas"]["height"]) / dpr
    paths = []
    for stroke in data["strokes"]:
        pts = np.asarray(stroke, dtype=float).reshape(-1, 4)[:, :2] / dpr
        paths.append(f'<path d="{_path(pts)}"/>')
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.1f} {height:.1f}" '
        'role="img">'
        f"<title>{escape(title)}</title>"
        f'<rect width="{width:.1f}" height="{height:.1f}" fill="#fff" stroke="#ccc"/>'
        f'<g fill="none" stroke="#111" stroke-width="{STROKE_WIDTH_PX}" '
        'stroke-linecap="round" stroke-linejoin="round">'
        + "".join(paths)
        + "</g></svg>"
    )
