"""A /predict_batch body read straight into column arrays, for large batches.

The request models (:mod:`scoring.serving.schemas`) check one record at a time, in Python
where a column is whole or has sentinels: for 10,000 applications that was most of a batch.
Here msgspec decodes the body into structs generated from the same
:class:`~scoring.schema.Column` definitions, checking JSON types, levels, required fields and
unknown fields in C as it parses; NumPy then checks the rest one column at a time:

- a key is a JSON integer from 0 to 2**63 - 1, each at most once;
- a category is one of its levels, as a string;
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

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal

import msgspec
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from scoring.columns import MISSING_CODE, Columns
from scoring.policy import Purpose
from scoring.schema.core import Column
from scoring.serving.digests import FIELDS, struct_digests
from scoring.serving.schemas import MAX_KEY, MAX_RECORDS
from scoring.wording import Language


def _value_type(column: Column) -> Any:
    """The JSON values msgspec lets through for ``column`` (NumPy checks the rest)."""
    if column.kind == "key":
        return Annotated[int, msgspec.Meta(ge=0, le=MAX_KEY)]
    if column.is_categorical:
        return Literal[column.levels]
    return float  # a JSON integer or number; never a string, a boolean or beyond any float


def _field(column: Column) -> tuple[str, Any] | tuple[str, Any, None]:
    """Required columns must be given and not null; the rest default to unknown (None)."""
    if column.required and column.kind != "key":
        return (column.name, _value_type(column))
    return (column.name, _value_type(column) | None, None)


if TYPE_CHECKING:
    Application = Any  # made at run time from the schema
else:
    # Structs hold no cycles: leaving them to reference counting spares the collector.
    # Unknown (None) is left out when written, as pydantic's exclude_none does (digests).
    Application = msgspec.defstruct(
        "Application", [_field(c) for c in FIELDS.values()], kw_only=True,
        forbid_unknown_fields=True, omit_defaults=True, gc=False,
    )  # fmt: skip


class _Item(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    application: Application
    history: None = None  # a history goes through the request model


class _Body(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    applications: Annotated[list[_Item], msgspec.Meta(min_length=1, max_length=MAX_RECORDS)]
    purpose: Purpose = "application"
    language: Language = "en"
    reasons: bool = False


DECODER = msgspec.json.Decoder(_Body)
_ARROW_TYPES = {"key": pa.int64(), "category": pa.string(), "int": pa.float64(),
                "float": pa.float64()}  # fmt: skip
_ROW = pa.struct([(c.name, _ARROW_TYPES[c.kind]) for c in FIELDS.values()])
_LEVELS = {c.name: pa.array(c.levels) for c in FIELDS.values() if c.is_categorical}


@dataclass(frozen=True)
class ColumnarBody:
    """A valid body of applications alone: columns (keys left out), each application's key
    (None where absent) and input hash, and the options."""

    columns: Columns
    keys: list[int | None]
    digests: list[str]
    purpose: Purpose
    language: Language
    reasons: bool


def read_body(text: str | bytes) -> ColumnarBody | None:
    """The body as columns, or None unless every value is one the request model accepts as
    it is (a history, anything else: the model decides and words the error)."""
    try:
        body = DECODER.decode(text)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    applications = [item.application for item in body.applications]
    # One pass over the rows, in the order the values lie in memory (a pass per column
    # strays over the whole body each time, at three times the cost).
    rows = pa.array(list(map(msgspec.structs.astuple, applications)), type=_ROW)
    columns: Columns = {}
    keys: list[int | None] = []
    for index, column in enumerate(FIELDS.values()):
        values = rows.field(index)
        if column.kind == "key":
            keys = values.to_pylist()
            if not _unique(keys):
                return None  # a duplicated id: the model words the error
            continue
        checked = _levels(values, column) if column.is_categorical else _numbers(values, column)
        if checked is None:
            return None
        if not _all_missing(checked):  # null everywhere: not given, as the records path has it
            columns[column.name] = checked
    return ColumnarBody(
        columns=columns,
        keys=keys,
        digests=struct_digests(applications),
        purpose=body.purpose,
        language=body.language,
        reasons=body.reasons,
    )


def _unique(keys: list[int | None]) -> bool:
    given = [key for key in keys if key is not None]
    return len(set(given)) == len(given)


def _all_missing(values: np.ndarray) -> bool:
    if values.dtype == np.int32:
        return bool((values == MISSING_CODE).all())
    return bool(np.isnan(values).all())


def _levels(values: pa.Array, column: Column) -> np.ndarray | None:
    """Level codes of a category column (-1 for null); msgspec checked the levels."""
    found = pc.index_in(values, value_set=_LEVELS[column.name])
    codes = pc.fill_null(found, MISSING_CODE).to_numpy().astype(np.int32, copy=False)
    if not column.nullable and (codes == MISSING_CODE).any():
        return None
    return codes


def _numbers(values: pa.Array, column: Column) -> np.ndarray | None:
    """A number column as float64 (NaN for null), when every value is valid as it is."""
    numbers = values.to_numpy(zero_copy_only=False)  # JSON has no NaN literal: NaN is null
    missing = np.isnan(numbers)
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
