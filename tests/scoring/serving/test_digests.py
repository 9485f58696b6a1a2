"""Input hashes (scoring/serving/digests.py): an application held as columns hashes exactly as
its validated batch item does, whatever the order of its fields and however its numbers
were written."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.columns import records_to_columns
from scoring.schema import APPLICATION_TEST
from scoring.serving.digests import application_digests, input_digest
from scoring.serving.schemas import ApplicationInput
from tests.support.inputs import APPLICATION, full, minimal, read_records


def _model_digest(application: dict[str, Any]) -> str:
    return input_digest(ApplicationInput.model_validate({"application": application}))


def _column_digests(applications: list[dict[str, Any]]) -> list[str]:
    known = [{k: v for k, v in a.items() if v is not None} for a in applications]
    keys = [a.get("SK_ID_CURR") for a in known]
    records = [{k: v for k, v in a.items() if k != "SK_ID_CURR"} for a in known]
    return application_digests(records_to_columns(records, APPLICATION_TEST), keys)


APPLICATIONS = [
    dict(APPLICATION),
    {**full(APPLICATION_TEST), "SK_ID_CURR": 5},
    minimal(APPLICATION_TEST),  # no SK_ID_CURR
    dict(reversed(list(APPLICATION.items()))),  # fields in another order
    {**APPLICATION, "EXT_SOURCE_3": 1e-05, "AMT_ANNUITY": 25000.5, "CNT_CHILDREN": 2.0},
    {**APPLICATION, "OWN_CAR_AGE": None, "DAYS_EMPLOYED": 365243},
    {**APPLICATION, "DAYS_LAST_PHONE_CHANGE": -0.0, "EXT_SOURCE_2": -0.0},  # whole: 0; real: -0.0
]


@pytest.mark.parametrize("application", APPLICATIONS)
def test_an_application_hashes_as_its_validated_batch_item(application: dict[str, Any]) -> None:
    assert _column_digests([application]) == [_model_digest(application)]


def test_a_batch_hashes_each_application_alone() -> None:
    assert _column_digests(APPLICATIONS) == [_model_digest(a) for a in APPLICATIONS]


def test_the_hash_is_sha256_of_the_canonical_json() -> None:
    canonical = ApplicationInput.model_validate({"application": APPLICATION}).model_dump_json(
        exclude_none=True
    )
    assert canonical.startswith('{"application":{"SK_ID_CURR":900001,')
    assert '"AMT_CREDIT":500000.0' in canonical  # an integer of a float column: a float
    assert _column_digests([APPLICATION]) == [hashlib.sha256(canonical.encode()).hexdigest()]


@settings(max_examples=200, deadline=None)
@given(
    st.floats(0, 1, allow_nan=False, width=64),
    st.floats(0, 1e9, allow_nan=False),
    st.integers(-36500, -6570),
    st.sampled_from(APPLICATION_TEST["NAME_INCOME_TYPE"].levels),
)
def test_any_number_hashes_as_pydantic_writes_it(ext, amount, birth, income) -> None:
    application = {**APPLICATION, "EXT_SOURCE_2": ext, "AMT_GOODS_PRICE": amount,
                   "DAYS_BIRTH": birth, "NAME_INCOME_TYPE": income}  # fmt: skip
    assert _column_digests([application]) == [_model_digest(application)]


def _parsed_digests(applications: list[dict[str, Any]]) -> list[str]:
    """The hashes of the column-wise read of a /predict_batch body of ``applications``."""
    read = read_records(applications)
    assert read is not None
    return read.digests


def test_parsed_records_hash_as_their_models_in_any_field_order() -> None:
    applications = [
        {**APPLICATION, "SK_ID_CURR": 1},  # schema order: serialised as they are
        dict(reversed(list({**APPLICATION, "SK_ID_CURR": 2}.items()))),  # rebuilt
        {**APPLICATION, "SK_ID_CURR": 3, "OWN_CAR_AGE": None, "EXT_SOURCE_1": -0.0},
        {**full(APPLICATION_TEST), "SK_ID_CURR": 4},
        {k: v for k, v in APPLICATION.items() if k != "SK_ID_CURR"},
    ]
    assert _parsed_digests(applications) == [_model_digest(a) for a in applications]


def test_numbers_written_with_an_exponent_hash_as_their_models() -> None:
    applications = [
        {**APPLICATION, "SK_ID_CURR": 1, "EXT_SOURCE_1": 1e-7, "EXT_SOURCE_2": 5e-324},
        {**APPLICATION, "SK_ID_CURR": 2, "EXT_SOURCE_2": 2.5e-05, "AMT_ANNUITY": 1.5e5},
    ]
    assert _parsed_digests(applications) == [_model_digest(a) for a in applications]


def test_no_number_column_admits_a_value_msgspec_would_write_unlike_pydantic() -> None:
    """From 1e16 on, msgspec writes ``1e16`` and pydantic ``1e+16``: a hash would differ."""
    for column in APPLICATION_TEST.columns:
        if column.is_numeric and column.kind != "target":
            bounds = [column.minimum, column.maximum, *column.special]
            assert None not in bounds[:2], f"{column.name} is unbounded"
            assert all(abs(b) < 1e16 for b in bounds if b is not None), column.name


def test_a_negative_zero_in_an_integer_column_is_left_to_the_model() -> None:
    assert read_records([{**APPLICATION, "DAYS_LAST_PHONE_CHANGE": -0.0}]) is None
    assert read_records([{**APPLICATION, "DAYS_LAST_PHONE_CHANGE": 0}]) is not None


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_valid_record_in_any_order_hashes_as_its_model(data) -> None:
    columns = [c for c in APPLICATION_TEST.columns if c.kind not in ("target", "key")]
    chosen = data.draw(st.lists(st.sampled_from(columns), max_size=12, unique=True))
    record = dict(APPLICATION)
    for column in chosen:
        if column.is_categorical:
            values: st.SearchStrategy[Any] = st.sampled_from(column.levels)
        elif column.kind == "int":
            values = st.integers(int(column.minimum), int(column.maximum))
        else:
            values = st.floats(column.minimum, column.maximum, allow_nan=False)
        record[column.name] = data.draw(values if column.required else values | st.none())
    names = data.draw(st.permutations(list(record)))
    shuffled = {name: record[name] for name in names}
    expected = [_model_digest(record)]
    assert _parsed_digests([record]) == expected and _parsed_digests([shuffled]) == expected
