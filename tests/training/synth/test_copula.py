"""The Gaussian copula and the row-count helpers recover what they are given.

The copula carries every dependence in the synthetic data (between columns, and from a
client's latent risk to its history rows); ``expand`` and ``counts_per_parent`` decide
how many history rows each client gets. Known inputs, known answers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from training.synth.copula import MIN_EIGENVALUE, GaussianCopula, nearest_correlation
from training.synth.marginals import normal_scores
from training.synth.rows import counts_per_parent
from training.synth.sequences import expand, propensity

KNOWN = {
    "pair": np.array([[1.0, 0.6], [0.6, 1.0]]),
    "three": np.array([[1.0, -0.4, 0.3], [-0.4, 1.0, 0.5], [0.3, 0.5, 1.0]]),
    "four": np.array(
        [
            [1.0, 0.8, 0.0, -0.2],
            [0.8, 1.0, 0.1, -0.3],
            [0.0, 0.1, 1.0, 0.45],
            [-0.2, -0.3, 0.45, 1.0],
        ]
    ),
}
# Monotone maps applied before fitting: normal scores must see through them.
WARPS = (np.exp, lambda z: z**3, lambda z: np.round(10 * z), lambda z: np.log1p(np.exp(z)))


def _draw(correlation: np.ndarray, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.multivariate_normal(np.zeros(len(correlation)), correlation, size=n)


def _scores(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({c: normal_scores(frame[c]) for c in frame.columns})


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("name", list(KNOWN))
def test_fit_recovers_known_correlation(name: str, seed: int) -> None:
    """Normal scores of monotone-warped Gaussian columns give back the correlation (±0.03)."""
    truth = KNOWN[name]
    z = _draw(truth, 20_000, seed)
    frame = pd.DataFrame({f"c{i}": WARPS[i](z[:, i]) for i in range(len(truth))})
    copula = GaussianCopula.fit(_scores(frame))
    assert copula.dims == tuple(frame.columns)
    np.testing.assert_allclose(copula.correlation, truth, atol=0.03)


def test_fit_uses_pairwise_complete_rows() -> None:
    """Missing values in one column (at random) do not bias its correlations."""
    truth = KNOWN["three"]
    z = _draw(truth, 20_000, 3)
    frame = pd.DataFrame(z, columns=["a", "b", "c"])
    frame.loc[np.random.default_rng(4).random(len(frame)) < 0.6, "b"] = np.nan
    copula = GaussianCopula.fit(_scores(frame))
    np.testing.assert_allclose(copula.correlation, truth, atol=0.03)


def test_fit_zeroes_pairs_without_enough_overlap() -> None:
    """Columns that are never observed together get correlation 0, not NaN."""
    rng = np.random.default_rng(0)
    x, noise = rng.normal(size=(2, 2_000))
    related = 0.5 * x + np.sqrt(0.75) * noise
    first = np.arange(2_000) < 1_000
    frame = pd.DataFrame(
        {"a": x, "b": np.where(first, related, np.nan), "c": np.where(first, np.nan, related)}
    )
    corr = GaussianCopula.fit(_scores(frame)).correlation
    assert corr[1, 2] == pytest.approx(0.0, abs=1e-9)
    assert corr[0, 1] == pytest.approx(0.5, abs=0.08)
    assert corr[0, 2] == pytest.approx(0.5, abs=0.08)
    assert np.isfinite(corr).all()


NOT_PSD = [
    np.array([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]]),
    np.array(
        [
            [1.0, 0.99, 0.99, 0.0],
            [0.99, 1.0, 0.99, 0.99],
            [0.99, 0.99, 1.0, -0.99],
            [0.0, 0.99, -0.99, 1.0],
        ]
    ),
    np.array([[1.0, 1.0], [1.0, 1.0]]),
]


@pytest.mark.parametrize("matrix", NOT_PSD, ids=["triangle", "four", "singular"])
def test_nearest_correlation_repairs_indefinite_matrix(matrix: np.ndarray) -> None:
    """A pairwise estimate that is not a correlation becomes a positive-definite one."""
    repaired = nearest_correlation(matrix)
    np.testing.assert_allclose(np.diag(repaired), 1.0)
    np.testing.assert_allclose(repaired, repaired.T)
    assert np.linalg.eigvalsh(repaired).min() > 0
    np.linalg.cholesky(repaired)
    assert np.all(np.abs(repaired) <= 1.0 + 1e-12)
    assert np.sign(repaired[0, 1]) == np.sign(matrix[0, 1])


@pytest.mark.parametrize("name", list(KNOWN))
def test_nearest_correlation_keeps_valid_matrix(name: str) -> None:
    """A well-conditioned correlation matrix is returned unchanged."""
    np.testing.assert_allclose(nearest_correlation(KNOWN[name]), KNOWN[name], atol=1e-12)


def test_nearest_correlation_without_rescale_keeps_covariance_scale() -> None:
    """rescale=False clips eigenvalues only (used for conditional covariances)."""
    covariance = np.array([[0.36, 0.1], [0.1, 0.5]])
    np.testing.assert_allclose(nearest_correlation(covariance, rescale=False), covariance)
    clipped = nearest_correlation(np.zeros((2, 2)), rescale=False)
    np.testing.assert_allclose(clipped, MIN_EIGENVALUE * np.eye(2))


@pytest.mark.parametrize("name", list(KNOWN))
def test_unconditional_sample_has_the_correlation(name: str) -> None:
    """Samples are standard normal with the copula's correlation."""
    truth = KNOWN[name]
    dims = tuple(f"d{i}" for i in range(len(truth)))
    draws = GaussianCopula(dims, truth).sample(40_000, np.random.default_rng(0))
    frame = pd.DataFrame(draws)[list(dims)]
    np.testing.assert_allclose(frame.mean(), 0.0, atol=0.02)
    np.testing.assert_allclose(frame.std(), 1.0, atol=0.02)
    np.testing.assert_allclose(frame.corr().to_numpy(), truth, atol=0.02)


@pytest.mark.parametrize("rho", [-0.7, 0.0, 0.35, 0.9])
def test_conditional_sample_regression(rho: float) -> None:
    """Given x, the free y has mean rho·x and variance 1 - rho² (slope and residual)."""
    copula = GaussianCopula(("x", "y"), np.array([[1.0, rho], [rho, 1.0]]))
    x = np.random.default_rng(1).standard_normal(40_000)
    draws = copula.sample(len(x), np.random.default_rng(2), given={"x": x})
    np.testing.assert_array_equal(draws["x"], x)
    slope, intercept = np.polyfit(x, draws["y"], 1)
    residual = draws["y"] - (slope * x + intercept)
    assert slope == pytest.approx(rho, abs=0.02)
    assert intercept == pytest.approx(0.0, abs=0.02)
    assert residual.var() == pytest.approx(1.0 - rho**2, abs=0.02)


def test_conditional_sample_on_two_given_dimensions() -> None:
    """With two given dimensions the free one regresses on both with Σ_fk Σ_kk⁻¹."""
    truth = KNOWN["three"]
    copula = GaussianCopula(("a", "b", "c"), truth)
    known = _draw(truth[:2, :2], 40_000, 5)
    given = {"a": known[:, 0], "b": known[:, 1]}
    draws = copula.sample(len(known), np.random.default_rng(6), given=given)
    weights = np.linalg.solve(truth[:2, :2], truth[:2, 2])
    fitted, *_ = np.linalg.lstsq(known, draws["c"], rcond=None)
    np.testing.assert_allclose(fitted, weights, atol=0.02)
    expected_var = truth[2, 2] - truth[2, :2] @ weights
    assert (draws["c"] - known @ fitted).var() == pytest.approx(expected_var, abs=0.02)


def test_with_dimension_sets_requested_correlations() -> None:
    """A new dimension gets the asked correlations, 0 with the others, the old block kept."""
    base = GaussianCopula(("a", "b", "c"), KNOWN["three"])
    extended = base.with_dimension("risk", {"a": 0.3, "c": -0.2})
    assert extended.dims == ("a", "b", "c", "risk")
    np.testing.assert_allclose(extended.correlation[:3, :3], KNOWN["three"], atol=1e-9)
    np.testing.assert_allclose(extended.correlation[3], [0.3, 0.0, -0.2, 1.0], atol=1e-9)
    np.testing.assert_allclose(extended.correlation[:, 3], [0.3, 0.0, -0.2, 1.0], atol=1e-9)
    assert base.dims == ("a", "b", "c"), "the original copula must not change"


def test_with_dimension_repairs_infeasible_request() -> None:
    """Contradictory requests still give a valid correlation matrix, signs kept."""
    base = GaussianCopula(("a", "b"), np.array([[1.0, -0.9], [-0.9, 1.0]]))
    extended = base.with_dimension("risk", {"a": 0.9, "b": 0.9})
    np.testing.assert_allclose(np.diag(extended.correlation), 1.0)
    assert np.linalg.eigvalsh(extended.correlation).min() > 0
    assert extended.correlation[0, 2] > 0
    assert extended.correlation[1, 2] > 0


def test_with_dimension_rejects_unknown_dimension() -> None:
    """Asking for a correlation with a dimension that does not exist is an error."""
    base = GaussianCopula(("a",), np.eye(1))
    with pytest.raises(ValueError):
        base.with_dimension("risk", {"nope": 0.5})


EXPAND_CASES = [
    ([2, 0, 3, 1], [0, 0, 2, 2, 2, 3], [0, 1, 0, 1, 2, 0]),
    ([0, 0], [], []),
    ([], [], []),
    ([1], [0], [0]),
    ([-2, 2], [1, 1], [0, 1]),
]


@pytest.mark.parametrize(("lengths", "parent", "position"), EXPAND_CASES)
def test_expand_known_cases(lengths: list[int], parent: list[int], position: list[int]) -> None:
    """Parent index and 0-based position per child row; negative lengths count as 0."""
    got_parent, got_position = expand(np.array(lengths, dtype=np.int64))
    np.testing.assert_array_equal(got_parent, parent)
    np.testing.assert_array_equal(got_position, position)


@pytest.mark.parametrize("seed", range(5))
def test_expand_matches_loop(seed: int) -> None:
    """Random lengths agree with a plain Python loop (the oracle)."""
    lengths = np.random.default_rng(seed).integers(0, 6, 50)
    parent = [p for p, k in enumerate(lengths) for _ in range(k)]
    position = [i for k in lengths for i in range(k)]
    got_parent, got_position = expand(lengths)
    np.testing.assert_array_equal(got_parent, parent)
    np.testing.assert_array_equal(got_position, position)


COUNT_CASES = [
    # coverage, mean rows per covered parent (full-data bureau, previous; card-like).
    # The "by_age" scale averages 1, so the mean among covered parents is unchanged.
    (305_811 / 356_255, 1_716_428 / 305_811),
    (338_857 / 356_255, 1_670_214 / 338_857),
    (0.3, 36.8),
]


@pytest.mark.parametrize(("coverage", "mean"), COUNT_CASES, ids=["bureau", "previous", "cards"])
@pytest.mark.parametrize("varied_scale", [False, True], ids=["flat", "by_age"])
def test_counts_per_parent_coverage_and_volume(
    coverage: float, mean: float, varied_scale: bool
) -> None:
    """Share of parents with rows and mean rows among them match the targets (±3%)."""
    rng = np.random.default_rng(0)
    n = 200_000
    scale = rng.uniform(0.4, 1.6, n) if varied_scale else np.ones(n)
    counts = counts_per_parent(coverage, mean, scale, np.random.default_rng(1))
    assert counts.dtype == np.int64
    assert counts.min() >= 0
    covered = counts > 0
    assert covered.mean() == pytest.approx(coverage, rel=0.03)
    assert counts[covered].mean() == pytest.approx(mean, rel=0.03)


def test_counts_per_parent_scale_drives_volume() -> None:
    """Parents with a larger scale (older clients) get more rows."""
    n = 100_000
    scale = np.r_[np.full(n, 0.5), np.full(n, 1.5)]
    counts = counts_per_parent(1.0, 5.0, scale, np.random.default_rng(0))
    assert counts[:n].mean() == pytest.approx(1 + 4 * 0.5, rel=0.03)
    assert counts[n:].mean() == pytest.approx(1 + 4 * 1.5, rel=0.03)


def test_counts_per_parent_single_row_when_mean_is_one() -> None:
    """A mean of one row per covered parent gives exactly one row each."""
    counts = counts_per_parent(0.5, 1.0, np.ones(10_000), np.random.default_rng(0))
    assert set(np.unique(counts)) == {0, 1}


@pytest.mark.parametrize("shared", [0.0, 0.55, 0.9])
def test_propensity_shares_the_risk(shared: float) -> None:
    """A propensity is standard normal with correlation ``shared`` to the latent risk."""
    risk = np.random.default_rng(0).standard_normal(50_000)
    value = propensity(risk, shared, np.random.default_rng(1))
    assert value.std() == pytest.approx(1.0, abs=0.02)
    assert np.corrcoef(risk, value)[0, 1] == pytest.approx(shared, abs=0.02)
