"""Validation and loading of the Home Credit tables, on tiny frames built from the schema."""

from __future__ import annotations

import gzip
import logging
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from scoring.columns import frame_to_columns
from scoring.schema import TABLES
from scoring.schema.core import Column, Table
from training.data import load_dataset, load_table, write_dataset
from training.validation import SchemaError, check_references, validate_frame

ROWS = 6
KEY_BASE = {"SK_ID_CURR": 100_000, "SK_ID_BUREAU": 5_000_000, "SK_ID_PREV": 1_000_000}


def valid_value(column: Column, row: int) -> object:
    """A value the schema accepts, varied by row so keys stay unique."""
    if column.kind == "key":
        return KEY_BASE.get(column.name, 1) + row
    if column.kind == "target":
        return row % 2
    if column.is_categorical:
        return column.levels[row % len(column.levels)]
    low = column.minimum if column.minimum is not None else min(0.0, column.maximum or 0.0)
    high = column.maximum if column.maximum is not None else low + 1000.0
    value = low + (high - low) * (row + 1) / (ROWS + 1)
    return float(math.floor(value)) if column.kind == "int" else value


def make_raw(name: str, rows: int = ROWS) -> pd.DataFrame:
    """A valid frame of table ``name`` as it could come from a file (object columns)."""
    table = TABLES[name]
    data = {c.name: [valid_value(c, r) for r in range(rows)] for c in table.columns}
    return pd.DataFrame(data, dtype=object)


def set_value(column: str, row: int, value: object) -> Callable[[pd.DataFrame], None]:
    """A mutation putting ``value`` in ``column`` at data row ``row`` (1-based)."""

    def mutate(frame: pd.DataFrame) -> None:
        frame.loc[row - 1, column] = value

    return mutate


def drop_column(column: str) -> Callable[[pd.DataFrame], None]:
    def mutate(frame: pd.DataFrame) -> None:
        del frame[column]

    return mutate


def problems_of(frame: pd.DataFrame, name: str, source: str) -> SchemaError:
    with pytest.raises(SchemaError) as caught:
        validate_frame(frame, TABLES[name], source)
    return caught.value


APP, BUR = "application_train", "bureau"
PROBLEMS = {
    "required column": (APP, drop_column("TARGET"), "TARGET", "required column is missing", ()),
    "text in number": (APP, set_value("AMT_CREDIT", 3, "abc"), "AMT_CREDIT", "not numeric", (3,)),
    "non-integer": (APP, set_value("CNT_CHILDREN", 2, 2.5), "CNT_CHILDREN", "fractional", (2,)),
    "missing key": (APP, set_value("SK_ID_CURR", 4, None), "SK_ID_CURR", "missing", (4,)),
    "missing level": (APP, set_value("CODE_GENDER", 5, None), "CODE_GENDER", "missing", (5,)),
    "above maximum": (APP, set_value("DAYS_BIRTH", 1, -10.0), "DAYS_BIRTH", "above", (1,)),
    "infinite": (APP, set_value("AMT_CREDIT", 2, math.inf), "AMT_CREDIT", "not finite", (2,)),
    "unknown level": (APP, set_value("CODE_GENDER", 6, "Q"), "CODE_GENDER", "'Q'", (6,)),
    "target": (APP, set_value("TARGET", 3, 2), "TARGET", "other than 0 and 1", (3,)),
    "duplicate key": (APP, set_value("SK_ID_CURR", 5, 100_000), None, "SK_ID_CURR", (1, 5)),
    "below minimum": (BUR, set_value("AMT_CREDIT_SUM", 2, -5.0), "AMT_CREDIT_SUM", "below", (2,)),
    "levels listed": (
        BUR,
        set_value("CREDIT_ACTIVE", 1, "Gone"),
        "CREDIT_ACTIVE",
        "expected",
        (1,),
    ),
}


@pytest.mark.parametrize(
    ("name", "mutate", "column", "expected", "rows"),
    [pytest.param(*case, id=case_id) for case_id, case in PROBLEMS.items()],
)
def test_each_problem_is_reported_with_file_column_and_rows(
    name: str,
    mutate: Callable[[pd.DataFrame], None],
    column: str | None,
    expected: str,
    rows: tuple[int, ...],
) -> None:
    frame = make_raw(name)
    mutate(frame)
    error = problems_of(frame, name, f"{name}.csv")
    assert len(error.problems) == 1, str(error)
    problem = error.problems[0]
    assert (problem.file, problem.column, problem.example_rows) == (f"{name}.csv", column, rows)
    assert expected in problem.message
    report = str(error)
    assert f"{name}.csv" in report
    assert column is None or f"column {column}" in report
    if rows:
        label = "row" if len(rows) == 1 else "rows"
        assert f"e.g. {label} {', '.join(str(r) for r in rows)}" in report


def test_report_reads_like_a_sentence() -> None:
    frame = make_raw("bureau")
    for row in (2, 4, 5):
        frame.loc[row - 1, "AMT_CREDIT_SUM"] = -float(row)
    error = problems_of(frame, "bureau", "bureau.csv")
    assert str(error.problems[0]) == (
        "bureau.csv: column AMT_CREDIT_SUM: 3 values below the minimum 0 "
        "(e.g. rows 2, 4, 5: -2.0, -4.0, -5.0)"
    )


def test_all_problems_are_collected_before_raising() -> None:
    frame = make_raw("application_train")
    for mutate in (
        set_value("AMT_CREDIT", 1, "abc"),
        set_value("CODE_GENDER", 2, "Q"),
        set_value("TARGET", 3, 7),
        drop_column("DAYS_BIRTH"),
    ):
        mutate(frame)
    error = problems_of(frame, "application_train", "app.csv")
    columns = {p.column for p in error.problems}
    assert columns == {"AMT_CREDIT", "CODE_GENDER", "TARGET", "DAYS_BIRTH"}
    assert len(str(error).splitlines()) == 1 + len(error.problems)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("CNT_CHILDREN", "6.0"),  # a whole number written as a float is fine
        ("DAYS_EMPLOYED", 365243.0),  # declared sentinel outside the range
        ("AMT_ANNUITY", ""),  # empty text is a missing value
        ("OCCUPATION_TYPE", None),
    ],
)
def test_acceptable_values_pass(column: str, value: object) -> None:
    frame = make_raw("application_train")
    set_value(column, 2, value)(frame)
    validate_frame(frame, TABLES["application_train"], "app.csv")


def test_valid_frame_is_typed_as_the_schema_declares() -> None:
    table = TABLES["application_train"]
    typed = validate_frame(make_raw("application_train"), table, "app.csv")
    assert tuple(typed.columns) == table.names
    for column in table.columns:
        dtype = typed[column.name].dtype
        if column.is_categorical:
            assert tuple(dtype.categories) == column.levels, column.name
        else:
            expected = {"key": np.int64, "target": np.int8}.get(column.kind, np.float64)
            assert dtype == expected, column.name
    assert set(frame_to_columns(typed, table)) == set(table.names)


def test_the_result_is_a_copy_unless_the_caller_gives_its_frame_up() -> None:
    """The scenarios keep their reference frames: changing a validated copy must leave them
    alone; a file just read (copy=False) lends its columns instead of copying them."""
    table = TABLES["application_train"]
    raw = make_raw("application_train").astype({"AMT_CREDIT": np.float64})
    before = raw["AMT_CREDIT"].to_numpy().copy()
    typed = validate_frame(raw, table, "app.csv")
    typed.loc[0, "AMT_CREDIT"] = -1.0
    np.testing.assert_array_equal(raw["AMT_CREDIT"].to_numpy(), before)
    lent = validate_frame(raw, table, "app.csv", copy=False)
    assert np.shares_memory(lent["AMT_CREDIT"].to_numpy(), raw["AMT_CREDIT"].to_numpy())


def test_unknown_columns_are_dropped_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    frame = make_raw("bureau").assign(MY_NOTE="x", OTHER=1)
    with caplog.at_level(logging.WARNING):
        typed = validate_frame(frame, TABLES["bureau"], "bureau.csv")
    assert "MY_NOTE" not in typed.columns
    assert "MY_NOTE, OTHER" in caplog.text and "bureau.csv" in caplog.text


def test_absent_optional_column_becomes_missing() -> None:
    frame = make_raw("application_train").drop(columns=["EXT_SOURCE_1", "OCCUPATION_TYPE"])
    typed = validate_frame(frame, TABLES["application_train"], "app.csv")
    assert typed["EXT_SOURCE_1"].isna().all() and typed["OCCUPATION_TYPE"].isna().all()


def typed_dataset() -> dict[str, pd.DataFrame]:
    """Valid train/bureau frames with awkward values: gaps, commas, long floats."""
    train = make_raw("application_train")
    set_value("NAME_TYPE_SUITE", 1, "Spouse, partner")(train)
    set_value("EXT_SOURCE_1", 2, 1 / 3)(train)
    set_value("AMT_ANNUITY", 3, None)(train)
    set_value("OCCUPATION_TYPE", 4, None)(train)
    bureau = make_raw("bureau")
    set_value("AMT_CREDIT_SUM", 1, 0.1 + 0.2)(bureau)
    names = ("application_train", "bureau")
    return {n: validate_frame(f, TABLES[n], n) for n, f in zip(names, (train, bureau), strict=True)}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_round_trip_preserves_values_and_dtypes(tmp_path: Path, fmt: str) -> None:
    frames = typed_dataset()
    paths = write_dataset(frames, tmp_path, fmt)  # type: ignore[arg-type]
    assert [p.name for p in paths] == [f"application_train.{fmt}", f"bureau.{fmt}"]
    loaded = load_dataset(tmp_path)
    assert set(loaded) == set(frames)
    for name, frame in frames.items():
        pd.testing.assert_frame_equal(loaded[name], frame, check_exact=True)


def test_csv_is_written_in_the_kaggle_layout(tmp_path: Path) -> None:
    write_dataset({"bureau": typed_dataset()["bureau"]}, tmp_path)
    header, first = (tmp_path / "bureau.csv").read_text().splitlines()[:2]
    assert header.startswith("SK_ID_CURR,SK_ID_BUREAU,")
    assert "0.30000000000000004" in first


def test_failed_write_keeps_the_previous_file(tmp_path: Path) -> None:
    good = typed_dataset()["bureau"]
    write_dataset({"bureau": good}, tmp_path)
    before = (tmp_path / "bureau.csv").read_bytes()
    broken = pd.DataFrame({"A": [1, "text", object()]})
    with pytest.raises(pa.ArrowException):
        write_dataset({"bureau": good.head(1), "broken": broken}, tmp_path)
    assert (tmp_path / "bureau.csv").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bureau.csv"]


def test_gzipped_csv_loads(tmp_path: Path) -> None:
    frames = typed_dataset()
    write_dataset(frames, tmp_path)
    plain = tmp_path / "bureau.csv"
    (tmp_path / "bureau.csv.gz").write_bytes(gzip.compress(plain.read_bytes()))
    plain.unlink()
    pd.testing.assert_frame_equal(load_dataset(tmp_path)["bureau"], frames["bureau"])


def test_problems_of_several_files_are_raised_together(tmp_path: Path) -> None:
    frames = typed_dataset()
    bad_train = frames["application_train"].assign(AMT_CREDIT=-1.0)
    bad_bureau = frames["bureau"].assign(DAYS_CREDIT=5.0)
    write_dataset({"application_train": bad_train, "bureau": bad_bureau}, tmp_path)
    with pytest.raises(SchemaError) as caught:
        load_dataset(tmp_path)
    found = {(p.file, p.column) for p in caught.value.problems}
    assert found == {("application_train.csv", "AMT_CREDIT"), ("bureau.csv", "DAYS_CREDIT")}


def test_duplicate_keys_are_reported_alongside_other_problems() -> None:
    frame = make_raw("bureau")
    set_value("SK_ID_BUREAU", 3, KEY_BASE["SK_ID_BUREAU"])(frame)
    set_value("AMT_CREDIT_SUM", 2, -1.0)(frame)
    error = problems_of(frame, "bureau", "bureau.csv")
    assert [p.column for p in error.problems] == ["AMT_CREDIT_SUM", None]
    assert error.problems[1].example_rows == (1, 3)


def test_directory_with_only_application_train_loads(tmp_path: Path) -> None:
    write_dataset({"application_train": typed_dataset()["application_train"]}, tmp_path)
    assert list(load_dataset(tmp_path)) == ["application_train"]


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_dataset(tmp_path / "nowhere")


def test_missing_application_train_names_the_expected_files(tmp_path: Path) -> None:
    write_dataset({"bureau": typed_dataset()["bureau"]}, tmp_path)
    with pytest.raises(FileNotFoundError) as caught:
        load_dataset(tmp_path)
    assert str(tmp_path) in str(caught.value) and "application_train.csv" in str(caught.value)


def test_bad_text_in_a_csv_names_column_rows_and_values(tmp_path: Path) -> None:
    write_dataset({"bureau": typed_dataset()["bureau"]}, tmp_path)
    path = tmp_path / "bureau.csv"
    text = pd.read_csv(path, dtype=str)
    text.loc[2, "DAYS_CREDIT"] = "yesterday"
    text.to_csv(path, index=False)
    with pytest.raises(SchemaError) as caught:
        load_table(path, TABLES["bureau"])
    assert str(caught.value.problems[0]) == (
        "bureau.csv: column DAYS_CREDIT: 1 value not numeric (e.g. row 3: 'yesterday')"
    )


def test_malformed_csv_is_a_schema_error(tmp_path: Path) -> None:
    path = tmp_path / "bureau.csv"
    path.write_text("SK_ID_CURR,SK_ID_BUREAU\n1,2,3\n")
    with pytest.raises(SchemaError, match="not a readable CSV file"):
        load_table(path, TABLES["bureau"])


def test_orphans_are_warnings_and_test_clients_count() -> None:
    frames = typed_dataset()
    test = frames["application_train"].drop(columns="TARGET").assign(SK_ID_CURR=range(9, 9 + ROWS))
    bureau = frames["bureau"].copy()
    bureau.loc[1, "SK_ID_CURR"] = 9  # an application_test client: fine
    bureau.loc[4, "SK_ID_CURR"] = 7  # nobody's
    warnings = check_references({**frames, "bureau": bureau, "application_test": test})
    assert warnings == [
        "bureau: 1 row whose SK_ID_CURR is not in application_train or application_test "
        "(e.g. row 5: 7)"
    ]


def test_schema_tables_build_valid_frames() -> None:
    """The helpers above must keep producing valid frames as the schema evolves."""
    for name, table in TABLES.items():
        assert isinstance(table, Table)
        validate_frame(make_raw(name), table, name)
