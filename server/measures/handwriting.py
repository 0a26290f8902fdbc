"""Handwriting features from pen strokes: size and its trend, slant, drift, lifts, speed, jitter.

All geometry is in CSS pixels (canvas units / dpr) so samples from different screens share a
scale. Shape features use the ink resampled evenly along its length (independent of pen speed
and of the device's event rate); the tremor index uses the pen path resampled evenly in time.
"""
from __future__ import annotations

import math

import numpy as np

from .. import policy as P

INK_STEP_PX = 0.5  # arc-length resampling step
MAX_INK_POINTS = 100_000  # a longer (absurd) path gets a coarser step: bounded work
SEGMENTS = 8  # slices of the line for the size trend and the baseline drift
TIME_STEP_S = 0.01  # time resampling for the tremor index (100 Hz)


def _strokes(data: dict) -> list[np.ndarray]:
    """Strokes as arrays of (x_px, y_px, t_s), y upwards, in CSS pixels."""
    dpr = float(data["dpr"])
    out = []
    for stroke in data["strokes"]:
        arr = np.asarray(stroke, dtype=float).reshape(-1, 4)
        if len(arr):
            out.append(np.column_stack([arr[:, 0] / dpr, -arr[:, 1] / dpr, arr[:, 2] / 1000.0]))
    return out


def _ink_step(strokes: list[np.ndarray]) -> float:
    """The resampling step: 0.5 px, coarser when the path is absurdly long."""
    total = sum(float(np.hypot(*np.diff(s[:, :2], axis=0).T).sum()) for s in strokes)
    return max(INK_STEP_PX, total / MAX_INK_POINTS)


def _ink(strokes: list[np.ndarray], step: float) -> np.ndarray:
    """All ink as points evenly spaced along each stroke (x, y)."""
    parts = []
    for s in strokes:
        xy = s[:, :2]
        seg = np.hypot(*np.diff(xy, axis=0).T) if len(xy) > 1 else np.zeros(0)
        length = float(seg.sum())
        if length < step:
            parts.append(xy[:1])
            continue
        along = np.concatenate([[0.0], np.cumsum(seg)])
        at = np.arange(0.0, length, step)
        parts.append(np.column_stack([np.interp(at, along, xy[:, 0]),
                                      np.interp(at, along, xy[:, 1])]))
    return np.vstack(parts) if parts else np.zeros((0, 2))


def _segments(ink: np.ndarray) -> list[tuple[float, float, float]]:
    """Per slice of the line: (centre x, core height, core bottom)."""
    x, y = ink[:, 0], ink[:, 1]
    edges = np.linspace(x.min(), x.max(), SEGMENTS + 1)
    out = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        inside = (x >= lo) & (x <= hi)
        if inside.sum() < 20:
            continue
        low, high = np.percentile(y[inside], [15, 85])
        if high - low > 0:
            out.append(((lo + hi) / 2, float(high - low), float(low)))
    return out


def _slant(ink: np.ndarray, step: float) -> float:
    """Mean slant of the near-vertical strokes, degrees from vertical (positive = forward)."""
    d = np.diff(ink, axis=0)
    d = d[np.hypot(d[:, 0], d[:, 1]) < 2 * step]  # drop jumps between strokes
    steep = np.abs(d[:, 1]) > np.abs(d[:, 0])
    dx, dy = d[steep, 0], d[steep, 1]
    if not len(dy):
        return 0.0
    return math.degrees(math.atan(float(np.sum(dx * dy) / np.sum(dy * dy))))


def _band(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """The part of a evenly sampled signal between two frequencies (FFT, mirrored ends)."""
    n = len(values)
    mirrored = np.concatenate([values, values[::-1]])  # no jump at the ends to leak
    spectrum = np.fft.rfft(mirrored - mirrored.mean())
    freqs = np.fft.rfftfreq(2 * n, TIME_STEP_S)
    spectrum[(freqs < low) | (freqs > high)] = 0
    return np.fft.irfft(spectrum, 2 * n)[:n]


def _timed(strokes: list[np.ndarray]):
    """Each stroke long enough to analyse, as (x, y) resampled evenly in time."""
    for s in strokes:
        t = s[:, 2]
        if t[-1] - t[0] < 0.5:  # too short to tell
            continue
        grid = np.arange(t[0], t[-1], TIME_STEP_S)
        yield np.interp(grid, t, s[:, 0]), np.interp(grid, t, s[:, 1])


def rhythm_hz(strokes: list[np.ndarray]) -> float | None:
    """The writing's own rhythm: median frequency of the pen velocity's power below 5 Hz.

    Counted below 5 Hz so that a tremor does not raise it (and so hide itself).
    """
    n = 1024
    freqs = np.fft.rfftfreq(n, TIME_STEP_S)
    power = np.zeros(len(freqs))
    for xy in _timed(strokes):
        for values in xy:
            velocity = np.diff(values)
            for start in range(0, len(velocity), n):  # a very long stroke: in pieces
                v = velocity[start:start + n]
                if len(v) >= 50:
                    v = (v - v.mean()) * np.hanning(len(v))
                    power += np.abs(np.fft.rfft(v, n)) ** 2
    band = (freqs >= 0.3) & (freqs <= 5.0)
    total = np.cumsum(power[band])
    if not total[-1] > 0:
        return None
    return float(freqs[band][np.searchsorted(total, total[-1] / 2)])


def tremor_index(strokes: list[np.ndarray], rhythm: float | None) -> float | None:
    """RMS (px) of the pen path's high-frequency deviation from its smoothed path.

    Each stroke is resampled at 100 Hz; the smoothed path is the movement below the band's
    lower edge: at least 5.5 Hz and at least 1.8 x the writing's own rhythm (a finger writes
    at about 2-3 up-and-down cycles a second; its harmonics belong to the writing). What lies
    in the band is tremor and jitter. Strokes shorter than 0.5 s are ignored.
    """
    low, high = P.HANDWRITING_JITTER_BAND_HZ
    low = max(low, P.HANDWRITING_JITTER_RHYTHM_FACTOR * (rhythm or 0.0))
    sq, count = 0.0, 0
    for xy in _timed(strokes):
        for values in xy:
            resid = _band(values, low, high)
            sq += float(np.sum(resid**2))
            count += len(resid)
    if count == 0:
        return None
    return math.sqrt(2 * sq / count)  # both axes: the RMS length of the deviation vector


def features(data: dict) -> dict:
    """Compute the handwriting features of one validated stroke sample."""
    strokes = _strokes(data)
    step = _ink_step(strokes)
    ink = _ink(strokes, step)
    t_first = min(float(s[0, 2]) for s in strokes)
    t_last = max(float(s[-1, 2]) for s in strokes)
    down = sum(float(s[-1, 2] - s[0, 2]) for s in strokes)
    length = len(ink) * step
    segs = _segments(ink) if len(ink) else []
    out: dict = {
        "points": int(sum(len(s) for s in strokes)),
        "pen_lifts": max(len(strokes) - 1, 0),
        "duration_s": round(t_last - t_first, 3),
        "pen_down_s": round(down, 3),
        "ink_px": round(length, 1),
        "speed_px_s": round(length / down, 1) if down > 0 else None,
        "width_px": round(float(np.ptp(ink[:, 0])), 1) if len(ink) else 0.0,
        "height_px": None, "height_trend": None, "drift_deg": None,
        "slant_deg": round(_slant(ink, step), 2) if len(ink) > 2 else None,
        "tremor_index": None,
    }
    if len(segs) >= 3:
        cx, hs, bottoms = (np.asarray(v) for v in zip(*segs, strict=True))
        u = (cx - cx.min()) / max(float(np.ptp(cx)), 1e-9)
        slope = float(np.polyfit(u, np.log(hs), 1)[0])
        out["height_px"] = round(float(np.exp(np.mean(np.log(hs)))), 2)
        out["height_trend"] = round(math.expm1(slope), 4)  # relative change start -> end
        drift = float(np.polyfit(cx, bottoms, 1)[0])
        out["drift_deg"] = round(math.degrees(math.atan(drift)), 2)
    rhythm = rhythm_hz(strokes)
    out["rhythm_hz"] = None if rhythm is None else round(rhythm, 2)
    ti = tremor_index(strokes, rhythm)
    out["tremor_index"] = None if ti is None else round(ti, 4)
    out["complete"] = bool(
        out["height_px"] is not None and out["tremor_index"] is not None
        and out["duration_s"] >= P.HANDWRITING_MIN_SECONDS
        and out["width_px"] >= P.HANDWRITING_MIN_WIDTH_PX
    )
    return out


def deviation(current: dict, baseline: dict) -> dict:
    """Change from the baseline per component, each scaled so 1.0 is its POLICY tolerance.

    size: larger or smaller writing; micrographia: shrinking along the line more than at
    baseline; drift: change of the baseline angle; jitter: more high-frequency deviation
    (the baseline's jitter counted as at least the floor, so a very steady baseline does
    not turn a tiny change into a large ratio).
    """
    tol = P.HANDWRITING_TOLERANCE
    size = abs(math.log(current["height_px"] / baseline["height_px"]))
    shrink = math.log1p(baseline["height_trend"]) - math.log1p(current["height_trend"])
    drift = abs(current["drift_deg"] - baseline["drift_deg"])
    base_jitter = max(baseline["tremor_index"], P.HANDWRITING_JITTER_FLOOR_PX)
    jitter = math.log(max(current["tremor_index"], 1e-9) / base_jitter)
    return {
        "size": round(size / tol["size"], 3),
        "micrographia": round(max(shrink, 0.0) / tol["micrographia"], 3),
        "drift": round(drift / tol["drift_deg"], 3),
        "jitter": round(max(jitter, 0.0) / tol["jitter"], 3),
    }
