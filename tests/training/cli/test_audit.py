"""The records commands (training/cli/audit.py): ``audit verify`` and ``audit migrate``, and
``audit-purge`` (moved from training/cli/service.py): their exit codes, what they say, where
they read the database, and the arguments they refuse."""

from __future__ import annotations

import os
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from scoring.records import migrate
from scoring.records.database import RecordsDatabase
from scoring.records.decisions import DecisionBook
from scoring.records.inquiries import InquiryLog
from scoring.records.tables import CHAIN_HEAD, PURGED_LINKS
from tests.support.records import inquiry, new_decision
from training.cli import app

OLD_RELEASE = Path(__file__).parents[2] / "scoring/records/fixtures/audit-e3ee25f.sqlite"
LONG_AGO = "2001-01-01T00:00:00.000000+00:00"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'records.sqlite'}"


def _run(*args: str) -> tuple[int, str]:
    """Exit code, and what the command printed: its result (standard output) when it ran,
    its error (standard error) when it refused, on one line."""
    result = CliRunner().invoke(app, list(args))
    said = result.stdout if result.exit_code in (0, 1) else result.stderr
    return result.exit_code, " ".join(said.split())


def _lines(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout.splitlines()


def _decisions(url: str, count: int) -> list[str]:
    book = DecisionBook(RecordsDatabase(url))
    return [book.record(new_decision(client_id=n))[0].decision_id for n in range(1, count + 1)]


def _sql(url: str, statement: str) -> None:
    with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as connection, connection:
        connection.execute(statement)


# --- audit verify ----------------------------------------------------------------------------


def test_verify_says_the_chain_is_intact_and_prints_its_head(sqlite_url: str) -> None:
    RecordsDatabase(sqlite_url).healthy()
    code, output = _run("audit", "verify", "--url", sqlite_url)
    assert (code, output) == (0, "chain intact: 0 decisions, 0 purged links, no decision yet")
    head = DecisionBook(RecordsDatabase(sqlite_url)).get(_decisions(sqlite_url, 4)[-1])
    assert head is not None
    code, output = _run("audit", "verify", "--url", sqlite_url)
    assert (code, output) == (
        0,
        f"chain intact: 4 decisions, 0 purged links, head #4 {head.row_hash}",
    )


def test_verify_counts_purged_links(sqlite_url: str) -> None:
    _decisions(sqlite_url, 3)
    _sql(sqlite_url, f"UPDATE decisions SET created_at = '{LONG_AGO}' WHERE seq = 1")
    code, _ = _run("audit-purge", "--older-than-days", "30", "--url", sqlite_url)
    assert code == 0
    code, output = _run("audit", "verify", "--url", sqlite_url)
    assert code == 0 and output.startswith("chain intact: 2 decisions, 1 purged links, head #3")


def test_verify_lists_each_break_naming_the_decision(sqlite_url: str) -> None:
    ids = _decisions(sqlite_url, 5)
    _sql(sqlite_url, "UPDATE decisions SET final_decision = 'refused' WHERE seq = 2")
    _sql(sqlite_url, "DELETE FROM decisions WHERE seq = 4")
    code, lines = _lines("audit", "verify", "--url", sqlite_url)
    assert code == 1, lines
    assert lines[0].startswith(f"chain broken in {sqlite_url}: 2 problems (4 decisions")
    assert lines[1:] == [
        f"  decision {ids[1]} (#2): its content was changed after it was recorded",
        "  #4: this decision was deleted",
    ]


def test_verify_reads_the_service_url(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    _decisions(sqlite_url, 1)
    monkeypatch.setenv("CREDIT_AUDIT_DB_URL", sqlite_url)
    code, output = _run("audit", "verify")
    assert code == 0 and output.startswith("chain intact: 1 decisions"), output


def test_verify_changes_nothing_and_asks_for_a_migration_first(tmp_path: Path) -> None:
    old = tmp_path / "audit.sqlite"
    shutil.copyfile(OLD_RELEASE, old)
    code, output = _run("audit", "verify", "--url", f"sqlite:///{old}")
    assert code == 2 and "is at schema revision none, not" in output, output
    assert "run `python -m training audit migrate` first" in output
    with closing(sqlite3.connect(old)) as connection:
        names = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        assert [name for (name,) in names] == ["decisions"], "no table made, none renamed"


def test_verify_does_not_create_a_missing_database(tmp_path: Path) -> None:
    missing = tmp_path / "typo.sqlite"
    code, output = _run("audit", "verify", "--url", f"sqlite:///{missing}")
    assert code == 2 and f"no records database at {missing}" in output, output
    assert not missing.exists()


def test_verify_fails_with_a_sentence_when_the_database_is_unreachable() -> None:
    url = "postgresql+psycopg://auditor:s3cret@127.0.0.1:1/records?connect_timeout=1"
    code, output = _run("audit", "verify", "--url", url)
    assert code == 2 and "records database unavailable" in output, output
    assert "s3cret" not in output and "Traceback" not in output


# --- audit migrate ---------------------------------------------------------------------------


def test_migrate_upgrades_the_previous_release_and_says_from_what_to_what(
    tmp_path: Path,
) -> None:
    old = tmp_path / "audit.sqlite"
    shutil.copyfile(OLD_RELEASE, old)
    url = f"sqlite:///{old}"
    code, output = _run("audit", "migrate", "--url", url)
    assert (code, output) == (0, f"{url} migrated from revision none to {migrate.head()}")
    assert InquiryLog(RecordsDatabase(url)).count() == 120
    code, output = _run("audit", "migrate", "--url", url)
    assert (code, output) == (0, f"{url} is at schema revision {migrate.head()}: nothing to do")
    assert _run("audit", "verify", "--url", url)[0] == 0


def test_migrate_creates_a_new_database(sqlite_url: str) -> None:
    code, output = _run("audit", "migrate", "--url", sqlite_url)
    assert code == 0 and output.endswith(f"from revision none to {migrate.head()}"), output


def test_migrate_fails_with_a_sentence(tmp_path: Path) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("not a directory")
    code, output = _run("audit", "migrate", "--url", f"sqlite:///{blocker / 'records.sqlite'}")
    assert code == 2 and "records database unavailable" in output, output


# --- audit-purge -----------------------------------------------------------------------------


def test_the_purge_command_reports_what_it_purges(sqlite_url: str) -> None:
    database = RecordsDatabase(sqlite_url)
    log = InquiryLog(database)
    old, recent = inquiry(created_at=LONG_AGO), inquiry()
    log.record([old, recent])
    ids = _decisions(sqlite_url, 2)
    _sql(sqlite_url, f"UPDATE decisions SET created_at = '{LONG_AGO}' WHERE seq = 1")
    # the changed row now breaks the chain; purging it leaves its link, as recorded
    code, output = _run("audit-purge", "--older-than-days", "30", "--url", sqlite_url, "--dry-run")
    assert code == 0, output
    assert output.startswith("Would purge 1 decisions and 1 inquiries made before"), output
    assert log.count() == 2 and DecisionBook(database).count() == 2
    code, output = _run("audit-purge", "--older-than-days", "30", "--url", sqlite_url)
    assert code == 0 and output.startswith("Purged 1 decisions and 1 inquiries made before")
    assert output.endswith(f"UTC from {sqlite_url}")
    assert log.count() == 1 and DecisionBook(database).count() == 1
    with database.reading() as connection:
        link = connection.execute(select(PURGED_LINKS)).one()
    assert (link.decision_id, link.why) == (ids[0], "retention")
    assert link.purged_by.startswith("cli:") and len(link.purged_by) > 4
    code, output = _run("audit-purge", "--client-id", "100002", "--url", sqlite_url)
    assert (code, output) == (
        0,
        f"Purged 0 decisions and 1 inquiries about client 100002 from {sqlite_url}",
    )
    code, output = _run("audit-purge", "--client-id", "2", "--url", sqlite_url)
    assert output.startswith("Purged 1 decisions and 0 inquiries about client 2"), output
    assert log.count() == 0 and DecisionBook(database).count() == 0
    head = _head_hash(database)
    code, output = _run("audit", "verify", "--url", sqlite_url)
    assert (code, output) == (0, f"chain intact: 0 decisions, 2 purged links, head #2 {head}")


def _head_hash(database: RecordsDatabase) -> str:
    with database.reading() as connection:
        return str(connection.execute(select(CHAIN_HEAD.c.row_hash)).scalar_one())


def test_the_purge_command_reads_the_service_url(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    InquiryLog(RecordsDatabase(sqlite_url)).record([inquiry()])
    monkeypatch.setenv("CREDIT_AUDIT_DB_URL", sqlite_url)
    code, output = _run("audit-purge", "--client-id", "100002", "--dry-run")
    assert code == 0 and "Would purge 0 decisions and 1 inquiries" in output, output
    assert sqlite_url in output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), "--older-than-days N (retention) or --client-id ID"),
        (("--older-than-days", "0"), "--older-than-days must be at least 1"),
        (("--older-than-days", "-5"), "--older-than-days must be at least 1"),
        (("--older-than-days", "-1", "--client-id", "7"), "--older-than-days must be at least"),
        (("--client-id", "0"), "--client-id must be a positive SK_ID_CURR"),
        (("--older-than-days", "99999"), "'--older-than-days'"),
        (("--older-than-days", "ten"), "'--older-than-days'"),
    ],
)
def test_the_purge_command_refuses_nonsense(sqlite_url: str, args, expected) -> None:
    InquiryLog(RecordsDatabase(sqlite_url)).record([inquiry(created_at=LONG_AGO)])
    code, output = _run("audit-purge", *args, "--url", sqlite_url)
    assert code == 2 and expected in output, output
    assert InquiryLog(RecordsDatabase(sqlite_url)).count() == 1


def test_the_purge_command_does_not_create_a_missing_database(tmp_path: Path) -> None:
    missing = tmp_path / "typo.sqlite"
    code, output = _run("audit-purge", "--older-than-days", "30", "--url", f"sqlite:///{missing}")
    assert code == 2 and f"no records database at {missing}" in output, output
    assert not missing.exists()


def test_a_user_without_a_name_is_recorded_by_id(monkeypatch: pytest.MonkeyPatch) -> None:
    from training.cli import audit

    def nameless() -> str:
        raise OSError("No username set in the environment")

    monkeypatch.setattr(audit.getpass, "getuser", nameless)
    assert audit.actor() == f"cli:uid-{os.getuid()}"
