"""The grouped reductions agree with pandas ``groupby`` (the oracle) on awkward inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring.features.aggregate import AGGREGATIONS, Grouping, KeyIndex

PANDAS_NAME = {"size": "size", "nunique": "nunique"}


def _random_case(seed: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Groups with empty, single-row and all-NaN members, values with NaNs and ties."""
    rng = np.random.default_rng(seed)
    n_groups = int(rng.integers(1, 12))
    n_rows = int(rng.integers(0, 60))
    group = rng.integers(0, n_groups, n_rows)
    if seed % 2:
        values = rng.choice([-2.0, 0.0, 1.5, 3.0, np.nan], n_rows)
    else:
        values = rng.normal(size=n_rows) * 10.0 ** rng.integers(-3, 6)
    values[rng.random(n_rows) < 0.2] = np.nan
    return group, values, n_groups


def _oracle(group: np.ndarray, values: np.ndarray, n_groups: int, agg: str) -> np.ndarray:
    """Pandas' answer, reindexed so that groups without rows are NaN."""
    series = pd.Series(values).groupby(group)
    result = series.agg(PANDAS_NAME.get(agg, agg))
    return result.reindex(range(n_groups)).to_numpy(dtype=np.float64)


@pytest.mark.parametrize("agg", AGGREGATIONS)
@pytest.mark.parametrize("seed", range(40))
def test_reduction_matches_pandas(agg: str, seed: int) -> None:
    group, values, n_groups = _random_case(seed)
    (ours,) = Grouping(group, n_groups).reduce(values, (agg,))
    np.testing.assert_allclose(ours, _oracle(group, values, n_groups, agg), rtol=1e-9)


@pytest.mark.parametrize("seed", range(10))
def test_named_methods_match_reduce(seed: int) -> None:
    group, values, n_groups = _random_case(seed)
    grouping = Grouping(group, n_groups)
    together = grouping.reduce(values, ("min", "max", "mean", "sum", "var", "nunique"))
    separate = [
        grouping.min(values),
        grouping.max(values),
        grouping.mean(values),
        grouping.sum(values),
        grouping.var(values),
        grouping.nunique(values),
    ]
    for joint, alone in zip(together, separate, strict=True):
        np.testing.assert_array_equal(joint, alone)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([np.nan, np.nan], {"sum": 0.0, "mean": np.nan, "min": np.nan, "var": np.nan}),
        ([4.0], {"sum": 4.0, "mean": 4.0, "max": 4.0, "var": np.nan, "nunique": 1.0}),
        ([1.0, 3.0, np.nan], {"sum": 4.0, "mean": 2.0, "var": 2.0, "nunique": 2.0}),
    ],
)
def test_documented_edge_cases(values: list[float], expected: dict[str, float]) -> None:
    group = np.zeros(len(values), dtype=np.int64)
    grouping = Grouping(group, 2)
    results = grouping.reduce(np.array(values), tuple(expected))
    for agg, result in zip(expected, results, strict=True):
        np.testing.assert_array_equal(result, [expected[agg], np.nan], err_msg=agg)


def test_unsorted_groups_keep_group_order() -> None:
    grouping = Grouping(np.array([2, 0, 2, 0]), 4)
    values = np.array([5.0, 1.0, -1.0, 7.0])
    np.testing.assert_array_equal(grouping.min(values), [1.0, np.nan, -1.0, np.nan])
    np.testing.assert_array_equal(grouping.max(values), [7.0, np.nan, 5.0, np.nan])
    np.testing.assert_array_equal(grouping.count(), [2.0, 0.0, 2.0, 0.0])


def test_no_rows_at_all() -> None:
    grouping = Grouping(np.array([], dtype=np.int64), 3)
    for result in grouping.reduce(np.array([]), AGGREGATIONS):
        assert np.isnan(result).all()
    assert np.isnan(grouping.shares(np.array([], dtype=np.int32), 2)).all()


@pytest.mark.parametrize("seed", range(10))
def test_shares_are_one_hot_means(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_groups, n_levels, n_rows = 6, 4, int(rng.integers(1, 40))
    group = rng.integers(0, n_groups, n_rows)
    codes = rng.integers(-1, n_levels, n_rows).astype(np.int32)
    one_hot = pd.DataFrame({level: (codes == level).astype(float) for level in range(n_levels)})
    oracle = one_hot.groupby(group).mean().reindex(range(n_groups)).to_numpy()
    np.testing.assert_allclose(Grouping(group, n_groups).shares(codes, n_levels), oracle)


@pytest.mark.parametrize("spread", [1, 10_000_000], ids=["dense", "sparse"])
def test_key_index_finds_parents_in_any_order(spread: int) -> None:
    rng = np.random.default_rng(spread)
    ids = rng.permutation(50) * spread + 7
    keys = np.concatenate([ids[rng.integers(0, 50, 200)], [-5, 3, ids.max() + 1]])
    kept, grouping = KeyIndex(ids).group(keys)
    assert kept is not None
    np.testing.assert_array_equal(kept, np.arange(len(keys)) < 200)
    np.testing.assert_array_equal(ids[grouping.group], keys[:200])


def test_key_index_without_parents() -> None:
    kept, grouping = KeyIndex(np.array([], dtype=np.int64)).group(np.array([1, 2]))
    assert kept is not None and not kept.any()
    assert grouping.n_groups == 0 and len(grouping) == 0
