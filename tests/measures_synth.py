"""Synthetic but realistic handwriting strokes and phone accelerometer samples for the tests.

Handwriting: a cursive-like sentence written with a finger on a phone canvas. Each letter is a
few keypoints (baseline, x-height, ascender, descender); a word is one pen-down stroke through
its letters' keypoints, interpolated smoothly in time (Catmull-Rom) and sampled at the
device's pointer-event rate with timing jitter. A person has a size, letter width, slant,
baseline tilt and speed; a day varies them a little (day-to-day variation), keypoints wobble
per letter, and the finger/digitiser adds small noise. Changes: a 6 Hz tremor added to the pen
position, and micrographia (letters shrinking along the line).

Motion: accelerometer samples [t_ms, ax, ay, az] of a phone held at arm's length: gravity on
a slowly swaying orientation, arm sway, physiological tremor (8-12 Hz, tiny), sensor noise,
optionally a 5 Hz tremor of a given acceleration amplitude; even or uneven sampling.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

SENTENCE = "our national bird is the bald eagle"  # the ICE "write a standard sentence" item
ASCENDERS = set("bdfhklt")
DESCENDERS = set("gjpqy")
HUMPS = {"m": 3, "w": 3, "n": 2, "u": 2, "v": 2, "x": 2, "h": 2, "y": 2, "a": 2, "d": 2,
         "g": 2, "q": 2}


@dataclass(frozen=True)
class Writer:
    """One person's handwriting habits (sizes in CSS px, angles in degrees)."""

    x_height: float
    width: float  # letter advance as a fraction of x-height
    slant_deg: float
    tilt_deg: float  # baseline drift: positive rises to the right
    letters_per_s: float
    rate_hz: float  # pointer events per second
    canvas_css: tuple[float, float]
    dpr: float


def random_writer(rng: np.random.Generator) -> Writer:
    """A person drawn from a plausible population (person-to-person variation)."""
    width_css = float(rng.choice([640, 740, 800, 900, 1000]))
    width = rng.uniform(0.65, 0.95)
    # people size their writing to the pad: the sentence fills 55-85 % of its width
    letters = len(SENTENCE)
    x_height = width_css * rng.uniform(0.55, 0.85) / (letters * width)
    return Writer(
        x_height=float(x_height), width=float(width), slant_deg=float(rng.uniform(-8, 22)),
        tilt_deg=float(rng.normal(0, 1.5)), letters_per_s=float(rng.uniform(1.2, 2.2)),
        rate_hz=float(rng.choice([60, 60, 60, 120])), canvas_css=(width_css, 220.0),
        dpr=float(rng.choice([1.0, 2.0, 2.625, 3.0])),
    )


def another_day(writer: Writer, rng: np.random.Generator) -> Writer:
    """The same person on another day (day-to-day variation)."""
    return replace(
        writer,
        x_height=writer.x_height * float(np.exp(rng.normal(0, 0.07))),
        width=writer.width * float(np.exp(rng.normal(0, 0.05))),
        slant_deg=writer.slant_deg + float(rng.normal(0, 2.5)),
        tilt_deg=writer.tilt_deg + float(rng.normal(0, 1.0)),
        letters_per_s=writer.letters_per_s * float(np.exp(rng.normal(0, 0.12))),
    )


def _letter_keypoints(ch: str, rng: np.random.Generator) -> list[tuple[float, float]]:
    """Keypoints of one letter in x-height units: (advance fraction, height)."""
    humps = HUMPS.get(ch, 1)
    top = 1.0
    if ch in ASCENDERS:
        top = 1.45 if ch == "t" else 1.8
    points: list[tuple[float, float]] = []
    for k in range(humps):
        x0 = k / humps
        tip = top if k == 0 else 1.0
        points.append((x0 + 0.3 / humps, tip * float(rng.normal(1, 0.05))))
        low = -0.7 if (ch in DESCENDERS and k == humps - 1) else 0.0
        points.append((x0 + 0.75 / humps, low + float(rng.normal(0, 0.04))))
    if ch in "oabdgpq":  # a closing loop back up and over
        points.append((0.95, 0.6 + float(rng.normal(0, 0.05))))
    return points


def _catmull_rom(points: np.ndarray, per_segment: int) -> np.ndarray:
    """A smooth curve through the points (uniform Catmull-Rom), per_segment samples each."""
    padded = np.vstack([points[0], points, points[-1]])
    u = np.linspace(0, 1, per_segment, endpoint=False)[:, None]
    out = []
    for i in range(1, len(padded) - 2):
        p0, p1, p2, p3 = padded[i - 1], padded[i], padded[i + 1], padded[i + 2]
        out.append(0.5 * ((2 * p1) + (-p0 + p2) * u + (2 * p0 - 5 * p1 + 4 * p2 - p3) * u**2
                          + (-p0 + 3 * p1 - 3 * p2 + p3) * u**3))
    out.append(points[-1:])
    return np.vstack(out)


def handwriting(
    writer: Writer,
    rng: np.random.Generator,
    *,
    tremor_px: float = 0.0,
    tremor_hz: float = 6.0,
    shrink: float = 0.0,
    sentence: str = SENTENCE,
) -> dict:
    """One handwriting sample in the API's stroke format.

    tremor_px: amplitude (CSS px) of a sinusoidal tremor added to the pen position.
    shrink: micrographia; letter size falls linearly to (1 - shrink) at the end of the line.
    """
    h, dpr = writer.x_height, writer.dpr
    slant = np.tan(np.radians(writer.slant_deg))
    tilt = np.tan(np.radians(writer.tilt_deg))
    width_css, height_css = writer.canvas_css
    x_start = width_css * rng.uniform(0.04, 0.12)
    y_base = height_css * rng.uniform(0.55, 0.7)
    total_letters = len(sentence.replace(" ", ""))
    strokes, t_ms, x_cursor, done = [], rng.uniform(400, 1200), x_start, 0
    tremor_phase = rng.uniform(0, 2 * np.pi)
    tremor_dir = rng.uniform(0, np.pi)
    for word in sentence.split():
        keys: list[tuple[float, float]] = []
        for ch in word:
            advance = h * writer.width * float(np.exp(rng.normal(0, 0.08)))
            scale = 1.0 - shrink * (done / max(total_letters - 1, 1))
            size = h * scale
            for fx, fy in _letter_keypoints(ch, rng):
                keys.append((x_cursor + fx * advance * scale + fy * size * slant, fy * size))
            x_cursor += advance * scale
            done += 1
        keys_arr = np.asarray(keys)
        # lead-in from the baseline into the first letter
        keys_arr = np.vstack([[keys_arr[0, 0] - 0.3 * h, 0.0], keys_arr])
        curve = _catmull_rom(keys_arr, 24)
        seg = np.hypot(*np.diff(curve, axis=0).T)
        # pen speed: letters of about 2.5 keypoint segments at the writer's letter rate
        duration_s = len(word) / writer.letters_per_s * float(np.exp(rng.normal(0, 0.1)))
        weights = np.sqrt(seg + 1e-9)  # slower on tight curves, like a real finger
        t_curve = np.concatenate([[0], np.cumsum(weights)]) / weights.sum() * duration_s
        n = max(int(duration_s * writer.rate_hz), 8)
        ts = np.sort(np.linspace(0, duration_s, n) + rng.normal(0, 0.0015, n))
        ts = np.clip(ts, 0, duration_s)
        xs = np.interp(ts, t_curve, curve[:, 0])
        ys = np.interp(ts, t_curve, curve[:, 1])
        # smooth motor wobble (slow) and digitiser noise (fast), both small
        wobble = np.cumsum(rng.normal(0, 0.08, (2, n)), axis=1)
        wobble -= wobble.mean(axis=1, keepdims=True)
        xs = xs + wobble[0] + rng.normal(0, 0.12, n)
        ys = ys + wobble[1] + rng.normal(0, 0.12, n)
        if tremor_px:
            abs_t = (t_ms / 1000.0) + ts
            osc = tremor_px * np.sin(2 * np.pi * tremor_hz * abs_t + tremor_phase)
            xs = xs + osc * np.cos(tremor_dir)
            ys = ys + osc * np.sin(tremor_dir)
        ys = ys + (xs - x_start) * tilt
        canvas_x = xs * dpr
        canvas_y = (y_base - ys) * dpr  # canvas y grows downwards
        pressure = np.clip(0.5 + rng.normal(0, 0.02, n), 0, 1)
        times = t_ms + ts * 1000.0
        strokes.append([[round(float(a), 2), round(float(b), 2), round(float(c), 1),
                         round(float(p), 3)]
                        for a, b, c, p in zip(canvas_x, canvas_y, times, pressure, strict=True)])
        t_ms = times[-1] + rng.uniform(150, 450)  # pen lifted between words
        x_cursor += h * writer.width * rng.uniform(0.6, 0.9)
    return {"canvas": {"width": round(width_css * dpr), "height": round(height_css * dpr)},
            "dpr": dpr, "strokes": strokes}


@dataclass(frozen=True)
class Holder:
    """How one person holds a phone at arm's length (accelerations in m/s^2)."""

    sway: float  # slow arm sway, 0.2-1.5 Hz
    physiological: float  # normal 8-12 Hz tremor
    noise: float  # sensor noise per sample
    rate_hz: float


def random_holder(rng: np.random.Generator) -> Holder:
    """A person and phone drawn from a plausible population."""
    return Holder(sway=float(rng.uniform(0.03, 0.12)),
                  physiological=float(rng.uniform(0.005, 0.03)),
                  noise=float(rng.uniform(0.01, 0.04)),
                  rate_hz=float(rng.choice([50, 60, 60, 100])))


def holder_another_day(holder: Holder, rng: np.random.Generator) -> Holder:
    """The same person on another day."""
    return replace(holder, sway=holder.sway * float(np.exp(rng.normal(0, 0.25))),
                   physiological=holder.physiological * float(np.exp(rng.normal(0, 0.25))))


def motion(
    holder: Holder,
    rng: np.random.Generator,
    *,
    seconds: float = 15.0,
    tremor: float = 0.0,
    tremor_hz: float = 5.0,
    uneven: bool = False,
) -> dict:
    """One motion sample in the API's format; tremor is the 5 Hz acceleration amplitude."""
    n = int(seconds * holder.rate_hz)
    if uneven:  # browsers deliver devicemotion late and in bursts when busy
        gaps = rng.gamma(2.0, 0.5 / holder.rate_hz, n)
        gaps[rng.random(n) < 0.05] *= 4
        t = np.cumsum(gaps)
        t = t[t < seconds]
    else:
        t = np.arange(n) / holder.rate_hz + rng.normal(0, 0.0008, n)
        t = np.sort(t - t.min())
    n = len(t)
    tilt = 0.15 * np.sin(2 * np.pi * 0.07 * t + rng.uniform(0, 6))  # slow change of grip
    gravity = np.stack([np.zeros(n) + 0.3, 9.81 * np.cos(tilt), 9.81 * np.sin(tilt)])
    sway = np.zeros((3, n))
    for _ in range(4):
        f = rng.uniform(0.2, 1.5)
        sway += (holder.sway / 2) * np.sin(2 * np.pi * f * t + rng.uniform(0, 6, (3, 1)))
    phys = np.zeros((3, n))
    for _ in range(6):
        f = rng.uniform(8, 12)
        phys += (holder.physiological / 2.5) * np.sin(2 * np.pi * f * t + rng.uniform(0, 6, (3, 1)))
    acc = gravity + sway + phys + rng.normal(0, holder.noise, (3, n))
    if tremor:
        direction = rng.normal(size=(3, 1))
        direction /= np.linalg.norm(direction)
        freq = tremor_hz * (1 + 0.03 * np.sin(2 * np.pi * 0.2 * t))  # slight wander
        phase = 2 * np.pi * np.cumsum(np.r_[0, np.diff(t)] * freq)
        acc = acc + direction * tremor * np.sin(phase)
    samples = [[round(float(ti * 1000), 1), round(float(a), 4), round(float(b), 4),
                round(float(c), 4)] for ti, a, b, c in zip(t, *acc, strict=True)]
    return {"samples": samples}
