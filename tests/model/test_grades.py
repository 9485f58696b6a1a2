"""The trained model's grades: every holdout applicant graded, riskier grades defaulting
more, and the store entry rating scores exactly as its card says."""

from __future__ import annotations

import numpy as np

from scoring.model.scorer import CreditModel
from scoring.scale import GRADES, PointsScale
from training.model.pipeline import TrainedModel

ENOUGH = 30  # applicants for a grade's rate to be worth comparing


def test_every_holdout_applicant_is_graded(trained_model: TrainedModel) -> None:
    card = trained_model.card
    grades = card["scale"]["grades"]
    assert [row["grade"] for row in grades] == list(GRADES)
    assert sum(row["count"] for row in grades) == card["data"]["holdout_rows"]
    assert sum(row["count"] for row in card["scale"]["grades_oof"]) == card["data"]["train_rows"]
    assert all(0 <= row["observed_rate"] <= 1 for row in grades if row["observed_rate"] is not None)


def test_riskier_grades_default_more(trained_model: TrainedModel) -> None:
    for table in ("grades", "grades_oof"):
        rows = [r for r in trained_model.card["scale"][table] if r["count"] >= ENOUGH]
        assert len(rows) >= 4, f"{table}: too few grades hold {ENOUGH} applicants"
        rates = [row["observed_rate"] for row in rows]
        assert rates == sorted(rates), f"{table}: {rates}"


def test_the_entry_rates_scores_as_its_card_says(
    credit_model: CreditModel, trained_model: TrainedModel
) -> None:
    section = trained_model.card["scale"]
    assert credit_model.rating.scale == PointsScale.from_dict(section["settings"])
    observed = {row["grade"]: row["observed_rate"] for row in section["grades"]}
    for p in np.linspace(0.005, 0.6, 40):
        points, grade, rate = credit_model.rating.rate(float(p))
        assert points == round(PointsScale().points(p))
        assert rate == observed[grade]
