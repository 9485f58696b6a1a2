"""The points scale and the grades (``scoring/scale.py``): the scorecard convention's
anchors, its direction, the grade bands, and settings refused by name."""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np
import pytest

from scoring.scale import GRADES, PointsScale, Rating, ScaleError, parse_bounds


def odds_to_probability(odds: float) -> float:
    """Good:bad odds of ``odds``:1 as a probability of default."""
    return 1 / (1 + odds)


@pytest.mark.parametrize(
    ("odds", "points"),
    [(50, 600), (100, 620), (200, 640), (25, 580), (12.5, 560), (1, 487.1229)],
)
def test_the_default_scale_gives_600_at_50_to_1_and_20_points_per_doubling(
    odds: float, points: float
) -> None:
    assert PointsScale().points(odds_to_probability(odds)) == pytest.approx(points, abs=1e-4)


def test_a_configured_scale_follows_its_own_anchor_and_doubling() -> None:
    scale = PointsScale(base_points=500, base_odds=20, pdo=40)
    assert scale.points(odds_to_probability(20)) == pytest.approx(500)
    assert scale.points(odds_to_probability(40)) == pytest.approx(540)
    assert scale.points(odds_to_probability(5)) == pytest.approx(420)
    assert scale.factor == pytest.approx(40 / math.log(2))
    assert scale.offset == pytest.approx(500 - 40 / math.log(2) * math.log(20))


def test_points_fall_as_the_risk_rises_and_convert_back() -> None:
    scale = PointsScale()
    p = np.linspace(0.001, 0.999, 500)
    points = scale.points(p)
    assert np.all(np.diff(points) < 0), "a riskier applicant never gets more points"
    np.testing.assert_allclose(scale.probability(points), p, rtol=1e-9)
    assert isinstance(scale.points(0.1), float) and isinstance(scale.probability(600), float)


def test_certain_scores_still_have_finite_points() -> None:
    scale = PointsScale()
    assert math.isfinite(scale.points(0.0)) and math.isfinite(scale.points(1.0))
    assert scale.points(0.0) > scale.points(1e-4) > scale.points(1 - 1e-4) > scale.points(1.0)


@pytest.mark.parametrize(
    ("probability", "grade"),
    [(0.0, "A"), (0.0249, "A"), (0.025, "B"), (0.049, "B"), (0.05, "C"), (0.08, "C"),
     (0.0999, "C"), (0.10, "D"), (0.19, "D"), (0.20, "E"), (0.9, "E"), (1.0, "E")],
)  # fmt: skip
def test_grades_are_bands_of_the_probability_a_bound_going_to_the_riskier(
    probability: float, grade: str
) -> None:
    scale = PointsScale()
    assert scale.grade(probability) == grade
    low, high = scale.band(scale.grade(probability))
    assert low <= probability < high or probability == high == 1.0


def test_grades_run_from_the_safest_to_the_riskiest_without_gaps() -> None:
    scale = PointsScale(grade_bounds=(0.01, 0.03, 0.08, 0.3))
    bands = [scale.band(grade) for grade in GRADES]
    assert bands[0][0] == 0 and bands[-1][1] == 1
    assert all(a[1] == b[0] for a, b in pairwise(bands))
    p = np.linspace(0, 1, 1001)
    assert np.all(np.diff(scale.grade_index(p)) >= 0)
    assert scale.grade(0.02) == "B" and scale.grade(0.5) == "E"


@pytest.mark.parametrize(
    ("settings", "setting", "expected"),
    [
        ({"pdo": 0}, "pdo", "above 0"),
        ({"pdo": -20}, "pdo", "above 0"),
        ({"base_odds": 0}, "base_odds", "above 0"),
        ({"base_odds": float("inf")}, "base_odds", "above 0"),
        ({"base_points": float("nan")}, "base_points", "finite"),
        ({"grade_bounds": (0.05, 0.025, 0.1, 0.2)}, "grade_bounds", "increasing"),
        ({"grade_bounds": (0.025, 0.05, 0.1)}, "grade_bounds", "4 increasing"),
        ({"grade_bounds": (0.025, 0.05, 0.1, 1.0)}, "grade_bounds", "between 0 and 1"),
        ({"grade_bounds": (0.0, 0.05, 0.1, 0.2)}, "grade_bounds", "between 0 and 1"),
        ({"grade_bounds": (0.05, 0.05, 0.1, 0.2)}, "grade_bounds", "increasing"),
    ],
)
def test_a_bad_setting_is_refused_by_name_saying_what_is_expected(
    settings: dict, setting: str, expected: str
) -> None:
    with pytest.raises(ScaleError, match=expected) as error:
        PointsScale(**settings)
    assert error.value.setting == setting
    assert str(error.value).startswith(setting)


def test_bounds_are_read_from_text_or_refused_by_name() -> None:
    assert parse_bounds("0.01, 0.03,0.08,0.3") == (0.01, 0.03, 0.08, 0.3)
    with pytest.raises(ScaleError, match="separated by commas") as error:
        parse_bounds("0.01;0.03")
    assert error.value.setting == "grade_bounds"


def test_the_settings_survive_the_model_card() -> None:
    scale = PointsScale(base_points=700, base_odds=30, pdo=25, grade_bounds=(0.02, 0.04, 0.1, 0.3))
    stored = scale.to_dict()
    assert stored["factor"] == pytest.approx(scale.factor)
    assert PointsScale.from_dict(stored) == scale


def test_a_rating_gives_whole_points_the_grade_and_its_observed_rate() -> None:
    grades = tuple({"grade": g, "observed_rate": rate} for g, rate in zip(
        GRADES, (0.01, 0.03, 0.07, 0.15, 0.3), strict=True))  # fmt: skip
    rating = Rating.from_section({"settings": PointsScale().to_dict(), "grades": grades})
    assert rating.rate(odds_to_probability(100)) == (620, "A", 0.01)
    assert rating.rate(0.3) == (round(PointsScale().points(0.3)), "E", 0.3)
    assert rating.to_dict()["grades"] == [dict(row) for row in grades]


def test_a_model_without_a_stored_scale_gets_the_default_scale_and_no_rates() -> None:
    rating = Rating.from_section(None)
    assert rating.scale == PointsScale()
    assert rating.rate(odds_to_probability(50)) == (600, "A", None)
    assert rating.rate(odds_to_probability(12.5)) == (560, "C", None)


def test_a_batch_is_rated_as_each_of_its_probabilities() -> None:
    grades = tuple({"grade": g, "observed_rate": rate} for g, rate in zip(
        GRADES, (0.01, 0.03, None, 0.15, 0.3), strict=True))  # fmt: skip
    rating = Rating.from_section({"settings": PointsScale().to_dict(), "grades": grades})
    edges = [0.0, 1e-12, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, odds_to_probability(100)]
    probabilities = np.concatenate([edges, np.random.default_rng(3).random(1_000)])
    points, grades_of, rates = rating.rate_many(probabilities)
    assert list(zip(points, grades_of, rates, strict=True)) == [
        rating.rate(float(p)) for p in probabilities
    ]
    assert all(type(p) is int for p in points)
