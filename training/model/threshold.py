"""The decision threshold that minimises the business cost of errors.

A loan is refused when its probability of default reaches the threshold. Granting a loan
to a defaulter (a false grant) costs far more than refusing a good client (a false
refusal): 10 against 1 by default. The threshold is the exact minimiser of the empirical
cost on out-of-fold probabilities, searched over every distinct score, not on a grid.

For perfectly calibrated probabilities, refusing is worth it as soon as the expected cost
of granting, ``p · false_grant``, exceeds that of refusing, ``(1 - p) · false_refusal``.
This gives the Bayes-optimal reference ``false_refusal / (false_grant + false_refusal)``,
1/11 ≈ 0.091 for the default costs (:attr:`CostMatrix.bayes_threshold`). The empirical
threshold is compared with it: a large gap points to miscalibration or sampling noise.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from numbers import Real

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class CostMatrix:
    """Cost of each kind of error; only their ratio moves the threshold."""

    false_grant: float = 10.0
    false_refusal: float = 1.0

    def __post_init__(self) -> None:
        for field in ("false_grant", "false_refusal"):
            value = getattr(self, field)
            if not (isinstance(value, Real) and math.isfinite(value) and value > 0):
                raise ValueError(
                    f"cost {field} must be a finite number above 0, got {value!r}: "
                    "a zero or negative cost would make that error free or rewarded"
                )

    @property
    def bayes_threshold(self) -> float:
        """Optimal threshold for calibrated probabilities: the break-even probability."""
        return self.false_refusal / (self.false_grant + self.false_refusal)

    def to_dict(self) -> dict[str, float]:
        """Plain dict for the model card."""
        return asdict(self)


@dataclass(frozen=True)
class ThresholdChoice:
    """A threshold and what it does on one set of applications.

    Rates whose denominator is empty (recall without defaulters, precision when nobody
    is refused, specificity without good clients) are ``None`` rather than a made-up 0.
    """

    threshold: float
    cost_per_application: float
    total_cost: float
    recall: float | None
    precision: float | None
    specificity: float | None
    approval_rate: float

    def to_dict(self) -> dict[str, float | None]:
        """JSON-ready dict (no NaN)."""
        return asdict(self)


def choose_threshold(
    y_true: np.ndarray, p_default: np.ndarray, costs: CostMatrix | None = None
) -> ThresholdChoice:
    """Exact minimiser of the empirical cost over every distinct candidate threshold.

    Candidates are each distinct score (refuse everyone at or above it, down to refusing
    everybody) plus one above every score (refuse nobody). Scores are sorted once and the
    defaulters refused are cumulated, so the search is O(n log n). A threshold stands for
    the whole interval of thresholds making the same decisions; it is reported as the
    interval's top, and equal costs go to the highest threshold, which grants more.
    """
    costs = costs or CostMatrix()
    y, p = _validate(y_true, p_default)
    order = np.argsort(-p, kind="stable")
    scores, defaulted = p[order], y[order]
    # Number refused at each distinct score: the end of each run of tied scores.
    run_ends = np.flatnonzero(np.r_[scores[1:] != scores[:-1], True]) + 1
    refused = np.r_[0, run_ends]
    true_refusals = np.r_[0, np.cumsum(defaulted)[run_ends - 1]]
    false_refusals = refused - true_refusals
    false_grants = int(y.sum()) - true_refusals
    cost = costs.false_grant * false_grants + costs.false_refusal * false_refusals
    # Candidates run from the highest threshold down; the first minimum grants the most.
    best = int(np.flatnonzero(np.isclose(cost, cost.min(), rtol=1e-12, atol=0.0))[0])
    threshold = _above(scores[0]) if best == 0 else float(scores[refused[best] - 1])
    return _choice(y, threshold, int(false_grants[best]), int(false_refusals[best]), costs)


def decision_metrics(
    y_true: np.ndarray,
    p_default: np.ndarray,
    threshold: float,
    costs: CostMatrix | None = None,
) -> ThresholdChoice:
    """Evaluate a fixed threshold on other data (e.g. the one chosen on OOF, on holdout)."""
    costs = costs or CostMatrix()
    y, p = _validate(y_true, p_default)
    refuse = p >= threshold
    false_grants = int(np.sum(~refuse & (y == 1)))
    false_refusals = int(np.sum(refuse & (y == 0)))
    return _choice(y, float(threshold), false_grants, false_refusals, costs)


def cost_curve(
    y_true: np.ndarray,
    p_default: np.ndarray,
    costs: CostMatrix | None = None,
    n_points: int = 200,
) -> pd.DataFrame:
    """Cost per application on an even grid of thresholds, for plotting.

    The grid stops at the highest score: above it nobody is refused and the cost is flat.
    """
    costs = costs or CostMatrix()
    y, p = _validate(y_true, p_default)
    order = np.argsort(p, kind="stable")
    granted_defaulters = np.r_[0, np.cumsum(y[order])]
    thresholds = np.linspace(0.0, p.max(), n_points)
    granted = np.searchsorted(p[order], thresholds, side="left")
    false_grants = granted_defaulters[granted]
    false_refusals = (len(y) - granted) - (int(y.sum()) - false_grants)
    cost = costs.false_grant * false_grants + costs.false_refusal * false_refusals
    return pd.DataFrame({"threshold": thresholds, "cost_per_application": cost / len(y)})


def _choice(
    y: np.ndarray, threshold: float, false_grants: int, false_refusals: int, costs: CostMatrix
) -> ThresholdChoice:
    """Rates and costs from the two error counts."""
    n, defaulters = len(y), int(y.sum())
    good = n - defaulters
    true_refusals = defaulters - false_grants
    refused = true_refusals + false_refusals
    total = costs.false_grant * false_grants + costs.false_refusal * false_refusals
    return ThresholdChoice(
        threshold=threshold,
        cost_per_application=total / n,
        total_cost=float(total),
        recall=_ratio(true_refusals, defaulters),
        precision=_ratio(true_refusals, refused),
        specificity=_ratio(good - false_refusals, good),
        approval_rate=(n - refused) / n,
    )


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _above(highest: float) -> float:
    """A threshold refusing nobody: 1.0, or just above it if some score is exactly 1."""
    return 1.0 if highest < 1.0 else float(np.nextafter(1.0, 2.0))


def _validate(y_true: np.ndarray, p_default: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Labels in {0, 1} and probabilities in [0, 1], same length, at least one row."""
    y = np.asarray(y_true)
    p = np.asarray(p_default, dtype=np.float64)
    if y.ndim != 1 or p.ndim != 1 or len(y) != len(p):
        raise ValueError(
            f"labels and probabilities must be two 1-D arrays of the same length, "
            f"got shapes {y.shape} and {p.shape}"
        )
    if len(y) == 0:
        raise ValueError("no applications: labels and probabilities are empty")
    if not np.isin(y, (0, 1)).all():
        raise ValueError(f"labels must be 0 (repaid) or 1 (defaulted), got {np.unique(y)[:5]}")
    if not (np.isfinite(p).all() and p.min() >= 0.0 and p.max() <= 1.0):
        raise ValueError("probabilities of default must be finite and within [0, 1]")
    return y.astype(np.int64), p
