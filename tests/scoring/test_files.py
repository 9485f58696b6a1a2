"""Tables read from CSV or Parquet and written back (scoring/files.py): the bytes of an upload
as well as a path, the format told by its content, and every unreadable file named for what
it is, the rows at fault counted from the first below the header."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from scoring.files import format_of, read_table, write_table
from scoring.schema import APPLICATION_TEST
from scoring.validation import SchemaError
from tests.support.inputs import APPLICATION


def _frame(rows: int = 4) -> pd.DataFrame:
    return pd.DataFrame([{**APPLICATION, "SK_ID_CURR": 100 + i} for i in range(rows)])


def _problem(data: bytes, **options) -> str:
    with pytest.raises(SchemaError) as caught:
        read_table(data, APPLICATION_TEST, "upload.csv", **options)
    return str(caught.value)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_bytes_and_paths_read_alike_in_either_format(fmt, tmp_path: Path) -> None:
    data = write_table(_frame(), fmt)
    assert format_of(data) == fmt
    path = tmp_path / f"applications.{fmt}"
    assert write_table(_frame(), fmt, path) == b"" and path.read_bytes()
    from_bytes = read_table(data, APPLICATION_TEST, "upload")
    from_path = read_table(path, APPLICATION_TEST, path.name)
    pd.testing.assert_frame_equal(from_bytes, from_path)
    assert from_bytes["SK_ID_CURR"].tolist() == [100, 101, 102, 103]
    assert from_bytes["AMT_CREDIT"].tolist() == [500000.0] * 4


def test_the_written_csv_has_a_plain_header_and_quotes_what_needs_it() -> None:
    frame = pd.DataFrame({"SK_ID_CURR": [1], "text": ['Spouse, partner said "no"']})
    assert write_table(frame, "csv") == b'SK_ID_CURR,text\n1,"Spouse, partner said ""no"""\n'


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "not a CSV or Parquet file: a ZIP archive"),
        (b"\x1f\x8b\x08\x00", "a gzip-compressed file: send it uncompressed"),
        (b"%PDF-1.7\n", "a PDF document"),
        (b"SK_ID_CURR,AMT_CREDIT\n\xff\xfe\x00\x01\n", "not a CSV text file: it is not UTF-8"),
        (b"PAR1 not really parquet", "not a readable Parquet file"),
    ],
)
def test_a_file_that_is_neither_csv_nor_parquet_is_named(data: bytes, words: str) -> None:
    assert words in _problem(data)


def test_rows_with_the_wrong_number_of_fields_are_numbered() -> None:
    lines = write_table(_frame(5), "csv").decode().splitlines()
    lines[2] += ",extra"  # the second data row
    lines[4] = lines[4].split(",", 1)[1]  # the fourth
    message = _problem("\n".join(lines).encode())
    assert "2 rows with a number of fields other than the header's" in message
    assert "(e.g. rows 2, 4)" in message


def test_strictly_an_unknown_column_is_refused_with_the_closest_name() -> None:
    data = write_table(_frame().rename(columns={"AMT_CREDIT": "AMT_CREDITT"}), "csv")
    message = _problem(data, strict=True)
    assert "column AMT_CREDITT: unknown column: did you mean AMT_CREDIT?" in message
    assert "column AMT_CREDIT: required column is missing" in message
    read_table(write_table(_frame().assign(NOTE="x"), "csv"), APPLICATION_TEST, "loose.csv")


def test_strictly_no_value_of_the_file_is_quoted() -> None:
    frame = _frame().astype({"AMT_INCOME_TOTAL": str})
    frame.loc[1, "AMT_INCOME_TOTAL"] = "lots"
    frame.loc[2, "CODE_GENDER"] = "Zebra"
    frame.loc[3, "AMT_CREDIT"] = -123456.0
    data = write_table(frame, "csv")
    strict, loose = _problem(data, strict=True), _problem(data)
    assert "column AMT_INCOME_TOTAL: 1 value not numeric (e.g. row 2)" in strict
    assert "column CODE_GENDER: 1 value not among the expected levels (e.g. row 3)" in strict
    assert "column AMT_CREDIT: 1 value below the minimum 0 (e.g. row 4)" in strict
    assert not any(value in strict for value in ("lots", "Zebra", "123456"))
    assert all(value in loose for value in ("lots", "Zebra", "-123456"))


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_file_over_the_row_limit_is_refused(fmt) -> None:
    data = write_table(_frame(12), fmt)
    with pytest.raises(SchemaError, match="12 rows; at most 10 are scored in one file"):
        read_table(data, APPLICATION_TEST, "big", max_rows=10)


def test_problems_say_what_rule_and_how_many_rows() -> None:
    frame = _frame(6)
    frame["AMT_CREDIT"] = [-1.0, 5.0, -2.0, 1.0, -3.0, 2.0]
    with pytest.raises(SchemaError) as caught:
        read_table(write_table(frame, "parquet"), APPLICATION_TEST, "p", strict=True)
    (problem,) = caught.value.problems
    assert (problem.column, problem.kind, problem.count) == ("AMT_CREDIT", "below_minimum", 3)
    assert problem.example_rows == (1, 3, 5)
    assert pd.read_parquet(io.BytesIO(write_table(frame, "parquet"))).shape == frame.shape


def test_strictly_a_parquet_column_of_the_wrong_type_is_refused() -> None:
    frame = _frame().astype({"AMT_CREDIT": str})  # numbers stored as text
    frame["FLAG_MOBIL"] = True  # a flag stored as a boolean
    frame["CODE_GENDER"] = 1  # a category stored as numbers
    data = write_table(frame, "parquet")
    message = _problem(data, strict=True)
    assert "column AMT_CREDIT: stored as string; expected numbers" in message
    assert "column FLAG_MOBIL: stored as bool; expected numbers" in message
    assert "column CODE_GENDER: stored as int64; expected text" in message
    with pytest.raises(SchemaError, match="CODE_GENDER"):  # loosely: read, then checked
        read_table(data, APPLICATION_TEST, "loose.parquet")
