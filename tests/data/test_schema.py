"""The schema against itself (structure) and against the real Home Credit sample.

Everything downstream trusts the schema, so a wrong column order, a missing level or a
bound that rejects real values would surface far away; these tests pin it here.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path
from typing import get_args

import numpy as np
import pandas as pd
import pytest

from scoring.schema import APPLICATION_TEST, APPLICATION_TRAIN, TABLES, Table
from scoring.schema.core import Unit

SAMPLE_DIR = Path(__file__).resolve().parents[2].parent / "shared/data/home-credit-sample"
ALL_TABLES = list(TABLES.values())
by_table = pytest.mark.parametrize("table", ALL_TABLES, ids=[t.name for t in ALL_TABLES])
needs_sample = pytest.mark.skipif(not SAMPLE_DIR.is_dir(), reason=f"no sample in {SAMPLE_DIR}")


def _sample_path(table: Table) -> Path:
    path = SAMPLE_DIR / f"{table.name}.csv"
    if not path.exists():
        pytest.skip(f"no sample file {path.name}")
    return path


@cache
def _sample(name: str) -> pd.DataFrame:
    """The sample file, categoricals as strings and only empty fields as missing."""
    table = TABLES[name]
    return pd.read_csv(
        _sample_path(table),
        dtype={c.name: str for c in table.categorical},
        keep_default_na=False,
        na_values=[""],
    )


# --- structure (no data needed) --------------------------------------------------------


def test_tables_are_the_seven_kaggle_files() -> None:
    assert set(TABLES) == {
        "application_train",
        "application_test",
        "bureau",
        "bureau_balance",
        "previous_application",
        "POS_CASH_balance",
        "installments_payments",
        "credit_card_balance",
    }
    counts = {name: len(table.columns) for name, table in TABLES.items()}
    assert counts == {
        "application_train": 122,
        "application_test": 121,
        "bureau": 17,
        "bureau_balance": 3,
        "previous_application": 37,
        "POS_CASH_balance": 8,
        "installments_payments": 8,
        "credit_card_balance": 23,
    }


def test_application_test_is_train_without_target() -> None:
    assert APPLICATION_TRAIN.required
    assert APPLICATION_TRAIN["TARGET"].kind == "target"
    assert "TARGET" not in APPLICATION_TEST
    train_without_target = tuple(c for c in APPLICATION_TRAIN.columns if c.name != "TARGET")
    assert train_without_target == APPLICATION_TEST.columns


def test_target_is_binary_and_only_in_train() -> None:
    target = APPLICATION_TRAIN["TARGET"]
    assert (target.minimum, target.maximum, target.levels) == (0, 1, ())
    assert not target.nullable and target.required
    others = [(t.name, c.name) for t in ALL_TABLES for c in t.columns if c.kind == "target"]
    assert others == [("application_train", "TARGET")]


@by_table
def test_keys_are_never_missing(table: Table) -> None:
    for column in table.columns:
        if column.kind == "key":
            assert not column.nullable and column.required, column.name
            assert column.unit == "id", column.name
    for name in table.primary_key:
        assert name in table, name
        assert not table[name].nullable, name


@by_table
def test_foreign_keys_point_to_existing_columns(table: Table) -> None:
    for fk in table.foreign_keys:
        assert fk.column in table, fk
        assert fk.parent in TABLES, fk
        parent = TABLES[fk.parent]
        assert fk.parent_column in parent, fk
        assert fk.parent_column in parent.primary_key, fk
        assert table[fk.column].kind == parent[fk.parent_column].kind == "key", fk


@by_table
def test_every_id_column_of_a_history_table_is_a_foreign_key(table: Table) -> None:
    own = set(table.primary_key)
    referenced = {fk.column for fk in table.foreign_keys}
    for column in table.columns:
        if column.kind == "key" and column.name not in own:
            assert column.name in referenced, column.name


@by_table
def test_labels_are_present_and_distinct(table: Table) -> None:
    for column in table.columns:
        assert column.label_en.strip() and column.label_fr.strip(), column.name
    assert len({c.label_en for c in table.columns}) == len(table.columns)
    assert len({c.label_fr for c in table.columns}) == len(table.columns)


@by_table
def test_levels_only_on_categoricals(table: Table) -> None:
    for column in table.columns:
        if column.is_categorical:
            assert column.levels, column.name
            assert len(set(column.levels)) == len(column.levels), column.name
            assert column.minimum is None and column.maximum is None, column.name
        else:
            assert column.levels == (), column.name


@by_table
def test_bounds_and_units_are_consistent(table: Table) -> None:
    units = set(get_args(Unit))
    for column in table.columns:
        assert column.unit is None or column.unit in units, column.name
        if column.required:
            assert not column.nullable, column.name
        if not column.is_numeric:
            continue
        assert column.minimum is not None, column.name
        if column.maximum is not None:
            assert column.minimum <= column.maximum, column.name
            for value in column.special:  # a sentinel inside the range would be pointless
                assert not column.minimum <= value <= column.maximum, column.name


def test_known_level_sets_are_complete() -> None:
    assert len(APPLICATION_TRAIN["ORGANIZATION_TYPE"].levels) == 58
    assert len(APPLICATION_TRAIN["NAME_INCOME_TYPE"].levels) == 8
    assert APPLICATION_TRAIN["CODE_GENDER"].levels == ("F", "M", "XNA")
    assert len(TABLES["bureau"]["CREDIT_TYPE"].levels) == 15
    assert TABLES["bureau_balance"]["STATUS"].levels == ("0", "1", "2", "3", "4", "5", "C", "X")
    assert TABLES["previous_application"]["WEEKDAY_APPR_PROCESS_START"].levels[0] == "MONDAY"


# --- against the real sample ----------------------------------------------------------


@by_table
@pytest.mark.real_data
@needs_sample
def test_column_order_is_the_file_header(table: Table) -> None:
    with _sample_path(table).open(newline="") as handle:
        header = next(csv.reader(handle))
    assert tuple(header) == table.names


@by_table
@pytest.mark.real_data
@needs_sample
def test_sample_categories_are_declared_levels(table: Table) -> None:
    frame = _sample(table.name)
    unknown = {
        c.name: sorted(set(frame[c.name].dropna()) - set(c.levels)) for c in table.categorical
    }
    assert {name: levels for name, levels in unknown.items() if levels} == {}


@by_table
@pytest.mark.real_data
@needs_sample
def test_sample_numbers_are_within_bounds(table: Table) -> None:
    frame = _sample(table.name)
    outside = {}
    for column in (*table.numeric, *(c for c in table.columns if c.kind == "key")):
        values = frame[column.name].dropna().to_numpy(dtype=np.float64)
        low = -np.inf if column.minimum is None else column.minimum
        high = np.inf if column.maximum is None else column.maximum
        bad = values[((values < low) | (values > high)) & ~np.isin(values, column.special)]
        if bad.size:
            outside[column.name] = sorted(set(bad.tolist()))[:5]
    assert outside == {}


@by_table
@pytest.mark.real_data
@needs_sample
def test_sample_integer_columns_hold_whole_numbers(table: Table) -> None:
    frame = _sample(table.name)
    fractional = []
    for column in table.columns:
        if column.kind in ("key", "target", "int"):
            values = frame[column.name].dropna().to_numpy(dtype=np.float64)
            if not np.array_equal(values, np.round(values)):
                fractional.append(column.name)
    assert fractional == []


@by_table
@pytest.mark.real_data
@needs_sample
def test_sample_non_nullable_columns_are_complete(table: Table) -> None:
    frame = _sample(table.name)
    missing = [c.name for c in table.columns if not c.nullable and frame[c.name].isna().any()]
    assert missing == []


@by_table
@pytest.mark.real_data
@needs_sample
def test_sample_primary_key_is_unique(table: Table) -> None:
    if not table.primary_key:
        pytest.skip(f"{table.name} has no unique key")
    frame = _sample(table.name)
    assert not frame.duplicated(subset=list(table.primary_key)).any()
