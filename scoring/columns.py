"""Column arrays: the one in-memory form the feature pipeline works on.

A table is a ``dict[str, np.ndarray]`` of equal-length arrays. Keys are ``int64``,
numeric columns ``float64`` with NaN for missing, categorical columns ``int32`` codes
into the schema's ``levels`` with -1 for missing. Batch (pandas frames from the loader)
and online (JSON records from the API) both convert to this form, so the feature code
that follows is literally the same for both paths.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
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
    millisecond, and a DataFrame round trip alone costs more than that.
    """
    present = {name for record in records for name in record}
    out: Columns = {}
    for column in table.columns:
        if column.name not in present:
            continue
        values = [record.get(column.name) for record in records]
        if column.is_categorical:
            codes = column.level_code()
            out[column.name] = np.fromiter(
                (MISSING_CODE if v is None else codes[v] for v in values),
                dtype=np.int32,
                count=len(values),
            )
        elif column.kind == "key":
            out[column.name] = np.asarray(values, dtype=np.int64)
        else:
            out[column.name] = np.fromiter(
                (np.nan if v is None else v for v in values), dtype=np.float64, count=len(values)
            )
    return out


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
