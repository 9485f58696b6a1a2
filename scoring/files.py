"""Tables read from CSV or Parquet and checked against the schema, and tables written back.

One reader for the offline commands (:mod:`training.data`, ``python -m training score``)
and for the service's uploads (``POST /score_file``), so a file is read and validated the
same way wherever it is scored. pyarrow parses both formats column-wise, on every core;
every failure a user can cause (text where a number goes, a row with the wrong number of
fields, a file that is not what it claims) is a :class:`~scoring.validation.SchemaError`
naming the file, the column and the rows.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from scoring.schema.core import Table
from scoring.validation import MAX_EXAMPLES, Problem, SchemaError, validate_frame

logger = logging.getLogger(__name__)

Format = Literal["csv", "parquet"]
Source = Path | bytes
PARQUET_MAGIC = b"PAR1"
# Uploads that are neither: named, so the caller knows what was received.
_OTHER_FILES = {
    b"PK\x03\x04": "a ZIP archive (an Excel workbook is one): export the sheet as CSV",
    b"\x1f\x8b": "a gzip-compressed file: send it uncompressed",
    b"%PDF": "a PDF document",
}
_DICTIONARY = pa.dictionary(pa.int32(), pa.string())
_BLOCK = 1 << 24


def format_of(source: Source) -> Format:
    """Parquet for a ``.parquet`` path or bytes starting with Parquet's magic, else CSV."""
    if isinstance(source, Path):
        return "parquet" if source.suffix == ".parquet" else "csv"
    return "parquet" if source[:4] == PARQUET_MAGIC else "csv"


def read_table(
    source: Source,
    table: Table,
    name: str,
    *,
    strict: bool = False,
    max_rows: int | None = None,
) -> pd.DataFrame:
    """Read one CSV or Parquet file (a path, or the bytes of an upload named ``name``) and
    validate it (``strict``: see :func:`scoring.validation.validate_frame`); raises
    :class:`SchemaError` on bad data, or when it has more than ``max_rows`` rows."""
    if format_of(source) == "parquet":
        raw = _read_parquet(source, table, name, strict, max_rows)
    else:
        if isinstance(source, bytes):
            _check_text(source, name)
        raw = _read_csv(source, table, name, strict)
    _check_rows(len(raw), name, max_rows)
    return validate_frame(raw, table, name, strict=strict, copy=False)  # raw dies here


def write_table(frame: pd.DataFrame, fmt: Format, target: Path | None = None) -> bytes:
    """``frame`` as CSV (header unquoted, as the Kaggle files) or Parquet, written to
    ``target`` when given; its bytes otherwise (empty when written)."""
    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    sink = pa.BufferOutputStream() if target is None else str(target)
    if fmt == "parquet":
        pq.write_table(arrow, sink)
    else:
        options = pacsv.WriteOptions(quoting_header="none", batch_size=65536)
        pacsv.write_csv(arrow, sink, options)
    return sink.getvalue().to_pybytes() if isinstance(sink, pa.BufferOutputStream) else b""


def _check_text(data: bytes, name: str) -> None:
    """An upload read as CSV must be text: name the kind of file it is otherwise."""
    for magic, what in _OTHER_FILES.items():
        if data.startswith(magic):
            raise _unreadable(name, f"not a CSV or Parquet file: {what}")
    try:
        data[: 1 << 16].decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < (1 << 16) - 4:  # not a character cut at the sample's end
            raise _unreadable(name, "not a CSV text file: it is not UTF-8 text") from None


def _check_rows(rows: int, name: str, max_rows: int | None) -> None:
    if max_rows is not None and rows > max_rows:
        raise SchemaError(
            [
                Problem(
                    name,
                    None,
                    f"{rows:,} rows; at most {max_rows:,} are scored in one file: split it",
                    kind="too_many_rows",
                    count=rows,
                )
            ]
        )


def _read_parquet(
    source: Source, table: Table, name: str, strict: bool, max_rows: int | None
) -> pd.DataFrame:
    opened = pa.BufferReader(source) if isinstance(source, bytes) else source
    try:
        parquet = pq.ParquetFile(opened)
        _check_rows(parquet.metadata.num_rows, name, max_rows)  # before reading any data
        if strict:
            _check_types(parquet.schema_arrow, table, name)
        return _to_pandas(parquet.read())
    except (pa.ArrowException, OSError) as error:
        raise _unreadable(name, "not a readable Parquet file", error, strict) from error


def _check_types(schema: pa.Schema, table: Table, name: str) -> None:
    """Strictly, a Parquet column holds what its schema column is: numbers for a number
    column, text for a category, never text read as numbers or booleans as 0 and 1 (as the
    API refuses "2.5" and true for a number)."""
    problems = []
    for field in schema:
        if field.name not in table:
            continue  # validation names it
        column = table[field.name]
        kind = field.type.value_type if pa.types.is_dictionary(field.type) else field.type
        if pa.types.is_null(kind):
            continue  # every value missing
        text = pa.types.is_string(kind) or pa.types.is_large_string(kind)
        number = pa.types.is_integer(kind) or pa.types.is_floating(kind)
        if column.is_categorical and not text:
            problems.append(Problem(name, field.name, f"stored as {kind}; expected text",
                                    kind="wrong_type"))  # fmt: skip
        elif not column.is_categorical and not number:
            problems.append(Problem(name, field.name, f"stored as {kind}; expected numbers",
                                    kind="wrong_type"))  # fmt: skip
    if problems:
        raise SchemaError(problems)


def _read_csv(source: Source, table: Table, name: str, strict: bool) -> pd.DataFrame:
    """Read with schema types (fast); on conversion failure re-read as text to name the rows."""
    typed = {c.name: _DICTIONARY if c.is_categorical else pa.float64() for c in table.columns}
    try:
        return _read_csv_as(source, typed, name)
    except (pa.ArrowException, OSError) as typed_error:
        logger.info("%s: typed reading failed (%s); re-reading as text", name, typed_error)
    text = {c.name: _DICTIONARY if c.is_categorical else pa.string() for c in table.columns}
    try:
        return _read_csv_as(source, text, name)
    except (pa.ArrowException, OSError) as error:
        raise _unreadable(name, "not a readable CSV file", error, strict) from error


def _read_csv_as(source: Source, types: dict[str, pa.DataType], name: str) -> pd.DataFrame:
    """The CSV with these column types; a row with the wrong number of fields is a
    :class:`SchemaError` naming the rows (found again on one thread, which numbers them)."""
    convert = pacsv.ConvertOptions(column_types=types, strings_can_be_null=True)
    invalid = _Skipped()
    arrow = pacsv.read_csv(
        _opened(source),
        read_options=pacsv.ReadOptions(block_size=_BLOCK),
        parse_options=pacsv.ParseOptions(invalid_row_handler=invalid),
        convert_options=convert,
    )
    if invalid.rows:
        numbered = _Skipped()
        read = pacsv.ReadOptions(block_size=_BLOCK, use_threads=False)
        parse = pacsv.ParseOptions(invalid_row_handler=numbered)
        pacsv.read_csv(_opened(source), read_options=read, parse_options=parse)
        raise SchemaError([_field_count_problem(name, numbered.rows or invalid.rows)])
    return _to_pandas(arrow)


class _Skipped:
    """pyarrow's handler of a row with the wrong number of fields: noted, then skipped."""

    def __init__(self) -> None:
        self.rows: list[pacsv.InvalidRow] = []

    def __call__(self, row: pacsv.InvalidRow) -> str:
        self.rows.append(row)
        return "skip"


def _field_count_problem(name: str, rows: list[pacsv.InvalidRow]) -> Problem:
    """Rows whose number of fields is not the header's (data rows counted from 1)."""
    first = rows[0]
    numbers = tuple(row.number - 1 for row in rows[:MAX_EXAMPLES] if row.number is not None)
    where = f" (e.g. row{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))})"
    message = (
        f"not a readable CSV file: {len(rows)} row{'s' if len(rows) != 1 else ''} with a "
        f"number of fields other than the header's {first.expected_columns}"
        f"{where if numbers else ''}"
    )
    return Problem(name, None, message, numbers, kind="field_count", count=len(rows))


def _opened(source: Source) -> pa.BufferReader | str:
    return pa.BufferReader(source) if isinstance(source, bytes) else str(source)


def _unreadable(
    name: str, what: str, error: BaseException | None = None, strict: bool = True
) -> SchemaError:
    """A file that cannot be read at all. pyarrow's reason may quote the file's content:
    strictly (uploads), only its first clause is kept."""
    reason = ""
    if error is not None:
        text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        reason = ": " + (": ".join(text.split(": ")[:2]) if strict else text)
    return SchemaError([Problem(name, None, what + reason, kind="unreadable_file")])


def _to_pandas(arrow: pa.Table) -> pd.DataFrame:
    """One block per column, freeing Arrow memory as it goes; text stays Arrow-backed."""
    text = pd.ArrowDtype(pa.string())
    mapper = {pa.string(): text, pa.large_string(): text}.get
    return arrow.to_pandas(split_blocks=True, self_destruct=True, types_mapper=mapper)
