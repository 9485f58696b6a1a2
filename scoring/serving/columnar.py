"""Application records checked column by column against the schema, for large batches.

The request models (:mod:`scoring.serving.schemas`) check one record at a time, with a Python
validator for every whole-number and sentinel column: for 10,000 applications that was most
of a /predict_batch. Here the same rules, read from the same :class:`~scoring.schema.Column`
definitions, are checked one column at a time with NumPy on the parsed JSON:

- a key is a JSON integer within its bounds; a category is one of its levels, as a string;
- a number is a JSON number (never a string or a boolean), finite, within the column's
  bounds or one of its sentinels, and whole for an integer column;
- the required columns are there and not null; no other field is.

This only ever *accepts*. At the first value it is not certain the request model would
accept as it is, it gives up (None), and the caller validates with the request model, which
names the row, the field and what is expected, exactly as for a small batch.
``tests/scoring/serving/test_columnar.py`` holds that what it accepts, the model accepts
with the same values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import numpy as np

from scoring.columns import MISSING_CODE, Columns
from scoring.schema import APPLICATION_TEST
from scoring.schema.core import Column, Table

MAX_KEY = 2**63 - 1
_NUMBER_TYPES = frozenset({int, float, type(None)})
_KEY_TYPES = frozenset({int, type(None)})
_LEVEL_TYPES = frozenset({str, type(None)})
_UNKNOWN = -2  # a level the column does not have


@dataclass(frozen=True)
class Records:
    """Validated records as columns (keys left out) and each record's key, if it had one."""

    columns: Columns
    keys: list[int | None]


def read_records(records: Sequence[Any], table: Table = APPLICATION_TEST) -> Records | None:
    """``records`` (parsed JSON objects) as the feature engine's columns, or None unless every
    value is one :mod:`scoring.serving.schemas` accepts as it is; ``keys`` are the values
    of the table's key column (``SK_ID_CURR``), None where absent."""
    values = _transpose(records, _fields(table))
    if values is None:
        return None
    columns: Columns = {}
    keys: list[int | None] = [None] * len(records)
    for column in _fields(table).values():
        given = values.get(column.name)
        if given is None:
            if column.required and column.kind != "key":
                return None
            continue
        if column.kind == "key":
            checked_keys = _keys(given)
            if checked_keys is None:
                return None
            keys = checked_keys
            continue
        checked = _levels(given, column) if column.is_categorical else _numbers(given, column)
        if checked is None:
            return None
        if not _all_missing(checked):  # null everywhere: not given, as the records path has it
            columns[column.name] = checked
    return Records(columns, keys)


def _fields(table: Table) -> dict[str, Column]:
    """The columns a record may hold (the outcome is never an input)."""
    return _once(table, lambda: {c.name: c for c in table.columns if c.kind != "target"})


_MADE: dict[int, tuple[object, Any]] = {}


def _once(owner: object, make: Callable[[], Any]) -> Any:
    """``make()``, made once per schema object (kept with it, so its id is never reused)."""
    made = _MADE.get(id(owner))
    if made is None:
        made = _MADE[id(owner)] = (owner, make())
    return made[1]


def _transpose(records: Sequence[Any], fields: dict[str, Column]) -> dict[str, list[Any]] | None:
    """One list per field present in any record, None where a record lacks it; None when a
    record is no JSON object or holds an unknown field."""
    if not all(type(record) is dict for record in records):
        return None
    first = list(records[0]) if records else []
    if all(list(record) == first for record in records):  # the usual batch: same fields
        if not set(first) <= fields.keys():
            return None
        rows = (record.values() for record in records)
        return dict(zip(first, map(list, zip(*rows, strict=True)), strict=True))
    values: dict[str, list[Any]] = {}
    n = len(records)
    for row, record in enumerate(records):
        for name, value in record.items():
            column = values.get(name)
            if column is None:
                if name not in fields:
                    return None
                column = values[name] = [None] * n
            column[row] = value
    return values


def _all_missing(values: np.ndarray) -> bool:
    if values.dtype == np.int32:
        return bool((values == MISSING_CODE).all())
    return bool(np.isnan(values).all())


def _keys(values: list[Any]) -> list[int | None] | None:
    """A key column: JSON integers from 0 to 2**63 - 1, each at most once."""
    if not set(map(type, values)) <= _KEY_TYPES:
        return None
    given = np.array([v for v in values if v is not None], dtype=object)
    if len(given) and (given.min() < 0 or given.max() > MAX_KEY):
        return None
    if len(np.unique(given.astype(np.int64))) != len(given):
        return None  # a duplicated id: the model words the error
    return values


def _levels(values: list[Any], column: Column) -> np.ndarray | None:
    """Level codes of a category column given as strings (-1 for null)."""
    if not set(map(type, values)) <= _LEVEL_TYPES:
        return None
    lookup = _once(column, lambda: {**column.level_code, None: MISSING_CODE})
    codes = np.fromiter(map(lookup.get, values, repeat(_UNKNOWN)), np.int32, len(values))
    if (codes == _UNKNOWN).any() or (not column.nullable and (codes == MISSING_CODE).any()):
        return None
    return codes


def _numbers(values: list[Any], column: Column) -> np.ndarray | None:
    """A number column as float64 (NaN for null), when every value is valid as it is."""
    if not set(map(type, values)) <= _NUMBER_TYPES:
        return None  # a string, a boolean, a list...
    try:
        numbers = np.array(values, dtype=np.float64)
    except OverflowError:  # an integer beyond any float
        return None
    missing = np.isnan(numbers)  # JSON has no NaN literal here: NaN is null
    if missing.any() and not column.nullable:
        return None
    known = numbers[~missing]
    if not np.isfinite(known).all():
        return None
    if column.kind == "int" and (known != np.trunc(known)).any():
        return None
    inside = np.ones(len(known), dtype=bool)
    if column.minimum is not None:
        inside &= known >= column.minimum
    if column.maximum is not None:
        inside &= known <= column.maximum
    if column.special:
        inside |= np.isin(known, column.special)
    if not inside.all():
        return None
    if column.kind == "int" and np.signbit(known[known == 0]).any():
        return None  # -0.0: the model keeps it as the int 0; left to it, to hash it alike
    return numbers
