"""Tremor features from accelerometer samples: achieved rate, RMS, 4-12 Hz power, peak frequency.

The samples are resampled onto an even grid at the rate actually achieved (browsers deliver
devicemotion unevenly), gravity and slow arm movement are removed with a 0.5 Hz high-pass,
and the spectrum of the acceleration vector (the three axes summed, so the phone's orientation
does not matter) is estimated by Welch's method (4 s Hann windows, half overlapping).
"""
from __future__ import annotations

import math

import numpy as np

from .. import policy as P

HIGH_PASS_HZ = 0.5
WINDOW_S = 4.0


def _even(t: np.ndarray, acc: np.ndarray, rate: float) -> np.ndarray:
    """Linear interpolation of each axis onto an even grid at `rate`."""
    grid = np.arange(t[0], t[-1], 1.0 / rate)
    return np.stack([np.interp(grid, t, acc[:, k]) for k in range(acc.shape[1])])


def _welch(x: np.ndarray, rate: float) -> tuple[np.ndarray, np.ndarray]:
    """One-sided power spectral density ((m/s^2)^2 / Hz) summed over the rows of x."""
    n = min(int(WINDOW_S * rate), x.shape[1])
    step = max(n // 2, 1)
    window = np.hanning(n)
    scale = rate * np.sum(window**2)
    psd = np.zeros(n // 2 + 1)
    count = 0
    for start in range(0, x.shape[1] - n + 1, step):
        chunk = x[:, start:start + n]
        chunk = chunk - chunk.mean(axis=1, keepdims=True)
        spectrum = np.fft.rfft(chunk * window, axis=1)
        psd += np.sum(np.abs(spectrum) ** 2, axis=0) / scale
        count += 1
    psd = 2 * psd / max(count, 1)
    return np.fft.rfftfreq(n, 1.0 / rate), psd


def features(data: dict) -> dict:
    """Compute the tremor features of one validated motion sample."""
    arr = np.asarray(data["samples"], dtype=float)
    t, acc = arr[:, 0] / 1000.0, arr[:, 1:]
    keep = np.concatenate([[True], np.diff(t) > 0])  # repeated timestamps: keep the first
    t, acc = t[keep], acc[keep]
    span = float(t[-1] - t[0])
    rate = (len(t) - 1) / span if span > 0 else 0.0
    out: dict = {"samples": int(len(arr)), "duration_s": round(span, 3),
                 "rate_hz": round(rate, 2), "rms": None, "band_rms": None,
                 "band_fraction": None, "dominant_hz": None}
    if rate < P.TREMOR_MIN_RATE_HZ:
        out["complete"] = False
        return out
    grid_rate = min(rate, 200.0)
    freqs, psd = _welch(_even(t, acc, grid_rate), grid_rate)
    df = float(freqs[1] - freqs[0])
    moving = freqs >= HIGH_PASS_HZ
    low, high = P.TREMOR_BAND_HZ
    band = (freqs >= low) & (freqs <= high)
    total = float(psd[moving].sum() * df)
    power = float(psd[band].sum() * df)
    out["rms"] = round(math.sqrt(total), 4)
    out["band_rms"] = round(math.sqrt(power), 4)
    out["band_fraction"] = round(power / total, 4) if total > 0 else 0.0
    out["dominant_hz"] = round(float(freqs[band][np.argmax(psd[band])]), 2)
    out["complete"] = True
    return out


def deviation(current: dict, baseline: dict) -> dict:
    """4-12 Hz RMS acceleration as a multiple of the baseline's (the deviation score)."""
    base = max(float(baseline["band_rms"]), 1e-6)
    return {"ratio": round(float(current["band_rms"]) / base, 3)}


def beyond(current: dict, components: dict, threshold: float) -> bool:
    """Beyond the baseline: ratio at or over the threshold and tremor of a real size."""
    return components["ratio"] >= threshold and current["band_rms"] >= P.TREMOR_MIN_BAND_RMS
