"""How good the probabilities of default are, how well calibrated, and for whom.

Ranking (ROC AUC, average precision), probability quality (Brier score, log loss,
calibration) and the business decision at the chosen threshold are reported together,
because an advisor is shown the probability itself, not only the decision. The fairness
table compares groups (gender, age band) on the decision they receive, with the
approval-rate ratio of the "four-fifths rule" as the flag for a disparity to review.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    log_loss,
    roc_auc_score,
    roc_curve,
)

from scoring.schema.common import DAYS_PER_YEAR
from training.model.threshold import CostMatrix, decision_metrics

# Below this size a group's AUC is noise; it is reported as unknown.
MIN_ROWS_FOR_AUC = 20
# US EEOC "four-fifths rule": a group approved at under 80 % of the best-approved group's
# rate shows a disparate impact worth reviewing.
FOUR_FIFTHS = 0.8
AGE_EDGES = (30, 40, 50, 60)
AGE_BANDS = ("<30", "30-39", "40-49", "50-59", "60+")


def classification_metrics(
    y: np.ndarray, p: np.ndarray, threshold: float, costs: CostMatrix | None = None
) -> dict[str, Any]:
    """Ranking, probability and decision metrics of one split, JSON-ready."""
    y = np.asarray(y)
    p = np.asarray(p, dtype=np.float64)
    decision = decision_metrics(y, p, threshold, costs)
    both_classes = len(np.unique(y)) == 2
    auc = float(roc_auc_score(y, p)) if both_classes else None
    return {
        "n": len(y),
        "default_rate": float(y.mean()),
        "roc_auc": auc,
        # The credit industry's names for the same ranking power: Gini = 2·AUC − 1, and KS,
        # the largest gap between the score distributions of defaults and repayments.
        "gini": 2 * auc - 1 if auc is not None else None,
        "ks": ks_statistic(y, p) if both_classes else None,
        "pr_auc": float(average_precision_score(y, p)) if both_classes else None,
        "brier": float(brier_score_loss(y, p)),
        "log_loss": float(log_loss(y, p, labels=[0, 1])),
        **decision.to_dict(),
    }


def ks_statistic(y: np.ndarray, p: np.ndarray) -> float:
    """Kolmogorov-Smirnov distance between the scores of defaults and of repayments."""
    false_positive, true_positive, _ = roc_curve(y, p)
    return float(np.max(true_positive - false_positive))


def calibration_table(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict[str, Any]]:
    """Observed default rate against the mean predicted probability, per quantile bin.

    Bins hold about equal numbers of applications, so every row of the table rests on
    the same amount of evidence. Tied probabilities stay in one bin, so there may be
    fewer bins than asked.
    """
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    edges = np.unique(np.quantile(p, np.linspace(0.0, 1.0, bins + 1)))
    index = np.searchsorted(edges[1:-1], p, side="right")
    rows = []
    for number, code in enumerate(np.unique(index), start=1):
        members = index == code
        rows.append(
            {
                "bin": number,
                "n": int(members.sum()),
                "mean_predicted": float(p[members].mean()),
                "observed_rate": float(y[members].mean()),
                "lower": float(p[members].min()),
                "upper": float(p[members].max()),
            }
        )
    return rows


def ece(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error: mean |observed - predicted| over bins, weighted by size."""
    table = calibration_table(y, p, bins)
    total = sum(row["n"] for row in table)
    return float(
        sum(row["n"] * abs(row["observed_rate"] - row["mean_predicted"]) for row in table) / total
    )


def age_band(days_birth: np.ndarray) -> np.ndarray:
    """Age band of each applicant from DAYS_BIRTH (negative days before the application).

    A birthday starts the new band: exactly 30 years old is "30-39". An unknown age is
    "unknown" rather than silently falling into a band.
    """
    years = -np.asarray(days_birth, dtype=np.float64) / DAYS_PER_YEAR
    bands = np.asarray(AGE_BANDS, dtype=object)[np.digitize(years, AGE_EDGES)]
    bands[np.isnan(years)] = "unknown"
    return bands.astype(str)


def fairness_table(
    y: np.ndarray,
    p: np.ndarray,
    threshold: float,
    costs: CostMatrix | None,
    groups: Mapping[str, np.ndarray],
) -> list[dict[str, Any]]:
    """Decision quality and approval-rate ratio of each group, for each grouping.

    ``disparate_impact`` is a group's approval rate over that of the best-approved group
    of the same grouping; ``four_fifths_ok`` is False below 0.8. Error rates are given on
    both sides: recall (defaulters caught) and the false-refusal rate (good clients
    refused), since a fair model should not buy one group's approval rate with the other.
    """
    y = np.asarray(y)
    p = np.asarray(p, dtype=np.float64)
    rows: list[dict[str, Any]] = []
    for grouping, values in groups.items():
        labels = _group_labels(values)
        if len(labels) != len(y):
            raise ValueError(
                f"grouping {grouping!r} has {len(labels)} values for {len(y)} applications"
            )
        block = [
            _group_row(grouping, group, y[labels == group], p[labels == group], threshold, costs)
            for group in sorted(np.unique(labels), key=_group_order)
        ]
        best = max(row["approval_rate"] for row in block)
        for row in block:
            ratio = row["approval_rate"] / best if best > 0 else None
            row["disparate_impact"] = ratio
            row["four_fifths_ok"] = None if ratio is None else ratio >= FOUR_FIFTHS
        rows.extend(block)
    return rows


def _group_row(
    grouping: str,
    group: str,
    y: np.ndarray,
    p: np.ndarray,
    threshold: float,
    costs: CostMatrix | None,
) -> dict[str, Any]:
    decision = decision_metrics(y, p, threshold, costs)
    scorable = len(y) >= MIN_ROWS_FOR_AUC and len(np.unique(y)) == 2
    return {
        "grouping": grouping,
        "group": group,
        "n": len(y),
        "default_rate": float(y.mean()),
        "approval_rate": decision.approval_rate,
        "recall": decision.recall,
        "false_refusal_rate": None if decision.specificity is None else 1 - decision.specificity,
        "roc_auc": float(roc_auc_score(y, p)) if scorable else None,
        "cost_per_application": decision.cost_per_application,
    }


def _group_order(group: str) -> tuple[int, str]:
    """Age bands from youngest to oldest, other groups alphabetically."""
    return (AGE_BANDS.index(group) if group in AGE_BANDS else len(AGE_BANDS), group)


def _group_labels(values: np.ndarray) -> np.ndarray:
    """Group values as text, a missing value being its own group "missing"."""
    series = pd.Series(values, dtype=object)
    return series.where(series.notna(), "missing").astype(str).to_numpy()
