"""Tremor features from accelerometer samples: a 5 Hz tremor is detected, rest noise is not."""
from __future__ import annotations

import numpy as np
import pytest
from measures_synth import holder_another_day, motion, random_holder

from server import policy as P
from server.measures import tremor as T

THRESHOLD = P.TREMOR_RATIO_THRESHOLD


def fires(seed: int, n: int, **change) -> float:
    """Share of n people whose later sample (with `change`) is beyond their baseline."""
    rng = np.random.default_rng(seed)
    hits = []
    for _ in range(n):
        holder = random_holder(rng)
        baseline = T.features(motion(holder, rng))
        later = T.features(motion(holder_another_day(holder, rng), rng, **change))
        hits.append(T.beyond(later, T.deviation(later, baseline), THRESHOLD))
    return float(np.mean(hits))


def test_features_of_rest_noise():
    rng = np.random.default_rng(1)
    holder = random_holder(rng)
    f = T.features(motion(holder, rng, seconds=12))
    assert f["complete"] is True
    assert f["rate_hz"] == pytest.approx(holder.rate_hz, rel=0.02)
    assert f["duration_s"] == pytest.approx(12, abs=0.1)
    assert f["band_rms"] < 0.1 and f["rms"] < 0.3  # gravity removed
    assert 0 <= f["band_fraction"] <= 1


@pytest.mark.parametrize("amplitude", [0.3, 0.6, 1.0, 2.0])
def test_a_5_hz_tremor_is_measured_at_its_frequency_and_size(amplitude):
    rng = np.random.default_rng(2)
    f = T.features(motion(random_holder(rng), rng, tremor=amplitude))
    assert f["dominant_hz"] == pytest.approx(5.0, abs=0.3)
    assert f["band_rms"] == pytest.approx(amplitude / np.sqrt(2), rel=0.15)
    assert f["band_fraction"] > 0.5


@pytest.mark.parametrize(("amplitude", "expected"), [(0.3, 1.0), (0.6, 1.0), (1.0, 1.0)])
def test_a_5_hz_tremor_beyond_the_baseline_is_detected(amplitude, expected):
    assert fires(3, 50, tremor=amplitude) >= expected


def test_a_tremor_below_the_floor_is_not_called():
    """0.1 m/s^2 (about 0.1 mm at 5 Hz) is several times rest noise but not clinical."""
    assert fires(4, 50, tremor=0.1) == 0.0


def test_uneven_sampling_is_resampled_and_still_detects_tremor():
    rng = np.random.default_rng(5)
    holder = random_holder(rng)
    even = T.features(motion(holder, rng, tremor=0.5))
    uneven = T.features(motion(holder, rng, tremor=0.5, uneven=True))
    assert uneven["rate_hz"] < holder.rate_hz
    assert uneven["dominant_hz"] == pytest.approx(5.0, abs=0.3)
    assert uneven["band_rms"] == pytest.approx(even["band_rms"], rel=0.25)
    assert fires(6, 30, tremor=0.5, uneven=True) == 1.0


def test_uneven_sampling_alone_does_not_fire():
    assert fires(7, 50, uneven=True) == 0.0


def test_day_to_day_variation_of_200_people_rarely_fires():
    rate = fires(8, 200)
    assert rate <= 0.02, f"false-positive rate {rate:.1%}"


def test_too_slow_a_rate_is_not_complete():
    t = np.arange(0, 12, 1 / 20)
    data = {"samples": [[x * 1000, 0.0, 9.81, 0.0] for x in t]}
    assert T.features(data)["complete"] is False
