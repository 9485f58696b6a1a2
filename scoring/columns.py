"""Column arrays: the one in-memory form the feature pipeline works on.

A table is a ``dict[str, np.ndarray]`` of equal-length arrays. Keys are ``int64``,
numeric columns ``float64`` with NaN for missing, categorical columns ``int32`` codes
into the schema's ``levels`` with -1 for missing. Batch (pandas frames from the loader)
and online (JSON records from the API) both convert to this form, so the feature code
that follows is literally the same for both paths.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from scoring.schema.core import Column, Table

Columns = dict[str, np.ndarray]
MISSING_CODE = -1


def frame_to_columns(frame: pd.DataFrame, table: Table) -> Columns:
    """Convert a validated loader frame; columns absent from the frame are left out."""
    out: Columns = {}
    for column in table.columns:
        if column.name not in frame.columns:
            continue
        series = frame[column.name]
        if column.is_categorical:
            out[column.name] = _codes_of_series(series, column)
        elif column.kind == "key":
            out[column.name] = series.to_numpy(dtype=np.int64)
        else:
            out[column.name] = series.to_numpy(dtype=np.float64, na_value=np.nan)
    return out


def records_to_columns(records: Sequence[Mapping[str, Any]], table: Table) -> Columns:
    """Convert already-validated records (dicts); a field absent from every record is left out.

    Hand-written rather than via pandas because the online path must stay well under a
    millisecond, and a DataFrame round trip alone costs more than that. Every numeric
    column goes through one NumPy conversion (a float cast turns None into NaN), since one
    call per column was most of the cost of scoring a single application.
    """
    present = set().union(*records)
    layout = _layout(table)
    numeric = [name for name in layout.numeric if name in present]
    rows = [[record.get(name) for name in numeric] for record in records]
    matrix = np.array(rows, dtype=np.float64).reshape(len(records), len(numeric))
    out: Columns = dict(zip(numeric, np.ascontiguousarray(matrix.T), strict=True))
    for name, codes in layout.categorical:
        if name in present:
            values = [record.get(name) for record in records]
            out[name] = np.array(
                [MISSING_CODE if v is None else codes[v] for v in values], dtype=np.int32
            )
    for name in layout.keys:
        if name in present:
            out[name] = np.asarray([record.get(name) for record in records], dtype=np.int64)
    return out


@dataclass(frozen=True)
class _Layout:
    """A table's columns by how records convert: numeric, categorical (with their level
    codes) and keys, each in the table's order."""

    numeric: tuple[str, ...]
    categorical: tuple[tuple[str, Mapping[str, int]], ...]
    keys: tuple[str, ...]


_layouts: dict[int, tuple[Table, _Layout]] = {}


def _layout(table: Table) -> _Layout:
    """The table's layout, built once per table object (the table is kept with it, so its id
    is never reused for another)."""
    cached = _layouts.get(id(table))
    if cached is None:
        layout = _Layout(
            numeric=tuple(
                c.name for c in table.columns if not c.is_categorical and c.kind != "key"
            ),
            categorical=tuple((c.name, c.level_code) for c in table.columns if c.is_categorical),
            keys=tuple(c.name for c in table.columns if c.kind == "key"),
        )
        cached = _layouts[id(table)] = (table, layout)
    return cached[1]


def take(columns: Columns, index: np.ndarray) -> Columns:
    """Rows ``index`` of every column (a boolean mask or integer positions)."""
    return {name: values[index] for name, values in columns.items()}


def n_rows(columns: Columns) -> int:
    """Length shared by all arrays (0 for an empty table)."""
    return len(next(iter(columns.values()))) if columns else 0


def concat(parts: Iterable[Columns]) -> Columns:
    """Stack tables with the same columns row-wise."""
    parts = list(parts)
    return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}


def _codes_of_series(series: pd.Series, column: Column) -> np.ndarray:
    if (
        isinstance(series.dtype, pd.CategoricalDtype)
        and tuple(series.cat.categories) == column.levels
    ):
        return series.cat.codes.to_numpy(dtype=np.int32)
    categorical = pd.Categorical(series, categories=list(column.levels))
    return categorical.codes.astype(np.int32)
