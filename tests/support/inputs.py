"""What the tests send the API: a hand-written application with a little history, and values
derived from the schema (valid ones, and the bad ones each column must reject), so a column
added to the schema is covered by the request-model tests and the HTTP matrix alike."""

from __future__ import annotations

import json
import math
from typing import Any

from scoring.schema.core import Column, Table
from scoring.serving.columnar import ColumnarBody, read_body

APPLICATION = {
    "SK_ID_CURR": 900001,
    "NAME_CONTRACT_TYPE": "Cash loans",
    "CODE_GENDER": "F",
    "AMT_INCOME_TOTAL": 135000,
    "AMT_CREDIT": 500000,
    "AMT_ANNUITY": 25000,
    "DAYS_BIRTH": -12000,
    "DAYS_EMPLOYED": -2000,
    "EXT_SOURCE_2": 0.6,
    "EXT_SOURCE_3": 0.3,
}
HISTORY = {
    "bureau": [
        {"SK_ID_BUREAU": 1, "CREDIT_ACTIVE": "Active", "DAYS_CREDIT": -400, "AMT_CREDIT_SUM": 1e5},
        {"SK_ID_BUREAU": 2, "CREDIT_ACTIVE": "Closed", "DAYS_CREDIT": -900},
    ],
    "bureau_balance": [
        {"SK_ID_BUREAU": 1, "MONTHS_BALANCE": -1, "STATUS": "1"},
        {"SK_ID_BUREAU": 1, "MONTHS_BALANCE": 0, "STATUS": "0"},
    ],
}


def valid_value(column: Column) -> Any:
    """A value the schema accepts: the first level, or a whole number inside the range."""
    if column.kind == "key":
        return 1000
    if column.is_categorical:
        return column.levels[0]
    low = column.minimum if column.minimum is not None else -1000.0
    high = column.maximum if column.maximum is not None else low + 2000.0
    middle = (low + high) / 2
    return math.floor(middle) if column.kind == "int" else middle


def minimal(table: Table) -> dict[str, Any]:
    """The required columns only (SK_ID_CURR is implied by the application)."""
    return {c.name: valid_value(c) for c in table.columns if c.required and c.name != "SK_ID_CURR"}


def full(table: Table) -> dict[str, Any]:
    """Every column of ``table`` with a valid value."""
    return {c.name: valid_value(c) for c in table.columns if c.kind != "target"}


def bad_values(column: Column) -> dict[str, Any]:
    """Named inputs the column must reject."""
    if column.is_categorical:
        return {"number": 1, "unknown_level": "no such level", "bool": True}
    cases: dict[str, Any] = {"string": "1", "bool": True, "nan": math.nan, "inf": math.inf}
    cases["minus_inf"] = -math.inf
    if column.kind == "key":
        return {**cases, "float": 1.0, "negative": -1, "too_big": 2**63}
    if column.minimum is not None and column.minimum - 1 not in column.special:
        cases["below_minimum"] = column.minimum - 1
    if column.maximum is not None and column.maximum + 1 not in column.special:
        cases["above_maximum"] = column.maximum + 1
    if column.kind == "int":
        cases["fraction"] = valid_value(column) + 0.5
    return cases


def read_records(records: list[Any], **options: Any) -> ColumnarBody | None:
    """The column-wise read of a /predict_batch body of ``records`` (None: left to the model)."""
    body = {"applications": [{"application": record} for record in records], **options}
    return read_body(json.dumps(body))
