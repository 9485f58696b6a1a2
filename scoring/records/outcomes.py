"""Repayment outcomes: whether a granted credit was repaid or defaulted, imported from a file.

The file is CSV with the header ``decision_id,outcome,outcome_date`` (docs/records.md). An
import is all or nothing: every row is checked first, against the file and the records, and a
single problem imports nothing. The error names the file, the row as a spreadsheet numbers it
(the header is row 1) and the column, and says what is expected. Importing the same row again
changes nothing, so a file can be re-sent after a failure.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import Connection, insert, select

from scoring.records.clock import utc_now
from scoring.records.database import RecordsDatabase
from scoring.records.tables import DECISIONS, OUTCOMES

COLUMNS = ("decision_id", "outcome", "outcome_date")
HEADER = ",".join(COLUMNS)
EXPECTED = {
    "decision_id": "the decision_id of a recorded decision (32 hexadecimal digits)",
    "outcome": "repaid or defaulted",
    "outcome_date": "a date written YYYY-MM-DD, such as 2026-03-31",
}
SHOWN_PROBLEMS = 50  # an error lists this many problems, then counts the rest
_CHUNK = 500  # ids per query: far below every database's limit on bound parameters
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class OutcomeRow(BaseModel):
    """One row of an outcomes file, validated."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    decision_id: str = Field(pattern=r"^[0-9a-fA-F]{32}$")
    outcome: Literal["repaid", "defaulted"]
    outcome_date: date

    @field_validator("decision_id")
    @classmethod
    def _lower_case(cls, value: str) -> str:
        return value.lower()

    @field_validator("outcome_date", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> date:
        """Only YYYY-MM-DD: 03/04/2026 means March in one country and April in another."""
        if not isinstance(value, str) or not _DATE.fullmatch(value.strip()):
            raise ValueError("not YYYY-MM-DD")
        return date.fromisoformat(value.strip())


@dataclass(frozen=True)
class RowProblem:
    """What is wrong with one cell (or one row, when ``column`` is None) of the file."""

    row: int
    column: str | None
    message: str

    def where(self) -> str:
        return f"row {self.row}" + (f", column {self.column}" if self.column else "")


class OutcomeFileError(ValueError):
    """The file cannot be imported; nothing was. The message lists every problem."""

    def __init__(self, path: Path, problems: Sequence[RowProblem]) -> None:
        self.path = path
        self.problems = sorted(problems, key=lambda problem: problem.row)
        lines = [f"{path}, {p.where()}: {p.message}" for p in self.problems[:SHOWN_PROBLEMS]]
        if len(self.problems) > SHOWN_PROBLEMS:
            lines.append(f"... and {len(self.problems) - SHOWN_PROBLEMS} more problems")
        count = f"{len(self.problems)} problem" + ("s" if len(self.problems) > 1 else "")
        super().__init__(f"{path}: {count}, nothing imported:\n" + "\n".join(lines))


@dataclass(frozen=True)
class ImportSummary:
    """What an import did: outcomes recorded, and rows already recorded identically."""

    recorded: int
    already_present: int


def read_outcomes(path: Path, today: date) -> tuple[list[tuple[int, OutcomeRow]], list[RowProblem]]:
    """The valid rows of ``path`` with their spreadsheet row numbers, and the problems of the
    others: the checks that need no database (format, a date not after ``today``, one row
    per decision)."""
    rows: list[tuple[int, OutcomeRow]] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for number, cells in _records(path, problems):
        parsed = _parse(number, cells, problems)
        if parsed is None:
            continue
        first = seen.setdefault(parsed.decision_id, number)
        if first != number:
            problems.append(
                RowProblem(
                    number,
                    "decision_id",
                    f"decision {parsed.decision_id} is already on row {first}; "
                    "expected one outcome per decision",
                )
            )
        elif parsed.outcome_date > today:
            problems.append(
                RowProblem(
                    number,
                    "outcome_date",
                    f"{parsed.outcome_date} is in the future; expected {today} or earlier",
                )
            )
        else:
            rows.append((number, parsed))
    return rows, problems


def import_outcomes(
    database: RecordsDatabase, path: Path, recorded_by: str, today: date | None = None
) -> ImportSummary:
    """Record the outcomes of ``path`` in one transaction, all or none.

    Each must be about a granted decision that is still current (not revised), dated between
    the decision and ``today``; one already recorded with the same values is skipped, one
    recorded with other values is an error (an import never changes a recorded outcome).
    """
    rows, problems = read_outcomes(path, today or date.today())
    with database.writing() as connection:
        against_records, new = _check_against_records(connection, rows)
        if problems or against_records:  # every problem at once, so one fix is enough
            raise OutcomeFileError(path, problems + against_records)
        if new:
            moment = utc_now()
            connection.execute(
                insert(OUTCOMES),
                [
                    {
                        "decision_id": row.decision_id,
                        "outcome": row.outcome,
                        "outcome_date": row.outcome_date.isoformat(),
                        "recorded_at": moment,
                        "recorded_by": recorded_by,
                        "source": path.name[:200],
                    }
                    for row in new
                ],
            )
    return ImportSummary(recorded=len(new), already_present=len(rows) - len(new))


def _records(path: Path, problems: list[RowProblem]) -> Iterator[tuple[int, list[str]]]:
    """The data rows of ``path`` as cells ordered like ``COLUMNS``, numbered as a spreadsheet
    does; problems with the header or the file's text go to ``problems``."""
    content = path.read_bytes()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = content[: error.start].count(b"\n") + 1
        message = f"not UTF-8 text ({error.reason}); expected a CSV file saved as UTF-8"
        problems.append(RowProblem(row, None, message))
        return
    lines: list[list[str]] = []
    try:
        lines.extend(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        problems.append(RowProblem(len(lines) + 1, None, f"not CSV ({error}); expected {HEADER}"))
        return
    if not lines:
        problems.append(RowProblem(1, None, f"the file is empty; expected the header {HEADER}"))
        return
    header = [name.strip() for name in lines[0]]
    order = _header_order(header, problems)
    if order is None:
        return
    for number, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, such as the one a spreadsheet leaves at the end
        if len(cells) != len(COLUMNS):
            problems.append(
                RowProblem(
                    number,
                    None,
                    f"{len(cells)} values; expected {len(COLUMNS)}, one per column of {HEADER}",
                )
            )
            continue
        yield number, [cells[index] for index in order]


def _header_order(header: list[str], problems: list[RowProblem]) -> list[int] | None:
    """Where each of ``COLUMNS`` is in ``header`` (any order), or None after a problem."""
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in COLUMNS if name not in header]
    twice = sorted({name for name in header if header.count(name) > 1})
    for name in unknown:
        shown = repr(name) if name else "(empty)"
        problems.append(RowProblem(1, shown, f"unknown column; expected the header {HEADER}"))
    for name in twice:
        problems.append(RowProblem(1, name, f"column given twice; expected the header {HEADER}"))
    if missing:
        problems.append(
            RowProblem(
                1, None, f"missing column {', '.join(missing)}; expected the header {HEADER}"
            )
        )
    if unknown or missing or twice:
        return None
    return [header.index(name) for name in COLUMNS]


def _parse(number: int, cells: list[str], problems: list[RowProblem]) -> OutcomeRow | None:
    values = dict(zip(COLUMNS, cells, strict=True))
    try:
        return OutcomeRow.model_validate(values)
    except ValidationError as error:
        for detail in error.errors():
            column = str(detail["loc"][0])
            value = values[column].strip()
            got = f"got {value!r}" if value else "empty"
            problems.append(RowProblem(number, column, f"{got}; expected {EXPECTED[column]}"))
        return None


def _check_against_records(
    connection: Connection, rows: Sequence[tuple[int, OutcomeRow]]
) -> tuple[list[RowProblem], list[OutcomeRow]]:
    """The rows' problems with the records, and the rows to insert."""
    ids = [row.decision_id for _, row in rows]
    decisions = {r.decision_id: r for r in _select(connection, DECISIONS, "decision_id", ids)}
    revised = {r.revises: r.decision_id for r in _select(connection, DECISIONS, "revises", ids)}
    recorded = {r.decision_id: r for r in _select(connection, OUTCOMES, "decision_id", ids)}
    problems: list[RowProblem] = []
    new: list[OutcomeRow] = []
    for number, row in rows:
        decision, known = decisions.get(row.decision_id), recorded.get(row.decision_id)
        column, message = "decision_id", None
        if decision is None:
            message = (
                f"no decision {row.decision_id} in the records (unknown, or purged); "
                f"expected {EXPECTED['decision_id']}"
            )
        elif row.decision_id in revised:
            message = (
                f"decision {row.decision_id} was revised by decision {revised[row.decision_id]}; "
                "expected the current decision"
            )
        elif decision.final_decision != "granted":
            message = (
                f"decision {row.decision_id} {decision.final_decision} the credit, which has no "
                "repayment; expected a granted decision"
            )
        elif row.outcome_date < (made := date.fromisoformat(decision.created_at[:10])):
            column = "outcome_date"
            message = (
                f"{row.outcome_date} is before decision {row.decision_id} was made ({made}); "
                f"expected {made} or later"
            )
        elif known is not None:
            if (known.outcome, known.outcome_date) == (row.outcome, row.outcome_date.isoformat()):
                continue  # the same row imported again: nothing to do
            column = "outcome" if known.outcome != row.outcome else "outcome_date"
            message = (
                f"decision {row.decision_id} already has the outcome {known.outcome} on "
                f"{known.outcome_date} (recorded from {known.source}); expected the same: an "
                "import never changes a recorded outcome"
            )
        if message is None:
            new.append(row)
        else:
            problems.append(RowProblem(number, column, message))
    return problems, new


def _select(connection: Connection, table: Any, column: str, values: Iterable[str]) -> list[Any]:
    """The rows of ``table`` whose ``column`` is among ``values``, a chunk at a time."""
    values = list(values)
    found: list[Any] = []
    for start in range(0, len(values), _CHUNK):
        chunk = values[start : start + _CHUNK]
        found += connection.execute(select(table).where(table.c[column].in_(chunk))).all()
    return found
