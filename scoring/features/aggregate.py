"""Grouped reductions of column arrays, with pandas ``groupby`` semantics.

Hand-written on numpy rather than delegated to pandas or polars because the same code
must serve two very different workloads: the online path (one client, a few dozen history
rows), where any dataframe library costs hundreds of microseconds of fixed overhead per
call, and the batch path (tens of millions of rows). No library does both well; numpy's
``bincount`` and ``fmin.at``/``fmax.at`` (scatter reductions, no sort needed) do, and one
implementation for both paths makes online and batch vectors identical by construction.
``benchmarks/feature_engine.py`` measures this against pandas and polars.

Semantics, per group: NaN values are skipped; ``mean``/``min``/``max`` of a group without
a valid value are NaN; ``sum`` of such a group is 0 (as pandas); ``var`` is the sample
variance (ddof=1), NaN below two valid values; ``nunique`` ignores NaN. A group without
any row gets NaN for every reduction, as a left join of a pandas aggregate would give.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

Agg = Literal["min", "max", "mean", "sum", "var", "nunique", "size"]
AGGREGATIONS: tuple[Agg, ...] = ("min", "max", "mean", "sum", "var", "nunique", "size")


class Grouping:
    """Rows of one table assigned to ``n_groups`` groups; computed once, reused per column.

    Parameters
    ----------
    group : np.ndarray
        Group index of every row, in ``[0, n_groups)``, in any order.
    n_groups : int
        Number of groups, including the ones without rows.
    """

    def __init__(self, group: np.ndarray, n_groups: int) -> None:
        self.group = np.asarray(group, dtype=np.intp)
        self.n_groups = n_groups
        self.size = np.bincount(self.group, minlength=n_groups)
        self.empty = self.size == 0
        self.has_empty = bool(self.empty.any())

    def __len__(self) -> int:
        return len(self.group)

    def subset(self, mask: np.ndarray) -> Grouping:
        """The grouping of the rows selected by ``mask`` (same groups)."""
        return Grouping(self.group[mask], self.n_groups)

    def count(self) -> np.ndarray:
        """Rows per group (0 for a group without rows)."""
        return self.size.astype(np.float64)

    def sum(self, values: np.ndarray) -> np.ndarray:
        """Sum per group of the valid values (0 if none)."""
        return self.reduce(values, ("sum",))[0]

    def mean(self, values: np.ndarray) -> np.ndarray:
        """Mean per group of the valid values."""
        return self.reduce(values, ("mean",))[0]

    def min(self, values: np.ndarray) -> np.ndarray:
        """Smallest valid value per group."""
        return self.reduce(values, ("min",))[0]

    def max(self, values: np.ndarray) -> np.ndarray:
        """Largest valid value per group."""
        return self.reduce(values, ("max",))[0]

    def var(self, values: np.ndarray) -> np.ndarray:
        """Sample variance (ddof=1) per group of the valid values."""
        return self.reduce(values, ("var",))[0]

    def nunique(self, values: np.ndarray) -> np.ndarray:
        """Number of distinct valid values per group."""
        return self.reduce(values, ("nunique",))[0]

    def reduce(self, values: np.ndarray, aggs: Sequence[Agg]) -> list[np.ndarray]:
        """Several reductions of one float column, sharing the NaN mask, counts and sums."""
        nan = np.isnan(values)
        missing = nan if nan.any() else None
        valid = self.size if missing is None else self._bincount(~missing)
        filled = values if missing is None else np.where(missing, 0.0, values)
        wanted = set(aggs)
        sums = self._bincount(filled) if wanted & {"sum", "mean", "var"} else None
        means = ratio(sums, valid) if sums is not None and wanted & {"mean", "var"} else None
        out = []
        for agg in aggs:
            result: np.ndarray
            # sums and means exist whenever an aggregation needing them is wanted.
            if agg == "sum" and sums is not None:
                result = sums
            elif agg == "mean" and means is not None:
                result = means
            elif agg == "var" and means is not None:
                result = self._var(filled, missing, means, valid)
            elif agg in ("min", "max"):
                # fmin/fmax skip NaN, so a group keeps NaN only without a valid value.
                result = np.full(self.n_groups, np.nan)
                (np.fmin if agg == "min" else np.fmax).at(result, self.group, values)
            elif agg == "nunique":
                result = self._nunique(values, missing)
            elif agg == "size":
                result = self.count()
            else:
                raise ValueError(f"unknown aggregation {agg!r}; expected one of {AGGREGATIONS}")
            if self.has_empty and agg in ("sum", "nunique", "size"):  # others are NaN already
                result[self.empty] = np.nan
            out.append(result)
        return out

    def shares(self, codes: np.ndarray, n_levels: int) -> np.ndarray:
        """Share of each group's rows at each level: the mean of a one-hot encoding.

        ``codes`` are int codes in ``[0, n_levels)`` or -1 for missing; missing rows count
        in the denominator but in no level. Returns shape ``(n_groups, n_levels)``.
        """
        known = codes >= 0
        cells = self.group[known] * n_levels + codes[known]
        counts = np.bincount(cells, minlength=self.n_groups * n_levels)
        counts = counts.reshape(self.n_groups, n_levels).astype(np.float64)
        return ratio(counts, self.size[:, None])

    def _bincount(self, weights: np.ndarray) -> np.ndarray:
        # astype: bincount returns int64 instead of float64 when there are no rows.
        sums = np.bincount(self.group, weights=weights, minlength=self.n_groups)
        return sums.astype(np.float64, copy=False)

    def _var(
        self, filled: np.ndarray, missing: np.ndarray | None, mean: np.ndarray, valid: np.ndarray
    ) -> np.ndarray:
        # Two passes (mean, then squared deviations) avoid the cancellation of sum(x^2).
        deviation = filled - mean[self.group]
        squares = deviation * deviation
        if missing is not None:
            squares[missing] = 0.0
        result = ratio(self._bincount(squares), valid - 1.0)
        result[valid < 2] = np.nan
        return result

    def _nunique(self, values: np.ndarray, missing: np.ndarray | None) -> np.ndarray:
        # Distinct (group, value) pairs, each encoded as one int64 so that a plain sort
        # (much faster than np.lexsort) brings equal pairs together.
        group, kept = self.group, values
        if missing is not None:
            group, kept = group[~missing], values[~missing]
        levels = np.unique(kept)
        pairs = np.sort(group * len(levels) + np.searchsorted(levels, kept))
        first = np.ones(len(pairs), dtype=bool)
        np.not_equal(pairs[1:], pairs[:-1], out=first[1:])
        distinct = np.bincount(pairs[first] // max(len(levels), 1), minlength=self.n_groups)
        return distinct.astype(np.float64)


class KeyIndex:
    """Row positions of the unique ids of a parent table, to group child rows by parent.

    The parent may come in any order; groups follow the parent's row order.
    """

    def __init__(self, ids: np.ndarray) -> None:
        self.n = len(ids)
        low, high = (int(ids.min()), int(ids.max())) if self.n else (0, -1)
        self._low = low
        if high - low < 4 * self.n + 1024:
            # Dense ids (Kaggle's are): a direct lookup table, ~15x faster than a binary
            # search of tens of millions of unsorted keys.
            self._table: np.ndarray | None = np.full(high - low + 1, -1, dtype=np.intp)
            self._table[ids - low] = np.arange(self.n)
        else:
            self._table = None
            self._order = np.argsort(ids, kind="stable")
            self._sorted = ids[self._order]

    def __len__(self) -> int:
        return self.n

    def positions(self, keys: np.ndarray) -> np.ndarray:
        """Parent row of each key, -1 for a key that is not a parent id."""
        if self.n == 0:
            return np.full(len(keys), -1, dtype=np.intp)
        if self._table is not None:
            offset = keys - self._low
            inside = (offset >= 0) & (offset < len(self._table))
            if inside.all():
                return self._table[offset]
            return np.where(inside, self._table[np.where(inside, offset, 0)], -1)
        position = np.searchsorted(self._sorted, keys)
        np.minimum(position, self.n - 1, out=position)
        return np.where(self._sorted[position] == keys, self._order[position], -1)

    def group(self, keys: np.ndarray) -> tuple[np.ndarray | None, Grouping]:
        """Grouping of child rows by parent row, and the mask of the rows kept.

        Rows whose key is not a parent id are dropped; the mask is ``None`` when every
        row is kept, which spares copying the child columns.
        """
        position = self.positions(keys)
        kept = position >= 0
        if kept.all():
            return None, Grouping(position, self.n)
        return kept, Grouping(position[kept], self.n)


def ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Elementwise ratio, NaN (never inf) where the denominator is 0 or NaN."""
    return numerator / np.where(denominator == 0, np.nan, denominator)  # x / NaN is quiet
