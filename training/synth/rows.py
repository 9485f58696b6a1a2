"""Sample rows of a history table from its calibrated copula, given client propensities."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

from training.synth.copula import GaussianCopula
from training.synth.history_model import PROPENSITY, SIGNALS
from training.synth.marginals import Marginal, uniforms_from_normals


def history_copula(name: str, table_stats: dict[str, Any]) -> GaussianCopula:
    """The sample's row copula plus the propensity dimension declared for this table."""
    copula = GaussianCopula(
        tuple(table_stats["copula"]["dims"]), np.asarray(table_stats["copula"]["correlation"])
    )
    signals = {d: r for d, r in SIGNALS.get(name, {}).items() if d in copula.dims}
    return copula.with_dimension(PROPENSITY, signals)


def sample_rows(
    name: str,
    table_stats: dict[str, Any],
    propensity: np.ndarray,
    rng: np.random.Generator,
    given: dict[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """One row per propensity value: every sampled column, with its missing values."""
    copula = history_copula(name, table_stats)
    latent = copula.sample(len(propensity), rng, {PROPENSITY: propensity, **(given or {})})
    out: dict[str, np.ndarray] = {}
    for dim, data in table_stats["marginals"].items():
        marginal = Marginal.from_json(data)
        values = marginal.sample(uniforms_from_normals(latent[dim]))
        missing_dim = f"MISSING:{dim}"
        if missing_dim in latent:
            missing = latent[missing_dim] > stats.norm.ppf(1.0 - marginal.missing)
        else:
            missing = rng.random(len(values)) < marginal.missing
        if values.dtype == object:
            values[missing] = None
        else:
            values = np.where(missing, np.nan, values)
        out[dim] = values
    return out


def counts_per_parent(
    coverage: float, mean_if_covered: float, scale: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """How many child rows each parent gets, like the full data's coverage and volume.

    A parent has rows with probability ``coverage``; one that does gets 1 + a negative
    binomial count (overdispersed, as real histories are) whose mean matches
    ``mean_if_covered`` on average, scaled per parent (older clients have more history).
    """
    dispersion = 1.5
    extra_mean = np.maximum((mean_if_covered - 1.0) * scale, 1e-6)
    extra = rng.negative_binomial(dispersion, dispersion / (dispersion + extra_mean))
    covered = rng.random(len(scale)) < coverage
    return np.where(covered, 1 + extra, 0).astype(np.int64)
