"""One-dimensional marginals fitted on real rows and sampled from uniforms.

The generator draws correlated normals (see :mod:`training.synth.copula`) and maps each
through one of these inverse CDFs, so every generated column reproduces the real
column's distribution while keeping the real dependence between columns.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

N_QUANTILES = 201
# Columns with at most this many distinct values are sampled as discrete values, so that
# flags, counts and lumpy amounts keep their exact support.
MAX_DISCRETE_VALUES = 40


@dataclass(frozen=True)
class Marginal:
    """A fitted marginal: ``kind`` is "continuous", "discrete" or "category".

    ``support`` holds quantiles (continuous), sorted values (discrete) or levels in
    copula order (category); ``probabilities`` the matching frequencies (discrete and
    category only). ``missing`` is the share of missing values in the real column.
    """

    kind: str
    support: tuple[Any, ...]
    probabilities: tuple[float, ...] = ()
    missing: float = 0.0
    integer: bool = False
    special: float | None = None
    special_rate: float = 0.0

    def sample(self, uniforms: np.ndarray) -> np.ndarray:
        """Values at the given uniforms in (0, 1): the inverse CDF.

        A sentinel (``special``) keeps its place in the order: above every regular value
        like 365243, or below them like -1.
        """
        if self.special_rate == 0:
            return self._regular(uniforms)
        regular = 1.0 - self.special_rate
        if self.special > self.support[-1]:
            values = self._regular(np.minimum(uniforms / regular, 1.0))
            return np.where(uniforms > regular, self.special, values)
        values = self._regular(np.maximum((uniforms - self.special_rate) / regular, 0.0))
        return np.where(uniforms < self.special_rate, self.special, values)

    def _regular(self, uniforms: np.ndarray) -> np.ndarray:
        if self.kind == "continuous":
            grid = np.linspace(0.0, 1.0, len(self.support))
            values = np.interp(uniforms, grid, np.asarray(self.support, dtype=np.float64))
            return np.round(values) if self.integer else values
        cumulative = np.cumsum(self.probabilities)
        index = np.searchsorted(cumulative / cumulative[-1], uniforms, side="right")
        index = np.minimum(index, len(self.support) - 1)
        return np.asarray(self.support, dtype=object if self.kind == "category" else float)[index]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Marginal:
        return cls(
            kind=data["kind"],
            support=tuple(data["support"]),
            probabilities=tuple(data["probabilities"]),
            missing=data["missing"],
            integer=data["integer"],
            special=data["special"],
            special_rate=data["special_rate"],
        )


def fit_numeric(values: pd.Series, integer: bool, special: float | None = None) -> Marginal:
    """Fit a numeric column: discrete support when it has few distinct values.

    A ``special`` sentinel value is kept apart with its rate, so it is neither
    interpolated into the regular values nor lost.
    """
    present = values.dropna().to_numpy(dtype=np.float64)
    missing = 1.0 - len(present) / max(len(values), 1)
    is_special = present == special if special is not None else np.zeros(len(present), bool)
    special_rate = float(is_special.mean()) if len(present) else 0.0
    present = present[~is_special]
    kept_special = special if special_rate > 0 else None
    distinct, counts = np.unique(present, return_counts=True)
    if len(distinct) <= MAX_DISCRETE_VALUES:
        return Marginal(
            "discrete",
            tuple(distinct.tolist()),
            tuple((counts / counts.sum()).tolist()),
            missing,
            integer,
            kept_special,
            special_rate,
        )
    quantiles = np.quantile(present, np.linspace(0.0, 1.0, N_QUANTILES))
    return Marginal(
        "continuous", tuple(quantiles.tolist()), (), missing, integer, kept_special, special_rate
    )


def fit_category(values: pd.Series, order: list[str]) -> Marginal:
    """Fit a categorical column with its levels in the given (copula) order."""
    present = values.dropna().astype(str)
    counts = present.value_counts()
    levels = [level for level in order if counts.get(level, 0) > 0]
    probabilities = [counts[level] / counts.sum() for level in levels]
    missing = 1.0 - len(present) / max(len(values), 1)
    return Marginal("category", tuple(levels), tuple(probabilities), missing)


def normal_scores(values: pd.Series) -> pd.Series:
    """Van der Waerden scores Φ⁻¹((rank − ½)/n), ties sharing the mean rank; NaN kept."""
    ranks = values.rank(method="average")
    n = values.notna().sum()
    return pd.Series(stats.norm.ppf((ranks - 0.5) / n), index=values.index)


def risk_order(values: pd.Series, target: pd.Series, prior_weight: float = 50.0) -> list[str]:
    """Levels sorted by smoothed default rate, so one latent normal can carry their risk."""
    frame = pd.DataFrame({"level": values.astype("string"), "target": target}).dropna()
    overall = frame["target"].mean()
    grouped = frame.groupby("level")["target"].agg(["sum", "count"])
    smoothed = (grouped["sum"] + prior_weight * overall) / (grouped["count"] + prior_weight)
    return smoothed.sort_values(kind="stable").index.astype(str).tolist()


def uniforms_from_normals(normals: np.ndarray) -> np.ndarray:
    """Φ(z), kept strictly inside (0, 1)."""
    return np.clip(stats.norm.cdf(normals), 1e-12, 1.0 - 1e-12)
