"""Handwriting features: each change from the baseline is detected, normal variation is not."""
from __future__ import annotations

import numpy as np
import pytest
from measures_synth import another_day, handwriting, random_writer

from server import policy as P
from server.measures import handwriting as H

THRESHOLD = P.HANDWRITING_DEVIATION_THRESHOLD


def score(current: dict, baseline: dict) -> float:
    return max(H.deviation(current, baseline).values())


def pairs(seed: int, n: int, **change):
    """n (baseline, later sample) feature pairs of different people; `change` on the later."""
    rng = np.random.default_rng(seed)
    for _ in range(n):
        writer = random_writer(rng)
        baseline = H.features(handwriting(writer, rng))
        later = H.features(handwriting(another_day(writer, rng), rng, **change))
        yield baseline, later


def fire_rate(seed: int, n: int, **change) -> float:
    return float(np.mean([score(c, b) >= THRESHOLD for b, c in pairs(seed, n, **change)]))


def test_features_of_a_sentence_are_plausible():
    rng = np.random.default_rng(1)
    writer = random_writer(rng)
    data = handwriting(writer, rng)
    f = H.features(data)
    assert f["complete"] is True
    assert f["pen_lifts"] == len(data["strokes"]) - 1 == 6  # seven words
    assert f["height_px"] == pytest.approx(writer.x_height, rel=0.5)
    assert f["slant_deg"] == pytest.approx(writer.slant_deg, abs=6)
    assert f["drift_deg"] == pytest.approx(writer.tilt_deg, abs=2)
    assert 5 < f["duration_s"] < 60 and f["speed_px_s"] > 0
    assert f["width_px"] > 0.4 * writer.canvas_css[0]
    assert f["tremor_index"] < 1.5


def test_the_same_sample_has_no_deviation():
    rng = np.random.default_rng(2)
    f = H.features(handwriting(random_writer(rng), rng))
    assert score(f, f) == 0.0


def test_scale_is_css_pixels_whatever_the_device_pixel_ratio():
    rng = np.random.default_rng(3)
    data = handwriting(random_writer(rng), rng)
    doubled = {"canvas": {k: v * 2 for k, v in data["canvas"].items()},
               "dpr": data["dpr"] * 2,
               "strokes": [[[x * 2, y * 2, t, p] for x, y, t, p in s] for s in data["strokes"]]}
    a, b = H.features(data), H.features(doubled)
    assert a["height_px"] == pytest.approx(b["height_px"], rel=1e-3)
    assert a["width_px"] == pytest.approx(b["width_px"], rel=1e-3)


def test_a_few_short_strokes_are_not_complete():
    data = {"canvas": {"width": 800, "height": 300}, "dpr": 1.0,
            "strokes": [[[10, 10, 0, 0.5], [12, 14, 16, 0.5]], [[40, 10, 300, 0.5]]]}
    f = H.features(data)
    assert f["complete"] is False and f["pen_lifts"] == 1


def test_a_6_hz_tremor_of_2_px_is_detected():
    assert fire_rate(10, 40, tremor_px=2.0) >= 0.9


def test_a_6_hz_tremor_of_3_px_is_detected():
    assert fire_rate(11, 40, tremor_px=3.0) >= 0.97


def test_the_tremor_shows_as_jitter():
    for baseline, later in pairs(12, 10, tremor_px=3.0):
        parts = H.deviation(later, baseline)
        assert max(parts, key=parts.get) == "jitter"


def test_writing_that_shrinks_along_the_line_is_detected():
    assert fire_rate(13, 40, shrink=0.5) >= 0.97
    for baseline, later in pairs(14, 10, shrink=0.5):
        assert H.deviation(later, baseline)["micrographia"] >= 1.0


def test_much_smaller_writing_is_detected():
    rng = np.random.default_rng(15)
    for _ in range(10):
        writer = random_writer(rng)
        baseline = H.features(handwriting(writer, rng))
        small = another_day(writer, rng)
        small = small.__class__(**{**small.__dict__, "x_height": writer.x_height * 0.55})
        assert H.deviation(H.features(handwriting(small, rng)), baseline)["size"] >= 1.0


def test_day_to_day_variation_of_200_people_rarely_fires():
    rate = fire_rate(20, 200)
    assert rate <= 0.02, f"false-positive rate {rate:.1%}"


def test_another_persons_writing_is_not_the_point_but_is_measured():
    """Person-to-person variation: features differ, and the comparison is only ever within one
    patient (the baseline is the patient's own), so different people never fire each other."""
    rng = np.random.default_rng(21)
    heights = [H.features(handwriting(random_writer(rng), rng))["height_px"] for _ in range(30)]
    assert max(heights) / min(heights) > 1.5


def test_an_absurdly_long_path_is_measured_with_bounded_work():
    rng = np.random.default_rng(30)
    strokes = [[[float(rng.uniform(0, 2000)), float(rng.uniform(0, 800)), 3.0 * (k * 500 + i), 0.5]
                for i in range(500)] for k in range(40)]
    data = {"canvas": {"width": 2000, "height": 800}, "dpr": 2.0, "strokes": strokes}
    parsed = H._strokes(data)
    step = H._ink_step(parsed)
    assert step > H.INK_STEP_PX
    assert len(H._ink(parsed, step)) <= H.MAX_INK_POINTS + len(strokes)
    assert H.features(data)["points"] == 20_000
