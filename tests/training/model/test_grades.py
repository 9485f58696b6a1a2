"""The grade table (``training/model/grades.py``) on arrays whose answer is known: every
applicant counted once, in the grade of their probability, with the rates of their grade."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from scoring.scale import GRADES, PointsScale
from training.model.grades import grade_table, scale_section


@pytest.fixture(scope="module")
def calibrated() -> tuple[np.ndarray, np.ndarray]:
    """20,000 applicants defaulting at their probability, about 8 % on average."""
    rng = np.random.default_rng(11)
    p = rng.beta(1.2, 14, 20_000)
    return (rng.random(len(p)) < p).astype(int), p


def test_every_applicant_is_counted_once(calibrated) -> None:
    y, p = calibrated
    table = grade_table(y, p, PointsScale())
    assert [row["grade"] for row in table] == list(GRADES)
    assert sum(row["count"] for row in table) == len(p)
    assert sum(row["share"] for row in table) == pytest.approx(1.0)
    assert sum(row["observed_rate"] * row["count"] for row in table) == pytest.approx(y.sum())


def test_each_row_holds_the_applicants_of_its_band(calibrated) -> None:
    y, p = calibrated
    for row in grade_table(y, p, PointsScale()):
        inside = (p >= row["probability_from"]) & (p < row["probability_to"])
        assert row["count"] == inside.sum()
        assert row["observed_rate"] == pytest.approx(y[inside].mean())
        assert row["probability_from"] <= row["mean_predicted"] < row["probability_to"]
        assert 0 <= row["observed_rate"] <= 1


def test_riskier_grades_default_more_and_score_fewer_points(calibrated) -> None:
    y, p = calibrated
    table = grade_table(y, p, PointsScale())
    rates = [row["observed_rate"] for row in table]
    assert rates == sorted(rates) and rates[0] < 0.02 < 0.2 < rates[-1]
    # Points ranges run downwards and meet: A has no top, E no bottom.
    assert table[0]["points_to"] is None and table[-1]["points_from"] is None
    for safer, riskier in pairwise(table):
        assert safer["points_from"] == riskier["points_to"]
    assert [row["points_from"] for row in table[:-1]] == [593, 572, 551, 527]


def test_an_empty_grade_has_no_rates_and_a_mismatch_is_refused() -> None:
    table = grade_table(np.array([0, 1]), np.array([0.01, 0.5]), PointsScale())
    by_grade = {row["grade"]: row for row in table}
    assert by_grade["C"]["count"] == 0
    assert by_grade["C"]["observed_rate"] is None and by_grade["C"]["mean_predicted"] is None
    assert by_grade["E"]["observed_rate"] == 1.0
    with pytest.raises(ValueError, match="2 outcomes for 3 probabilities"):
        grade_table(np.array([0, 1]), np.array([0.1, 0.2, 0.3]), PointsScale())


def test_the_section_holds_the_settings_and_both_tables(calibrated) -> None:
    y, p = calibrated
    scale = PointsScale(base_points=500, pdo=40)
    section = scale_section(scale, y[:5000], p[:5000], y, p)
    assert PointsScale.from_dict(section["settings"]) == scale
    assert sum(row["count"] for row in section["grades"]) == 5000
    assert sum(row["count"] for row in section["grades_oof"]) == len(p)
