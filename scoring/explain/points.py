"""Risk in percentage points: what an advisor reads instead of log-odds.

The model adds its factors in log-odds; people think in chances. Starting from the risk of
an applicant whose every factor is at its average (the explainer's base value), the
waterfall adds the groups one at a time in the order drawn, and each step is the change of
probability that group makes at that point. Along that order the steps are exact: they sum
to the client's probability minus the starting risk, to rounding error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def probability(log_odds: float | np.ndarray) -> np.ndarray:
    """The logistic function, computed without overflow for large log-odds."""
    z = np.asarray(log_odds, dtype=np.float64)
    return np.exp(-np.logaddexp(0.0, -z))


@dataclass(frozen=True)
class Step:
    """One group's step of the waterfall, in probability (0–1) and in log-odds."""

    index: int  # position of the group in the caller's arrays
    log_odds: float
    points: float  # change of probability at this step (0.012 = 1.2 points)
    before: float
    after: float


def waterfall(
    base_value: float, contributions: np.ndarray, served: float | None = None
) -> tuple[float, list[Step]]:
    """The starting risk and one step per non-zero contribution, largest change first.

    ``contributions`` are log-odds per group (they sum, with ``base_value``, to the
    client's log-odds). Steps are ordered by the size of their log-odds, so the factors
    that matter most come first; zero contributions make no step. With ``served``, the
    probability the served graph gave, the last step ends exactly there: TreeSHAP and the
    ONNX graph agree to about 1e-7 in log-odds, a difference no advisor could see, and the
    steps then add up to the very probability the decision was taken on.
    """
    values = np.asarray(contributions, dtype=np.float64)
    order = [int(i) for i in np.argsort(-np.abs(values), kind="stable") if values[i] != 0.0]
    cumulative = base_value + np.cumsum(values[order]) if order else np.array([])
    risks = probability(np.concatenate([[base_value], cumulative]))
    if served is not None and order:
        risks[-1] = served
    steps = [
        Step(
            i,
            float(values[i]),
            float(risks[k + 1] - risks[k]),
            float(risks[k]),
            float(risks[k + 1]),
        )
        for k, i in enumerate(order)
    ]
    return float(risks[0]), steps
