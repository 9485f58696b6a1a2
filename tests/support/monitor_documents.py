"""Monitor documents for the report's tests: the real summary over real reference bins of
training-like data, a period whose counts moved by known amounts, and a few decisions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from scoring.features import FEATURE_NAMES
from scoring.monitoring.bins import Bins, reference_bins
from scoring.monitoring.summary import summary
from scoring.policy import GRANTED, REFUSED, REVIEW
from scoring.records.drift import WindowCounts
from scoring.records.vintages import DecidedApplication

MODEL = "credit_scoring:monitor-test"
ROWS = 4_000  # training rows
PER_DAY = 600  # live applications a day
# Shifts in standard deviations of the live population: PSI ≈ shift², so 1.2 is beyond the
# action threshold, 0.45 between the thresholds, and the other features stay stable.
ACT_SHIFT = {"AMT_INCOME_TOTAL": 1.2, "AMT_CREDIT": 1.0}
WATCH_SHIFT = {"DAYS_BIRTH": 0.45}
MORE_MISSING = "OWN_CAR_AGE"  # half missing now, a fifth in training
NEW_VALUES = "CNT_CHILDREN"  # counts above anything training held


def _column(rng: np.random.Generator, name: str, rows: int, shift: float) -> np.ndarray:
    """Training-like values of ``name``: 0/1 flags, small counts, or amounts of some scale."""
    if name.startswith(("FLAG_", "REG_", "LIVE_", "CODE_")):
        return (rng.random(rows) < 0.3 + 0.2 * shift).astype(float)
    if name.startswith("CNT_"):
        return rng.integers(0, 3, rows).astype(float)
    scale = 10.0 ** (sum(map(ord, name)) % 5)  # a fixed scale per name: 1 to 10,000
    return (rng.normal(size=rows) + shift) * scale


def _matrix(rng: np.random.Generator, names: tuple[str, ...], rows: int, live: bool) -> np.ndarray:
    shifts: Mapping[str, float] = {**ACT_SHIFT, **WATCH_SHIFT} if live else {}
    matrix = np.column_stack([_column(rng, n, rows, shifts.get(n, 0.0)) for n in names])
    if MORE_MISSING in names:
        column = names.index(MORE_MISSING)
        matrix[rng.random(rows) < (0.5 if live else 0.2), column] = np.nan
    if live and NEW_VALUES in names:
        column = names.index(NEW_VALUES)
        matrix[rng.random(rows) < 0.15, column] = 5.0
    return matrix


def decided() -> list[DecidedApplication]:
    """Three months of decisions: January's outcomes known, February's partly, March's not."""
    rng = np.random.default_rng(7)
    rows = []
    for month, known in (("2026-01", 1.0), ("2026-02", 0.4), ("2026-03", 0.0)):
        for i in range(300):
            probability = float(rng.beta(2, 20))
            recommendation = (
                REFUSED if probability > 0.2 else REVIEW if probability > 0.15 else GRANTED
            )
            final = GRANTED if recommendation != REFUSED and i % 17 else REFUSED
            outcome = None
            if final == GRANTED and rng.random() < known:
                outcome = "defaulted" if rng.random() < probability * 1.3 else "repaid"
            rows.append(
                DecidedApplication(
                    f"{month}-{1 + i % 28:02d}T10:00:00+00:00",
                    MODEL,
                    probability,
                    recommendation,
                    final,
                    outcome,
                )
            )
    return rows


def _reference(rng: np.random.Generator, names: tuple[str, ...]) -> Bins:
    scores = rng.beta(2, 14, ROWS)
    return reference_bins(_matrix(rng, names, ROWS, live=False), names, scores)


def monitor_document(
    features: int = 30, days: int = 7, decisions: Sequence[DecidedApplication] | None = None
) -> dict[str, Any]:
    """The summary of ``days`` live days of the first ``features`` feature names and of
    ``decisions`` (default :func:`decided`): income and credit amount beyond the action
    threshold, age to watch, the rest stable, and the score drifting more each day."""
    rng = np.random.default_rng(0)
    names = tuple(FEATURE_NAMES[:features])
    bins = _reference(rng, names)
    weights = rng.random(features)
    importance = dict(zip(names, weights / weights.sum(), strict=True))
    windows = [
        WindowCounts(
            f"2026-03-{day + 1:02d}T00:00:00.000000+00:00",
            PER_DAY,
            bins.count(
                _matrix(rng, names, PER_DAY, live=True), rng.beta(2, 14 - 1.2 * day, PER_DAY)
            ),
        )
        for day in range(days)
    ]
    return summary(
        MODEL,
        bins,
        importance,
        windows,
        decided() if decisions is None else decisions,
        period=("2026-03-01", f"2026-03-{days + 1:02d}"),
    )


def empty_document(features: int = 30) -> dict[str, Any]:
    """A period in which no application was counted and no decision made."""
    names = tuple(FEATURE_NAMES[:features])
    bins = _reference(np.random.default_rng(1), names)
    return summary(MODEL, bins, {}, [], (), period=("2026-03-01", "2026-03-31"))
