"""Fitted marginals give back the distribution they were fitted on.

The generator maps copula normals through these inverse CDFs, so a wrong quantile grid,
a sentinel put on the wrong side or a lost missing rate would skew every generated
column; these tests pin each piece on distributions whose truth is known.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from training.synth.marginals import (
    MAX_DISCRETE_VALUES,
    Marginal,
    fit_category,
    fit_numeric,
    normal_scores,
    risk_order,
)

N = 50_000


def _uniforms(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).random(n)


CONTINUOUS = {
    "normal": lambda rng, n: rng.normal(3.0, 2.0, n),
    "lognormal": lambda rng, n: rng.lognormal(11.0, 0.6, n),
    "exponential": lambda rng, n: rng.exponential(500.0, n),
    "negative_days": lambda rng, n: -rng.gamma(4.0, 900.0, n),
    "bimodal": lambda rng, n: np.where(
        rng.random(n) < 0.3, rng.normal(-5, 1, n), rng.normal(4, 2, n)
    ),
}


@pytest.mark.parametrize("name", list(CONTINUOUS))
def test_continuous_roundtrip_matches_distribution(name: str) -> None:
    """Fitting then sampling reproduces a continuous distribution (two-sample KS small)."""
    rng = np.random.default_rng(0)
    real = CONTINUOUS[name](rng, N)
    marginal = fit_numeric(pd.Series(real), integer=False)
    assert marginal.kind == "continuous"
    generated = marginal.sample(_uniforms(N, 1))
    fresh = CONTINUOUS[name](np.random.default_rng(2), N)
    assert stats.ks_2samp(generated, fresh).statistic < 0.02
    assert generated.min() >= real.min()
    assert generated.max() <= real.max()


def test_continuous_integer_column_is_rounded() -> None:
    """An integer column with many values stays continuous but samples whole numbers."""
    real = np.random.default_rng(0).poisson(300.0, N).astype(float)
    marginal = fit_numeric(pd.Series(real), integer=True)
    assert marginal.kind == "continuous"
    generated = marginal.sample(_uniforms(N, 1))
    np.testing.assert_array_equal(generated, np.round(generated))
    assert stats.ks_2samp(generated, real).statistic < 0.02


def test_inverse_cdf_is_monotone() -> None:
    """Larger uniforms never give smaller values: the copula's ranks carry through."""
    real = np.random.default_rng(0).lognormal(0.0, 1.0, 5_000)
    marginal = fit_numeric(pd.Series(real), integer=False)
    values = marginal.sample(np.linspace(1e-9, 1 - 1e-9, 10_001))
    assert np.all(np.diff(values) >= 0)
    assert values[0] == pytest.approx(real.min())
    assert values[-1] == pytest.approx(real.max())


DISCRETE = [
    ((0.0, 1.0), (0.92, 0.08)),
    ((0.0, 1.0, 2.0, 3.0, 5.0), (0.70, 0.20, 0.06, 0.03, 0.01)),
    ((-2.5, 0.0, 135_000.0), (0.1, 0.6, 0.3)),
]


@pytest.mark.parametrize(("support", "probabilities"), DISCRETE)
def test_discrete_frequencies_are_reproduced(
    support: tuple[float, ...], probabilities: tuple[float, ...]
) -> None:
    """Few distinct values: exact support kept and each value's frequency reproduced."""
    rng = np.random.default_rng(0)
    real = rng.choice(support, N, p=probabilities)
    marginal = fit_numeric(pd.Series(real), integer=False)
    assert marginal.kind == "discrete"
    assert marginal.support == support
    np.testing.assert_allclose(marginal.probabilities, probabilities, atol=0.01)
    generated = marginal.sample(_uniforms(N, 1))
    assert set(np.unique(generated)) <= set(support)
    observed = [(generated == value).mean() for value in support]
    np.testing.assert_allclose(observed, probabilities, atol=0.01)


def test_discrete_threshold_switches_kind() -> None:
    """Up to MAX_DISCRETE_VALUES distinct values is discrete, one more is continuous."""
    values = pd.Series(np.arange(MAX_DISCRETE_VALUES, dtype=float))
    assert fit_numeric(values, integer=True).kind == "discrete"
    more = pd.Series(np.arange(MAX_DISCRETE_VALUES + 1, dtype=float))
    assert fit_numeric(more, integer=True).kind == "continuous"


CATEGORIES = [
    (["low", "mid", "high"], (0.5, 0.3, 0.2)),
    (["Approved", "Unused offer", "Canceled", "Refused"], (0.62, 0.02, 0.19, 0.17)),
    (["Y", "N"], (0.34, 0.66)),
]


@pytest.mark.parametrize(("order", "probabilities"), CATEGORIES)
def test_category_keeps_order_and_frequencies(
    order: list[str], probabilities: tuple[float, ...]
) -> None:
    """Levels stay in the given copula order (not by frequency) with their frequencies."""
    rng = np.random.default_rng(0)
    real = pd.Series(rng.choice(order, N, p=probabilities))
    marginal = fit_category(real, [*order, "never seen"])
    assert marginal.kind == "category"
    assert list(marginal.support) == order
    np.testing.assert_allclose(marginal.probabilities, probabilities, atol=0.01)
    generated = marginal.sample(_uniforms(N, 1))
    observed = [(generated == level).mean() for level in order]
    np.testing.assert_allclose(observed, probabilities, atol=0.01)
    ranked = marginal.sample(np.sort(_uniforms(2_000, 2)))
    codes = np.array([order.index(level) for level in ranked])
    assert np.all(np.diff(codes) >= 0), "low uniforms must map to the first levels"


SENTINELS = [
    # special, rate, regular values (all on the other side of the special)
    (365243.0, 0.18, lambda rng, n: -rng.gamma(2.0, 1_200.0, n)),
    (365243.0, 0.05, lambda rng, n: rng.choice([-30.0, -60.0, -90.0], n)),
    (-1.0, 0.25, lambda rng, n: rng.exponential(20.0, n)),
    (-1.0, 0.60, lambda rng, n: rng.choice([0.0, 1.0, 2.0], n)),
]


@pytest.mark.parametrize(("special", "rate", "regular"), SENTINELS)
def test_sentinel_keeps_share_and_position(special: float, rate: float, regular) -> None:
    """A sentinel keeps its share, stays out of the regular support and keeps its side."""
    rng = np.random.default_rng(0)
    real = np.where(rng.random(N) < rate, special, regular(rng, N))
    marginal = fit_numeric(pd.Series(real), integer=False, special=special)
    assert marginal.special == special
    assert marginal.special_rate == pytest.approx((real == special).mean())
    assert special not in marginal.support
    generated = marginal.sample(_uniforms(N, 1))
    assert (generated == special).mean() == pytest.approx(rate, abs=0.01)
    regular_real = real[real != special]
    regular_generated = generated[generated != special]
    assert stats.ks_2samp(regular_generated, regular_real).statistic < 0.02
    ordered = marginal.sample(np.linspace(1e-9, 1 - 1e-9, 10_001))
    assert np.all(np.diff(ordered) >= 0), "the sentinel must sit at its end of the order"
    above = special > regular_real.max()
    assert ordered[-1 if above else 0] == special
    assert ordered[0 if above else -1] != special


def test_absent_sentinel_is_not_recorded() -> None:
    """A declared sentinel that never occurs leaves the marginal without one."""
    values = pd.Series(np.random.default_rng(0).normal(size=1_000))
    marginal = fit_numeric(values, integer=False, special=365243.0)
    assert marginal.special is None
    assert marginal.special_rate == 0.0


@pytest.mark.parametrize("missing", [0.0, 0.07, 0.5, 0.93])
@pytest.mark.parametrize("kind", ["continuous", "discrete", "category"])
def test_missing_rate_recorded_and_not_sampled(kind: str, missing: float) -> None:
    """The missing share is recorded exactly and never leaks into the sampled values."""
    rng = np.random.default_rng(0)
    n = 20_000
    if kind == "category":
        values = pd.Series(rng.choice(["a", "b", "c"], n), dtype=object)
    elif kind == "discrete":
        values = pd.Series(rng.integers(0, 4, n).astype(float))
    else:
        values = pd.Series(rng.normal(size=n))
    blank = rng.random(n) < missing
    values[blank] = None if kind == "category" else np.nan
    marginal = (
        fit_category(values, ["a", "b", "c"]) if kind == "category" else fit_numeric(values, False)
    )
    assert marginal.kind == kind
    assert marginal.missing == pytest.approx(blank.mean())
    generated = pd.Series(marginal.sample(_uniforms(5_000, 1)))
    assert generated.notna().all()


def test_json_roundtrip() -> None:
    """A marginal survives the JSON form used by reference_stats.json."""
    values = pd.Series(np.r_[np.random.default_rng(0).normal(size=500), [365243.0] * 20, [np.nan]])
    marginal = fit_numeric(values, integer=False, special=365243.0)
    assert Marginal.from_json(marginal.to_json()) == marginal


NORMAL_SCORE_CASES = [
    ([3.0, 1.0, 2.0, 2.0, np.nan], [4.0, 1.0, 2.5, 2.5, np.nan], 4),
    ([0.0, 0.0, 0.0, 1.0], [2.0, 2.0, 2.0, 4.0], 4),
    ([np.nan, 5.0, -1.0], [np.nan, 2.0, 1.0], 2),
    ([7.0, 7.0], [1.5, 1.5], 2),
]


@pytest.mark.parametrize(("values", "ranks", "n"), NORMAL_SCORE_CASES)
def test_normal_scores_ties_and_missing(values: list[float], ranks: list[float], n: int) -> None:
    """Van der Waerden scores: ties share the mean-rank score, NaN stays NaN, index kept."""
    index = pd.Index([10 + i for i in range(len(values))])
    scores = normal_scores(pd.Series(values, index=index))
    expected = stats.norm.ppf((np.array(ranks) - 0.5) / n)
    assert scores.index.equals(index)
    np.testing.assert_allclose(scores.to_numpy(), expected, equal_nan=True)


def test_normal_scores_are_standard_normal() -> None:
    """Scores of any continuous column are close to N(0, 1) and keep the order."""
    values = pd.Series(np.random.default_rng(0).lognormal(0.0, 2.0, 10_000))
    scores = normal_scores(values)
    assert abs(scores.mean()) < 1e-9
    assert scores.std() == pytest.approx(1.0, abs=0.02)
    assert stats.spearmanr(scores, values).statistic == pytest.approx(1.0)


def _labelled(rates: dict[str, tuple[int, float]], seed: int) -> tuple[pd.Series, pd.Series]:
    """Levels with given (count, default rate), shuffled."""
    rng = np.random.default_rng(seed)
    levels, targets = [], []
    for level, (count, rate) in rates.items():
        levels += [level] * count
        defaults = round(count * rate)
        targets += [1] * defaults + [0] * (count - defaults)
    order = rng.permutation(len(levels))
    return pd.Series(levels).iloc[order].reset_index(drop=True), pd.Series(targets).iloc[
        order
    ].reset_index(drop=True)


RISK_CASES = [
    ({"B": (2_000, 0.10), "A": (3_000, 0.02), "C": (2_000, 0.05)}, ["A", "C", "B"]),
    (
        {"x": (500, 0.30), "y": (500, 0.01), "z": (500, 0.15), "w": (500, 0.08)},
        ["y", "w", "z", "x"],
    ),
    # Two rows, both defaulting: smoothing pulls "rare" towards the mean, below "bad".
    ({"rare": (2, 1.0), "bad": (1_000, 0.20), "good": (4_000, 0.04)}, ["good", "rare", "bad"]),
]


@pytest.mark.parametrize(("rates", "expected"), RISK_CASES)
def test_risk_order_sorts_by_smoothed_default_rate(
    rates: dict[str, tuple[int, float]], expected: list[str]
) -> None:
    """Levels come lowest-risk first, and rare levels are shrunk towards the mean rate."""
    levels, target = _labelled(rates, seed=0)
    assert risk_order(levels, target) == expected


def test_risk_order_without_smoothing_trusts_raw_rates() -> None:
    """With no prior weight the rare all-default level is the riskiest (smoothing matters)."""
    levels, target = _labelled({"rare": (2, 1.0), "bad": (1_000, 0.2), "good": (4_000, 0.04)}, 0)
    assert risk_order(levels, target, prior_weight=0.0) == ["good", "bad", "rare"]


def test_risk_order_ignores_missing_levels() -> None:
    """Missing levels are not a level of their own."""
    levels, target = _labelled({"a": (300, 0.2), "b": (300, 0.05)}, seed=1)
    levels[::7] = None
    assert risk_order(levels, target) == ["b", "a"]
