"""A /predict_batch body read into columns (scoring/serving/columnar.py): what it accepts, the
request model accepts with the same values; anything else it leaves to the model, which
words the error."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from scoring.columns import records_to_columns
from scoring.schema import APPLICATION_TEST
from scoring.serving.columnar import read_body
from scoring.serving.schemas import MAX_RECORDS, ApplicationRecord, BatchRequest
from tests.support.inputs import APPLICATION, bad_values, full, minimal, read_records

COLUMNS = [c for c in APPLICATION_TEST.columns if c.kind != "target"]


def _model_columns(records: list[dict[str, Any]]) -> dict[str, np.ndarray]:
    """What the records path gives: each record validated by the model, then converted."""
    validated = [
        {
            k: v
            for k, v in ApplicationRecord.model_validate(r).__dict__.items()
            if v is not None and k != "SK_ID_CURR"
        }
        for r in records
    ]
    return records_to_columns(validated, APPLICATION_TEST)


def _assert_same(records: list[dict[str, Any]]) -> None:
    read = read_records(records)
    assert read is not None, "valid records must be read column-wise"
    expected = _model_columns(records)
    assert read.columns.keys() == expected.keys()
    for name, values in expected.items():
        np.testing.assert_array_equal(read.columns[name], values, err_msg=name)
        assert read.columns[name].dtype == values.dtype, name
    assert read.keys == [r.get("SK_ID_CURR") for r in records]


def test_valid_records_give_the_columns_of_the_records_path() -> None:
    records = [
        dict(APPLICATION),
        {**full(APPLICATION_TEST), "SK_ID_CURR": 7},
        {**minimal(APPLICATION_TEST)},  # no SK_ID_CURR: allowed, key None
        {**APPLICATION, "SK_ID_CURR": 8, "DAYS_EMPLOYED": 365243, "CNT_CHILDREN": 2.0},
    ]
    _assert_same(records)


def test_records_with_the_same_fields_in_the_same_order_are_read_alike() -> None:
    _assert_same([{**APPLICATION, "SK_ID_CURR": i, "AMT_CREDIT": 1000.0 + i} for i in range(50)])


@pytest.mark.parametrize("column", COLUMNS, ids=lambda c: c.name)
def test_every_value_the_model_refuses_is_left_to_the_model(column) -> None:
    for case, value in bad_values(column).items():
        record = {**APPLICATION, column.name: value}
        if column.name == "SK_ID_CURR" and case == "nan":
            record[column.name] = None  # JSON has no NaN: null is a missing id, which is fine
            continue
        with pytest.raises(ValidationError):
            ApplicationRecord.model_validate(record)
        assert read_records([dict(APPLICATION), record]) is None, f"{column.name} {case}"


@pytest.mark.parametrize(
    "change",
    [
        {"AMT_CREDITT": 1.0},  # unknown field
        {"TARGET": 1},  # an outcome is no input
        {"AMT_CREDIT": None},  # required, null
        {"CNT_CHILDREN": 2.5},  # not whole
        {"AMT_INCOME_TOTAL": "135000"},  # a string
        {"FLAG_MOBIL": True},  # a boolean
        {"EXT_SOURCE_3": 10**400},  # beyond any float
        {"DAYS_EMPLOYED": 365244},  # out of range and not the sentinel
        {"CODE_GENDER": ["F"]},  # a list
    ],
)
def test_a_bad_record_among_good_ones_is_left_to_the_model(change: dict[str, Any]) -> None:
    records = [{**APPLICATION, "SK_ID_CURR": i} for i in range(5)]
    records[3] = {**records[3], **change}
    assert read_records(records) is None


def test_missing_required_fields_and_duplicated_ids_are_left_to_the_model() -> None:
    without = {k: v for k, v in APPLICATION.items() if k != "DAYS_BIRTH"}
    assert read_records([without]) is None
    assert read_records([dict(APPLICATION), dict(APPLICATION)]) is None  # same SK_ID_CURR
    assert read_records([dict(APPLICATION), "not an object"]) is None
    with pytest.raises(ValidationError, match="SK_ID_CURR must be unique"):
        BatchRequest.model_validate({"applications": [{"application": APPLICATION}] * 2})


def _value(column) -> st.SearchStrategy[Any]:
    """Values of any JSON type, valid ones and the column's bad ones among them."""
    cases = list(bad_values(column).values())
    cases = [v for v in cases if not (isinstance(v, float) and math.isnan(v))]
    lows = [column.minimum, column.maximum, *column.special]
    edges = [v for v in lows if v is not None]
    numbers = st.one_of(
        st.integers(-(10**6), 10**6),
        st.floats(allow_nan=False, allow_infinity=False, width=64),
        st.sampled_from(edges or [0.0]),
    )
    levels = st.sampled_from(column.levels) if column.levels else st.just("x")
    return st.one_of(st.none(), numbers, levels, st.sampled_from(cases or [None]), st.booleans())


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_whatever_it_accepts_the_model_accepts_with_the_same_values(data) -> None:
    chosen = data.draw(st.lists(st.sampled_from(COLUMNS), max_size=6, unique=True))
    record = dict(APPLICATION)
    for column in chosen:
        record[column.name] = data.draw(_value(column))
    read = read_records([record])
    try:
        ApplicationRecord.model_validate(record)
    except ValidationError:
        assert read is None, f"accepted what the model refuses: {record}"
        return
    if read is not None:
        _assert_same([record])


def test_the_options_are_read_with_the_applications() -> None:
    read = read_records([dict(APPLICATION)], purpose="what-if", language="fr", reasons=True)
    assert read is not None
    assert (read.purpose, read.language, read.reasons) == ("what-if", "fr", True)
    default = read_records([dict(APPLICATION)])
    assert default is not None
    assert (default.purpose, default.language, default.reasons) == ("application", "en", False)


@pytest.mark.parametrize(
    "options",
    [{"purpose": "decision"}, {"language": "de"}, {"reasons": "yes"}, {"reasons": 1},
     {"explain": True}],
)  # fmt: skip
def test_options_the_model_would_word_are_left_to_it(options: dict[str, Any]) -> None:
    assert read_records([dict(APPLICATION)], **options) is None


def test_a_history_or_a_batch_beyond_its_bounds_is_left_to_the_model() -> None:
    with_history = {"applications": [{"application": APPLICATION, "history": {"bureau": []}}]}
    assert read_body(json.dumps(with_history)) is None
    assert read_body(json.dumps({"applications": []})) is None
    assert read_body(b"{not json") is None
    too_many = [{**APPLICATION, "SK_ID_CURR": i} for i in range(MAX_RECORDS + 1)]
    assert read_records(too_many) is None
    assert read_records(too_many[:MAX_RECORDS]) is not None
