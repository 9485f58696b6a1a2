"""``python -m training outcomes`` (training/cli/audit.py, scoring/records/outcomes.py): a file
of repayment outcomes is recorded whole or not at all; each problem is named by file, row (the
header is row 1) and column, with what is expected; importing a row again changes nothing."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from scoring.records import decisions
from scoring.records.clock import timestamp
from scoring.records.database import RecordsDatabase
from scoring.records.decisions import DecisionBook
from scoring.records.tables import OUTCOMES
from tests.support.records import new_decision
from training.cli import app

TODAY = date.today()
MADE = TODAY - timedelta(days=30)
HEADER = "decision_id,outcome,outcome_date"


@dataclass(frozen=True)
class Records:
    url: str
    granted: str
    other_granted: str
    refused: str
    revised: str  # granted, then revised by ``current``
    current: str


@pytest.fixture
def records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Records:
    """Decisions made on ``MADE``: two granted, one refused, one granted then revised."""
    made = timestamp(datetime.combine(MADE, time(9), UTC))
    monkeypatch.setattr(decisions, "utc_now", lambda: made)
    url = f"sqlite:///{tmp_path / 'records.sqlite'}"
    book = DecisionBook(RecordsDatabase(url))
    granted, _ = book.record(new_decision(client_id=1))
    other, _ = book.record(new_decision(client_id=2))
    refused, _ = book.record(new_decision(client_id=3, final_decision="refused"))
    revised, _ = book.record(new_decision(client_id=4))
    current, _ = book.record(new_decision(client_id=4, note="amount", revises=revised.decision_id))
    return Records(
        url,
        granted.decision_id,
        other.decision_id,
        refused.decision_id,
        revised.decision_id,
        current.decision_id,
    )


def _file(tmp_path: Path, *lines: str, name: str = "outcomes.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _import(path: Path, url: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["outcomes", "--file", str(path), "--url", url])
    said = result.stdout if result.exit_code == 0 else result.stderr
    return result.exit_code, said


def _stored(url: str) -> list[tuple[str, str, str]]:
    with RecordsDatabase(url).reading() as connection:
        rows = connection.execute(select(OUTCOMES).order_by(OUTCOMES.c.decision_id))
        return [(r.decision_id, r.outcome, r.outcome_date) for r in rows]


def test_outcomes_are_recorded_and_a_second_import_changes_nothing(
    records: Records, tmp_path: Path
) -> None:
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    path = _file(
        tmp_path,
        HEADER,
        f"{records.granted},repaid,{TODAY}",
        f"{records.current},defaulted,{TODAY}",
    )
    code, said = _import(path, records.url)
    assert code == 0, said
    assert " ".join(said.split()) == (
        f"Recorded 2 outcomes from {path} (0 already present) in {records.url}"
    )
    assert _stored(records.url) == sorted(
        [(records.granted, "repaid", str(TODAY)), (records.current, "defaulted", str(TODAY))]
    )
    with RecordsDatabase(records.url).reading() as connection:
        row = connection.execute(select(OUTCOMES)).first()
    assert row is not None
    assert (row.recorded_by, row.source) == (f"cli:{getpass.getuser()}", "outcomes.csv")
    again = _file(
        tmp_path,
        HEADER,
        f"{records.granted},repaid,{TODAY}",
        f"{records.other_granted},repaid,{yesterday}",
        name="again.csv",
    )
    code, said = _import(again, records.url)
    assert code == 0 and "Recorded 1 outcomes" in said and "(1 already present)" in said, said
    assert len(_stored(records.url)) == 3


def test_a_spreadsheet_export_is_read_as_meant(records: Records, tmp_path: Path) -> None:
    """Columns in another order, a byte-order mark, spaces, capitals and blank lines."""
    path = tmp_path / "export.csv"
    path.write_text(
        f"outcome_date, outcome ,decision_id\r\n {TODAY} ,repaid, {records.granted.upper()}\r\n"
        "\r\n,,\r\n",
        encoding="utf-8-sig",
    )
    code, said = _import(path, records.url)
    assert code == 0 and "Recorded 1 outcomes" in said, said
    assert _stored(records.url) == [(records.granted, "repaid", str(TODAY))]


def _cases(r: Records) -> list[tuple[list[str], str]]:
    """Each bad row, at row 3 (row 2 is valid), and the message it must give."""
    future = TODAY + timedelta(days=1)
    expected_date = "expected a date written YYYY-MM-DD, such as 2026-03-31"
    return [
        (
            ["0" * 32, "repaid", str(TODAY)],
            f"row 3, column decision_id: no decision {'0' * 32} in the records (unknown, or "
            "purged); expected the decision_id of a recorded decision (32 hexadecimal digits)",
        ),
        (
            ["12345", "repaid", str(TODAY)],
            "row 3, column decision_id: got '12345'; expected the decision_id of a recorded "
            "decision (32 hexadecimal digits)",
        ),
        (
            ["", "repaid", str(TODAY)],
            "row 3, column decision_id: empty; expected the decision_id",
        ),
        (
            [r.refused, "defaulted", str(TODAY)],
            f"row 3, column decision_id: decision {r.refused} refused the credit, which has no "
            "repayment; expected a granted decision",
        ),
        (
            [r.revised, "repaid", str(TODAY)],
            f"row 3, column decision_id: decision {r.revised} was revised by decision "
            f"{r.current}; expected the current decision",
        ),
        (
            [r.granted, "repaid", str(TODAY)],
            f"row 3, column decision_id: decision {r.granted} is already on row 2; expected one "
            "outcome per decision",
        ),
        (
            [r.other_granted, "paid", str(TODAY)],
            "row 3, column outcome: got 'paid'; expected repaid or defaulted",
        ),
        (
            [r.other_granted, "repaid", "03/04/2026"],
            f"row 3, column outcome_date: got '03/04/2026'; {expected_date}",
        ),
        (
            [r.other_granted, "repaid", "2026-02-30"],
            f"row 3, column outcome_date: got '2026-02-30'; {expected_date}",
        ),
        (
            [r.other_granted, "repaid", str(future)],
            f"row 3, column outcome_date: {future} is in the future; expected {TODAY} or earlier",
        ),
        (
            [r.other_granted, "repaid", "2001-01-01"],
            f"row 3, column outcome_date: 2001-01-01 is before decision {r.other_granted} was "
            f"made ({MADE}); expected {MADE} or later",
        ),
        (
            [r.other_granted, "repaid", str(TODAY), "extra"],
            "row 3: 4 values; expected 3, one per column of decision_id,outcome,outcome_date",
        ),
    ]


@pytest.mark.parametrize("case", range(12))
def test_a_bad_row_imports_nothing_and_is_named(
    records: Records, tmp_path: Path, case: int
) -> None:
    cells, message = _cases(records)[case]
    path = _file(tmp_path, HEADER, f"{records.granted},repaid,{TODAY}", ",".join(cells))
    code, said = _import(path, records.url)
    assert code == 2, said
    said = " ".join(said.split())
    assert f"{path}: 1 problem, nothing imported: " in said
    assert f"{path}, {message}" in said, said
    assert _stored(records.url) == [], "the valid row 2 must not be imported either"


def test_every_problem_is_listed_at_once(records: Records, tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        HEADER,
        f"{records.refused},repaid,{TODAY}",
        f"{records.granted},repaid,{TODAY}",
        f"{records.other_granted},paid,{TODAY}",
        f"{records.granted},repaid,{TODAY}",
    )
    code, said = _import(path, records.url)
    lines = said.splitlines()
    assert code == 2 and lines[0] == f"error: {path}: 3 problems, nothing imported:", said
    assert [line.split(":")[0] for line in lines[1:]] == [
        f"{path}, row 2, column decision_id",
        f"{path}, row 4, column outcome",
        f"{path}, row 5, column decision_id",
    ]
    assert _stored(records.url) == []


@pytest.mark.parametrize(
    ("outcome", "outcome_date", "column"),
    [("defaulted", None, "outcome"), ("repaid", "yesterday", "outcome_date")],
)
def test_a_recorded_outcome_is_never_changed_by_an_import(
    records: Records, tmp_path: Path, outcome: str, outcome_date: str | None, column: str
) -> None:
    first = _file(tmp_path, HEADER, f"{records.granted},repaid,{TODAY}", name="first.csv")
    assert _import(first, records.url)[0] == 0
    when = TODAY - timedelta(days=1) if outcome_date else TODAY
    path = _file(
        tmp_path,
        HEADER,
        f"{records.other_granted},repaid,{TODAY}",
        f"{records.granted},{outcome},{when}",
    )
    code, said = _import(path, records.url)
    assert code == 2
    assert (
        f"{path}, row 3, column {column}: decision {records.granted} already has the outcome "
        f"repaid on {TODAY} (recorded from first.csv); expected the same: an import never "
        "changes a recorded outcome"
    ) in " ".join(said.split())
    assert _stored(records.url) == [(records.granted, "repaid", str(TODAY))]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "row 1: the file is empty; expected the header decision_id,outcome,outcome_date"),
        (
            "decision_id,outcome\n",
            "row 1: missing column outcome_date; expected the header "
            "decision_id,outcome,outcome_date",
        ),
        (
            "decision_id,outcome,outcome_date,amount\n",
            "row 1, column 'amount': unknown column; expected the header",
        ),
        (
            "decision_id,outcome,outcome_date,outcome\n",
            "row 1, column outcome: column given twice",
        ),
    ],
)
def test_a_bad_header_is_named(
    records: Records, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "outcomes.csv"
    path.write_text(content)
    code, said = _import(path, records.url)
    assert code == 2 and f"{path}, {message}" in " ".join(said.split()), said


def test_a_file_that_is_not_utf8_text_is_named(records: Records, tmp_path: Path) -> None:
    path = tmp_path / "outcomes.csv"
    path.write_bytes(f"{HEADER}\n{records.granted},rembours\xe9,{TODAY}\n".encode("latin-1"))
    code, said = _import(path, records.url)
    assert code == 2 and f"{path}, row 2: not UTF-8 text" in said, said
    assert "expected a CSV file saved as UTF-8" in " ".join(said.split())


def test_a_file_that_is_not_csv_is_named(records: Records, tmp_path: Path) -> None:
    path = _file(tmp_path, HEADER, f"{records.granted},repaid,{TODAY}", 'a,"b"c,d')
    code, said = _import(path, records.url)
    assert code == 2 and f"{path}, row 3: not CSV" in said, said
    assert _stored(records.url) == []


def test_a_missing_file_or_database_is_named(records: Records, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.csv"
    code, said = _import(missing, records.url)
    assert code == 2 and f"no file at {missing}; expected a CSV file with the header" in said
    path = _file(tmp_path, HEADER)
    typo = tmp_path / "typo.sqlite"
    code, said = _import(path, f"sqlite:///{typo}")
    assert code == 2 and f"no records database at {typo}" in said, said
    assert not typo.exists()


def test_a_file_with_only_its_header_records_nothing(records: Records, tmp_path: Path) -> None:
    code, said = _import(_file(tmp_path, HEADER), records.url)
    assert code == 0 and "Recorded 0 outcomes" in said, said
