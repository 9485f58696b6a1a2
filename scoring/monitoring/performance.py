"""The model's performance by monthly vintage (the month a decision was made): how many were
decided and granted, how often people overrode the model, the default rate the model expected
and, once outcomes arrive, the default rate observed, the AUC and the calibration.

Defaults become known months after a grant. Until then the expected default rate of a vintage
is the mean probability of its granted applications: the model's probabilities are calibrated
(the model card's calibration plot), so their mean estimates the share that will default.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import rankdata

from scoring.policy import GRANTED, REFUSED
from scoring.records.vintages import DecidedApplication

DEFAULTED = "defaulted"
CALIBRATION_BINS = 10


@dataclass(frozen=True)
class Vintage:
    """One month of decisions."""

    month: str  # YYYY-MM
    decided: int
    approval_rate: float
    override_rate: float  # final decision against a granted/refused recommendation
    reviewed: int  # decided by a person because the score was in the review band
    expected_default_rate: float | None  # mean probability of the granted
    outcomes_known: int
    expected_default_rate_known: float | None  # the same, over the granted with an outcome
    observed_default_rate: float | None
    auc: float | None  # needs both repaid and defaulted outcomes


@dataclass(frozen=True)
class CalibrationBin:
    """Granted applications with an outcome, in one band of predicted probability."""

    predicted: float
    observed: float
    count: int


def vintages(applications: Sequence[DecidedApplication]) -> list[Vintage]:
    """One :class:`Vintage` per month with decisions, oldest first."""
    months: dict[str, list[DecidedApplication]] = {}
    for application in applications:
        months.setdefault(application.decided_at[:7], []).append(application)
    return [_vintage(month, rows) for month, rows in sorted(months.items())]


@dataclass(frozen=True)
class DecisionDay:
    """One day's decisions (UTC), beside the day's drift: how many, granted, overridden."""

    day: str  # YYYY-MM-DD
    decided: int
    granted: int
    overrides: int  # final decision against a granted/refused recommendation
    reviewed: int


def decision_days(applications: Sequence[DecidedApplication]) -> list[DecisionDay]:
    """One :class:`DecisionDay` per day with decisions, oldest first."""
    days: dict[str, list[DecidedApplication]] = {}
    for application in applications:
        days.setdefault(application.decided_at[:10], []).append(application)
    return [
        DecisionDay(
            day=day,
            decided=len(rows),
            granted=sum(a.final_decision == GRANTED for a in rows),
            overrides=sum(
                a.recommendation in (GRANTED, REFUSED) and a.final_decision != a.recommendation
                for a in rows
            ),
            reviewed=sum(a.recommendation not in (GRANTED, REFUSED) for a in rows),
        )
        for day, rows in sorted(days.items())
    ]


def calibration(applications: Sequence[DecidedApplication]) -> list[CalibrationBin]:
    """Observed against predicted default rates of the granted with an outcome, by deciles of
    predicted probability (fewer bands when there are ties or few outcomes)."""
    known = [a for a in applications if a.final_decision == GRANTED and a.outcome is not None]
    if not known:
        return []
    predicted = np.array([a.probability for a in known])
    observed = np.array([a.outcome == DEFAULTED for a in known], dtype=np.float64)
    edges = np.unique(np.quantile(predicted, np.linspace(0, 1, CALIBRATION_BINS + 1)))
    band = np.clip(np.searchsorted(edges, predicted, side="right") - 1, 0, max(len(edges) - 2, 0))
    return [
        CalibrationBin(float(predicted[band == b].mean()), float(observed[band == b].mean()),
                       int((band == b).sum()))
        for b in np.unique(band)
    ]  # fmt: skip


def auc(probabilities: np.ndarray, defaulted: np.ndarray) -> float | None:
    """ROC AUC from ranks (the Mann-Whitney statistic), None without both outcomes; ties
    count half, as every AUC does."""
    positives, negatives = int(defaulted.sum()), int((~defaulted).sum())
    if positives == 0 or negatives == 0:
        return None
    ranks = rankdata(probabilities)
    return float(
        (ranks[defaulted].sum() - positives * (positives + 1) / 2) / (positives * negatives)
    )


def _vintage(month: str, rows: list[DecidedApplication]) -> Vintage:
    granted = [a for a in rows if a.final_decision == GRANTED]
    known = [a for a in granted if a.outcome is not None]
    decided_by_model = [a for a in rows if a.recommendation in (GRANTED, REFUSED)]
    overrides = sum(a.final_decision != a.recommendation for a in decided_by_model)
    defaulted = np.array([a.outcome == DEFAULTED for a in known], dtype=bool)
    return Vintage(
        month=month,
        decided=len(rows),
        approval_rate=len(granted) / len(rows),
        override_rate=overrides / len(rows),
        reviewed=len(rows) - len(decided_by_model),
        expected_default_rate=_mean([a.probability for a in granted]),
        outcomes_known=len(known),
        expected_default_rate_known=_mean([a.probability for a in known]),
        observed_default_rate=float(defaulted.mean()) if known else None,
        auc=auc(np.array([a.probability for a in known]), defaulted),
    )


def _mean(values: list[float]) -> float | None:
    return float(np.mean(values)) if values else None
