"""The input hash of every inquiry: the SHA-256 of the validated input's canonical JSON.

The canonical JSON is pydantic's of the validated request model: fields in schema order,
unknown values (null) left out, every number of a float or integer column written as a float
(``135000.0``), as :func:`input_digest` produces it. A batch item is ``{"application":
{...}}``. :func:`application_digests` writes the same bytes for many applications held as
column arrays (a scored file), and :func:`struct_digests` for a batch decoded by msgspec,
without one request model each, so an application gets the same hash whether it came alone,
in a batch or in a file: a reviewer holding it can prove it is the one scored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, NotRequired, cast

import msgspec
import numpy as np
from pydantic import TypeAdapter
from typing_extensions import TypedDict

from scoring.columns import Columns
from scoring.records.inquiries import digest
from scoring.schema import APPLICATION_TEST
from scoring.schema.core import Column


def input_digest(request: Any) -> str:
    """SHA-256 of the validated request's JSON (fields in schema order, unknowns left out)."""
    return digest(request.__pydantic_serializer__.to_json(request, exclude_none=True))


def struct_digests(applications: Sequence[Any]) -> list[str]:
    """:func:`input_digest` of applications decoded into msgspec structs whose fields are the
    schema's, in its order, unknown (None) left out when written
    (:mod:`scoring.serving.columnar`): msgspec writes the bytes pydantic writes, without a
    model or a dict per application (half the cost of a batch of real rows).

    Both write a number as its shortest round trip, a whole float as ``135000.0``; only an
    exponent from 1e16 on differs (``1e16``, ``1e+16``), and the schema bounds every number
    column below that (``tests/scoring/serving/test_digests.py`` holds it).
    """
    encode, sha256 = _ENCODER.encode, hashlib.sha256
    return [
        sha256(b'{"application":' + encode(application) + b"}").hexdigest()
        for application in applications
    ]


def application_digests(columns: Columns, keys: Sequence[int | None]) -> list[str]:
    """:func:`input_digest` of the batch item ``{"application": ...}`` of each row of
    ``columns`` (validated ``application_test`` columns, as :mod:`scoring.columns` holds
    them) whose ``SK_ID_CURR`` is ``keys``: each row's values in schema order, written by
    pydantic's serialiser of the schema's types, unknown (None) left out."""
    names: list[str] = []
    values: list[list[Any]] = []
    for name, column in FIELDS.items():
        if column.kind == "key":
            names.append(name)
            values.append(list(keys))
        elif name in columns and not _all_unknown(columns[name]):  # a column not given
            names.append(name)
            values.append(_as_json_values(columns[name], column))
    to_json, sha256 = _RECORD.serializer.to_json, hashlib.sha256
    records = (dict(zip(names, row, strict=True)) for row in zip(*values, strict=True))
    return [
        sha256(b'{"application":' + to_json(record, exclude_none=True) + b"}").hexdigest()
        for record in records
    ]


def _field_type(column: Column) -> Any:
    """The type pydantic serialises a column's value as, in the request models."""
    if column.kind == "key":
        return int
    return str if column.is_categorical else float


# An application's fields, in schema order (the outcome is never an input).
FIELDS = {c.name: c for c in APPLICATION_TEST.columns if c.kind != "target"}
# The request model's fields as a TypedDict (pydantic needs typing_extensions' on 3.11).
_Record = cast(Any, TypedDict)(
    "_Record", {name: NotRequired[_field_type(c) | None] for name, c in FIELDS.items()}
)
_RECORD: TypeAdapter[Any] = TypeAdapter(_Record)
_ENCODER = msgspec.json.Encoder()


def _all_unknown(values: np.ndarray) -> bool:
    if values.dtype == np.int32:  # level codes
        return bool((values < 0).all())
    return bool(np.isnan(values).all())


def _as_json_values(values: np.ndarray, column: Column) -> list[Any]:
    """A column's values as the request model holds them: level names and floats, None for
    unknown."""
    if column.is_categorical:
        levels = np.array([*column.levels, None], dtype=object)  # code -1: the last
        return list(levels[values].tolist())
    numbers = np.asarray(values, dtype=np.float64)
    if column.kind == "int":  # the model keeps a whole number as an int: -0.0 is 0
        numbers = numbers + 0.0
    unknown = np.isnan(numbers)
    if not unknown.any():
        return list(numbers.tolist())
    held = numbers.astype(object)
    held[unknown] = None
    return list(held.tolist())
