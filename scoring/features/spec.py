"""Per-client aggregations declared as data, and the one function that runs them.

A table module states *what* to aggregate (``{"DAYS_CREDIT": ("min", "max"), ...}`` and
the categoricals to turn into level shares); :class:`AggSpec` derives both the feature
catalogue and the computation from that single declaration, so names, labels and values
cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from scoring.columns import MISSING_CODE, Columns, take
from scoring.features.aggregate import Agg, Grouping, KeyIndex
from scoring.features.labels import (
    DERIVED,
    FeatureInfo,
    Text,
    aggregate_info,
    column_text,
    share_info,
)
from scoring.schema.core import Table


@dataclass(frozen=True)
class AggSpec:
    """Aggregations of one (sub)table per client.

    Parameters
    ----------
    prefix : str
        Feature name prefix, also the key of the scope wording in ``labels.SCOPES``.
    table : Table
        Schema of the aggregated columns; ``source`` of the features.
    numeric : Mapping[str, tuple[Agg, ...]]
        Column -> reductions. Columns absent from the schema are derived ones, worded in
        ``texts`` or ``labels.DERIVED``.
    categorical : tuple[str, ...]
        Columns whose level shares (the mean of a one-hot encoding) become features.
    texts : Mapping[str, Text]
        Wording of derived columns not in ``labels.DERIVED``.
    """

    prefix: str
    table: Table
    numeric: Mapping[str, tuple[Agg, ...]]
    categorical: tuple[str, ...] = ()
    texts: Mapping[str, Text] = field(default_factory=dict)

    def infos(self) -> tuple[FeatureInfo, ...]:
        """The features this spec produces, in the order :meth:`compute` returns them."""
        source = self.table.name
        numeric = [
            aggregate_info(self.prefix, column, self._text(column), agg, source)
            for column, aggs in self.numeric.items()
            for agg in aggs
        ]
        shares = [
            share_info(self.prefix, self.table[column], level, source)
            for column in self.categorical
            for level in self.table[column].levels
        ]
        return (*numeric, *shares)

    def compute(self, columns: Columns, grouping: Grouping) -> list[np.ndarray]:
        """One array per feature, each of length ``grouping.n_groups``.

        A column absent from ``columns`` was not provided: it counts as all missing.
        """
        out: list[np.ndarray] = []
        n_rows = len(grouping)
        for column, aggs in self.numeric.items():
            out.extend(grouping.reduce(numeric(columns, column, n_rows), aggs))
        for column in self.categorical:
            n_levels = len(self.table[column].levels)
            out.extend(grouping.shares(codes(columns, column, n_rows), n_levels).T)
        return out

    def _text(self, column: str) -> Text:
        if column in self.table:
            return column_text(self.table[column])
        return self.texts.get(column) or DERIVED[column]


@dataclass(frozen=True)
class Block:
    """The features computed from one source table (with its child table, if any).

    ``compute(tables, clients)`` returns the values as an array of shape
    ``(len(features), n_clients)``; the pipeline calls it only when ``table`` is provided.
    """

    features: tuple[FeatureInfo, ...]
    table: str
    compute: Callable[[Mapping[str, Columns], KeyIndex], np.ndarray]


def numeric(columns: Columns, name: str, n_rows: int) -> np.ndarray:
    """A numeric column; one that was not provided is all missing."""
    values = columns.get(name)
    return np.full(n_rows, np.nan) if values is None else values


def codes(columns: Columns, name: str, n_rows: int) -> np.ndarray:
    """A categorical column's codes; one that was not provided is all missing."""
    values = columns.get(name)
    return np.full(n_rows, MISSING_CODE, dtype=np.int32) if values is None else values


def keys(columns: Columns, name: str) -> np.ndarray:
    """A key column; a table given as no records at all has no columns."""
    return columns.get(name, np.empty(0, dtype=np.int64))


def grouped_rows(columns: Columns, key: str, parents: KeyIndex) -> tuple[Columns, Grouping]:
    """The rows of a child table whose ``key`` is a parent id, grouped by parent row."""
    kept, grouping = parents.group(keys(columns, key))
    return (columns if kept is None else take(columns, kept)), grouping


def level_rows(
    columns: Columns, grouping: Grouping, table: Table, column: str, level: str
) -> tuple[Columns, Grouping]:
    """The rows at one level of a categorical (e.g. active credits), same groups."""
    code = table[column].level_code[level]
    mask = codes(columns, column, len(grouping)) == code
    return take(columns, mask), grouping.subset(mask)
