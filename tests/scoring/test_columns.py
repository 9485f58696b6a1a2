"""Records and frames convert to the same column arrays: missing values as NaN or -1,
levels as their schema codes, a field no record has left out."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.columns import MISSING_CODE, frame_to_columns, records_to_columns
from scoring.schema import APPLICATION_TEST, TABLES

RECORDS = [
    {"SK_ID_CURR": 100001, "AMT_INCOME_TOTAL": 135000.0, "CNT_CHILDREN": 2,
     "NAME_CONTRACT_TYPE": "Cash loans", "EXT_SOURCE_2": None},
    {"SK_ID_CURR": 100002, "AMT_INCOME_TOTAL": None, "CNT_CHILDREN": 0,
     "NAME_CONTRACT_TYPE": None},
]  # fmt: skip


def test_records_convert_values_missing_values_and_levels() -> None:
    columns = records_to_columns(RECORDS, APPLICATION_TEST)
    assert columns["SK_ID_CURR"].dtype == np.int64
    assert columns["SK_ID_CURR"].tolist() == [100001, 100002]
    income = columns["AMT_INCOME_TOTAL"]
    assert income.dtype == np.float64 and income[0] == 135000.0 and np.isnan(income[1])
    assert columns["CNT_CHILDREN"].tolist() == [2.0, 0.0]
    assert np.isnan(columns["EXT_SOURCE_2"]).all()
    contract = APPLICATION_TEST["NAME_CONTRACT_TYPE"].level_code["Cash loans"]
    assert columns["NAME_CONTRACT_TYPE"].tolist() == [contract, MISSING_CODE]
    assert columns["NAME_CONTRACT_TYPE"].dtype == np.int32


def test_a_field_no_record_has_is_left_out() -> None:
    assert "DAYS_BIRTH" not in records_to_columns(RECORDS, APPLICATION_TEST)


def test_no_records_give_no_columns() -> None:
    assert records_to_columns([], TABLES["bureau"]) == {}


def test_records_and_a_frame_of_the_same_rows_agree() -> None:
    frame = pd.DataFrame(RECORDS).astype({"NAME_CONTRACT_TYPE": "object"})
    from_frame = frame_to_columns(frame, APPLICATION_TEST)
    from_records = records_to_columns(RECORDS, APPLICATION_TEST)
    assert from_frame.keys() == from_records.keys()
    for name, values in from_frame.items():
        np.testing.assert_array_equal(values, from_records[name], err_msg=name)


def test_each_numeric_column_is_its_own_contiguous_array() -> None:
    columns = records_to_columns(RECORDS, APPLICATION_TEST)
    columns["AMT_INCOME_TOTAL"][0] = -1.0
    assert columns["CNT_CHILDREN"].tolist() == [2.0, 0.0]
    assert all(values.flags.c_contiguous for values in columns.values())
