"""Evaluation metrics against scikit-learn, calibration bins, age bands and fairness rows."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score

from training.model.evaluate import (
    age_band,
    calibration_table,
    classification_metrics,
    ece,
    fairness_table,
)
from training.model.threshold import CostMatrix, decision_metrics


def _scores(n: int = 2000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Calibrated probabilities of default around 8 %, labels drawn from them."""
    rng = np.random.default_rng(seed)
    p = rng.beta(1.2, 14, n)
    return (rng.random(n) < p).astype(int), p


def test_classification_metrics_match_sklearn() -> None:
    y, p = _scores()
    metrics = classification_metrics(y, p, 0.1, CostMatrix())
    assert metrics["n"] == len(y)
    assert metrics["default_rate"] == pytest.approx(y.mean())
    assert metrics["roc_auc"] == pytest.approx(roc_auc_score(y, p))
    assert metrics["pr_auc"] == pytest.approx(average_precision_score(y, p))
    assert metrics["brier"] == pytest.approx(brier_score_loss(y, p))
    assert metrics["log_loss"] == pytest.approx(log_loss(y, p))
    decision = decision_metrics(y, p, 0.1, CostMatrix()).to_dict()
    assert {key: metrics[key] for key in decision} == decision


def test_classification_metrics_with_one_class() -> None:
    metrics = classification_metrics(np.zeros(5, dtype=int), np.linspace(0, 0.4, 5), 0.5)
    assert metrics["roc_auc"] is None and metrics["pr_auc"] is None
    assert metrics["approval_rate"] == 1.0


@pytest.mark.parametrize("seed", range(5))
def test_calibration_table_sums_to_the_data(seed: int) -> None:
    y, p = _scores(seed=seed)
    table = calibration_table(y, p, bins=10)
    assert len(table) == 10
    assert [row["bin"] for row in table] == list(range(1, 11))
    assert sum(row["n"] for row in table) == len(y)
    assert sum(row["n"] * row["observed_rate"] for row in table) == pytest.approx(y.sum())
    assert sum(row["n"] * row["mean_predicted"] for row in table) == pytest.approx(p.sum())
    assert all(row["lower"] <= row["mean_predicted"] <= row["upper"] for row in table)
    assert all(a["upper"] < b["lower"] for a, b in pairwise(table))
    assert max(row["n"] for row in table) - min(row["n"] for row in table) <= 1


def test_calibration_table_keeps_ties_together() -> None:
    p = np.repeat([0.1, 0.2, 0.5], [50, 30, 20])
    y = np.zeros(100, dtype=int)
    table = calibration_table(y, p, bins=10)
    assert [(row["lower"], row["upper"], row["n"]) for row in table] == [
        (0.1, 0.1, 50),
        (0.2, 0.2, 30),
        (0.5, 0.5, 20),
    ]
    assert len(calibration_table(y, np.full(100, 0.3))) == 1


def test_ece_by_hand() -> None:
    # Two bins: p=0.1 observed 0.1 (no error), p=0.5 observed 0.3 (error 0.2); equal sizes.
    p = np.repeat([0.1, 0.5], 10)
    y = np.array([1] + [0] * 9 + [1] * 3 + [0] * 7)
    assert ece(y, p, bins=2) == pytest.approx(0.1)


def test_ece_is_small_for_calibrated_scores() -> None:
    y, p = _scores(n=50_000)
    assert ece(y, p) < 0.01
    assert ece(y, np.clip(p * 2, 0, 1)) > 0.05


def test_age_band_boundaries() -> None:
    years = np.array([18, 29.99, 30, 39.99, 40, 49.99, 50, 59.99, 60, 75, np.nan])
    assert age_band(-years * 365.25).tolist() == [
        "<30",
        "<30",
        "30-39",
        "30-39",
        "40-49",
        "40-49",
        "50-59",
        "50-59",
        "60+",
        "60+",
        "unknown",
    ]


def _fairness_case() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group A: 100 rows, 90 granted; group B: 50 rows, 30 granted; C: 10 good clients."""
    p = np.r_[np.full(90, 0.05), np.full(10, 0.5), np.full(30, 0.05), np.full(20, 0.5)]
    y = np.r_[np.zeros(85), np.ones(5), np.zeros(2), np.ones(8)]
    y = np.r_[y, np.zeros(28), np.ones(2), np.zeros(5), np.ones(15)].astype(int)
    groups = np.array(["A"] * 100 + ["B"] * 50)
    return np.r_[y, np.zeros(10, int)], np.r_[p, np.full(10, 0.05)], np.r_[groups, ["C"] * 10]


def test_fairness_rows_and_disparate_impact() -> None:
    y, p, groups = _fairness_case()
    rows = fairness_table(y, p, 0.3, CostMatrix(), {"segment": groups})
    by_group = {row["group"]: row for row in rows}
    assert list(by_group) == ["A", "B", "C"]
    a, b, c = by_group["A"], by_group["B"], by_group["C"]
    assert (a["n"], a["approval_rate"], a["default_rate"]) == (100, 0.9, 0.13)
    assert a["recall"] == pytest.approx(8 / 13)
    assert a["false_refusal_rate"] == pytest.approx(2 / 87)
    assert a["cost_per_application"] == pytest.approx((10 * 5 + 2) / 100)
    assert a["roc_auc"] == pytest.approx(roc_auc_score(y[:100], p[:100]))
    assert b["approval_rate"] == 0.6
    # C is approved the most (all of it): the ratios are against C.
    assert c["disparate_impact"] == 1.0 and c["four_fifths_ok"]
    assert a["disparate_impact"] == pytest.approx(0.9) and a["four_fifths_ok"]
    assert b["disparate_impact"] == pytest.approx(0.6) and b["four_fifths_ok"] is False


def test_fairness_group_with_one_class_or_few_rows() -> None:
    y, p, groups = _fairness_case()
    c = fairness_table(y, p, 0.3, None, {"segment": groups})[-1]
    assert c["roc_auc"] is None  # 10 rows, all good clients
    assert c["recall"] is None
    assert c["false_refusal_rate"] == 0.0


def test_fairness_several_groupings_and_missing_values() -> None:
    y, p = _scores(n=300)
    gender = np.array(["F", "M", None] * 100, dtype=object)
    bands = age_band(-np.linspace(20, 70, 300) * 365.25)
    rows = fairness_table(y, p, 0.1, CostMatrix(), {"gender": gender, "age_band": bands})
    assert [(r["grouping"], r["group"]) for r in rows][:3] == [
        ("gender", "F"),
        ("gender", "M"),
        ("gender", "missing"),
    ]
    assert sum(r["n"] for r in rows if r["grouping"] == "age_band") == 300
    for grouping in ("gender", "age_band"):
        assert max(r["disparate_impact"] for r in rows if r["grouping"] == grouping) == 1.0


def test_fairness_rejects_misaligned_groups() -> None:
    y, p = _scores(n=10)
    with pytest.raises(ValueError, match="grouping 'gender' has 9 values for 10"):
        fairness_table(y, p, 0.1, CostMatrix(), {"gender": np.array(["F"] * 9)})


def test_fairness_nobody_approved() -> None:
    y, p = _scores(n=50)
    rows = fairness_table(y, p, 0.0, CostMatrix(), {"all": np.zeros(50)})
    assert rows[0]["approval_rate"] == 0.0
    assert rows[0]["disparate_impact"] is None and rows[0]["four_fifths_ok"] is None


def test_ks_is_the_largest_gap_between_the_two_score_distributions() -> None:
    from scipy.stats import ks_2samp

    rng = np.random.default_rng(4)
    y = rng.integers(0, 2, 2_000)
    p = rng.random(2_000) * 0.5 + 0.2 * y
    metrics = classification_metrics(y, p, 0.3)
    assert metrics["ks"] == pytest.approx(ks_2samp(p[y == 1], p[y == 0]).statistic)
    assert metrics["gini"] == pytest.approx(2 * metrics["roc_auc"] - 1)
