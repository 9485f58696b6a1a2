"""Reference statistics of the training features: peer comparison and drift monitoring.

Percentiles rather than rows: the dashboard places a client among peers, and a drift
monitor compares live distributions with these, without the training data leaving
the training environment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from scoring.monitoring.bins import reference_bins

PERCENTILES = np.arange(0, 101)


def column_reference(values: np.ndarray) -> dict[str, Any]:
    """Missing share, mean, standard deviation and the 0-100th percentiles of one column."""
    present = values[~np.isnan(values)]
    if len(present) == 0:
        return {"missing": 1.0, "mean": None, "std": None, "percentiles": None}
    return {
        "missing": float(1.0 - len(present) / len(values)),
        "mean": float(present.mean()),
        "std": float(present.std()),
        "percentiles": np.percentile(present, PERCENTILES).tolist(),
    }


def feature_reference(
    values: np.ndarray,
    names: Sequence[str],
    scores: np.ndarray,
    importance: Mapping[str, float],
) -> dict[str, Any]:
    """Reference of every feature plus the out-of-fold score distribution; the bins the
    monitor counts live values into, and each feature's share of the model's weight (mean
    |contribution|), to rank drifted features by how much they matter."""
    total = sum(importance.values()) or 1.0
    return {
        "rows": int(values.shape[0]),
        "percentile_levels": PERCENTILES.tolist(),
        "features": {name: column_reference(values[:, i]) for i, name in enumerate(names)},
        "score": column_reference(np.asarray(scores, dtype=np.float64)),
        "bins": reference_bins(values, names, scores).to_json(),
        "importance": {name: float(importance.get(name, 0.0)) / total for name in names},
    }
