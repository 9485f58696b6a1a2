"""How far a period's population stands from the training reference: the population
stability index (PSI) of each column, its missing rate, and its share of values in bins the
training data never filled.

PSI = Σ (current share − reference share) × ln(current share / reference share), over the
value bins and the missing bin. An empty bin on either side would make it infinite, so every
share is floored at :data:`FLOOR` (credit-risk practice; it caps one empty bin's term at about
0.1 × ln(1000) ≈ 0.7). Thresholds (``watch`` 0.10, ``act`` 0.25 by default) are the usual ones
of credit-risk model monitoring.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from scoring.monitoring.bins import MISSING, Bins

FLOOR = 1e-4
WATCH = 0.10
ACT = 0.25
Level = Literal["stable", "watch", "act", "no data"]


@dataclass(frozen=True)
class Stability:
    """One column over one period, against the reference."""

    name: str
    psi: float | None  # None: no application in the period
    missing: float | None
    reference_missing: float
    unseen: float | None  # share of values in bins that held no training value
    level: Level
    current: tuple[float, ...]  # shares per bin, missing last (empty when no data)
    reference: tuple[float, ...]


def psi(reference: np.ndarray, current: np.ndarray) -> np.ndarray:
    """PSI of each row of shares (columns, bins) against the reference's same row."""
    expected = np.maximum(reference, FLOOR)
    actual = np.maximum(current, FLOOR)
    return ((actual - expected) * np.log(actual / expected)).sum(axis=-1)


def level(value: float | None, watch: float = WATCH, act: float = ACT) -> Level:
    """Where a PSI stands against the thresholds."""
    if value is None:
        return "no data"
    return "act" if value >= act else "watch" if value >= watch else "stable"


def stability(
    bins: Bins, counts: np.ndarray, watch: float = WATCH, act: float = ACT
) -> list[Stability]:
    """Every column's stability, in ``bins.names`` order, from a period's ``counts``."""
    rows = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = counts / rows[:, None]
    values = psi(bins.reference, shares)
    value_bins = np.arange(counts.shape[1]) != MISSING
    unseen_bins = (bins.reference == 0.0) & value_bins
    result = []
    for i, name in enumerate(bins.names):
        seen = rows[i] > 0
        index = float(values[i]) if seen else None
        result.append(
            Stability(
                name=name,
                psi=index,
                missing=float(shares[i, MISSING]) if seen else None,
                reference_missing=float(bins.reference[i, MISSING]),
                unseen=float(shares[i, unseen_bins[i]].sum()) if seen else None,
                level=level(index, watch, act),
                current=tuple(float(s) for s in shares[i]) if seen else (),
                reference=tuple(float(s) for s in bins.reference[i]),
            )
        )
    return result
