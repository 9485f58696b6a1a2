"""Gaussian copula: the dependence between columns, separate from their marginals.

A Gaussian copula is the simplest model that keeps every marginal exactly as fitted and
the rank correlations seen in the real rows. Conditioning on some dimensions (the
client's latent risk) lets history rows depend on the client they belong to.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

MIN_EIGENVALUE = 1e-3


@dataclass(frozen=True)
class GaussianCopula:
    """Correlation matrix over named dimensions."""

    dims: tuple[str, ...]
    correlation: np.ndarray

    @classmethod
    def fit(cls, scores: pd.DataFrame, min_periods: int = 30) -> GaussianCopula:
        """Pairwise-complete correlation of normal scores, repaired to be positive definite."""
        corr = scores.corr(min_periods=min_periods).fillna(0.0).to_numpy()
        np.fill_diagonal(corr, 1.0)
        return cls(tuple(scores.columns), nearest_correlation(corr))

    def with_dimension(self, name: str, correlations: dict[str, float]) -> GaussianCopula:
        """Add a dimension with given correlations to existing ones (others are 0)."""
        k = len(self.dims)
        corr = np.eye(k + 1)
        corr[:k, :k] = self.correlation
        for dim, value in correlations.items():
            i = self.dims.index(dim)
            corr[i, k] = corr[k, i] = value
        return GaussianCopula((*self.dims, name), nearest_correlation(corr))

    def sample(
        self,
        n: int,
        rng: np.random.Generator,
        given: dict[str, np.ndarray] | None = None,
    ) -> dict[str, np.ndarray]:
        """Draw ``n`` standard-normal vectors, conditioned on the ``given`` dimensions."""
        given = given or {}
        known = [self.dims.index(d) for d in given]
        free = [i for i in range(len(self.dims)) if i not in known]
        corr = self.correlation
        noise = rng.standard_normal((n, len(free)))
        if known:
            z_known = np.column_stack([given[d] for d in given])
            s_kk = corr[np.ix_(known, known)]
            s_fk = corr[np.ix_(free, known)]
            weights = np.linalg.solve(s_kk, s_fk.T).T
            cond_cov = corr[np.ix_(free, free)] - weights @ s_fk.T
            mean = z_known @ weights.T
        else:
            cond_cov = corr[np.ix_(free, free)]
            mean = 0.0
        chol = np.linalg.cholesky(nearest_correlation(cond_cov, rescale=False))
        z_free = mean + noise @ chol.T
        out = {self.dims[i]: z_free[:, j] for j, i in enumerate(free)}
        out.update(given)
        return out


def nearest_correlation(matrix: np.ndarray, rescale: bool = True) -> np.ndarray:
    """Clip eigenvalues so the matrix is positive definite (pairwise estimates may not be)."""
    sym = (matrix + matrix.T) / 2.0
    values, vectors = np.linalg.eigh(sym)
    repaired = (vectors * np.maximum(values, MIN_EIGENVALUE)) @ vectors.T
    if not rescale:
        return repaired
    scale = np.sqrt(np.diag(repaired))
    return repaired / np.outer(scale, scale)
