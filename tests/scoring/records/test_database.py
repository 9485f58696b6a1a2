"""The records database commits every inquiry or fails closed, and recovers once it is back.

Ported from the first release's audit-trail tests: the same behaviours, now through
:class:`RecordsDatabase` and :class:`InquiryLog`. SQLite cases run everywhere; the PostgreSQL
cases start a throwaway cluster when the server binaries are installed (CI installs them).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from scoring.records.database import (
    READINESS_TIMEOUT_SECONDS,
    RecordsDatabase,
    RecordsUnavailable,
)
from scoring.records.inquiries import InquiryLog, digest
from tests.support.records import Cluster, inquiry, stored, throwaway_cluster

WRITERS, INSERTS_PER_WRITER = 4, 250
SLACK_SECONDS = 1.0  # the machine may be busy: timing bounds are loose, never tight
fork = multiprocessing.get_context("fork")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'records.sqlite'}"


def _ids(database: RecordsDatabase, wanted: list[str]) -> list[str]:
    return [found.request_id for found in stored(database, wanted)]


def _round_trip(database: RecordsDatabase) -> None:
    log = InquiryLog(database)
    rows = [
        inquiry(),
        inquiry(endpoint="explain", client_id=None, reasons=None, language="en"),
        *(inquiry(endpoint="predict_batch", probability=p) for p in (0.01, 0.5, 0.99)),
    ]
    log.record(rows[:1])
    log.record(rows[1:])
    log.record([])
    assert log.count() == len(rows)
    assert log.count(purpose="application") == len(rows) and log.count(purpose="view") == 0
    wanted = [rows[3].request_id, "unknown", rows[0].request_id, rows[1].request_id]
    assert stored(database, wanted) == [rows[3], rows[0], rows[1]]
    assert database.healthy()


def test_round_trip_on_sqlite(sqlite_url: str) -> None:
    _round_trip(RecordsDatabase(sqlite_url))
    reopened = RecordsDatabase(sqlite_url)  # the schema is current: migrating is a no-op
    assert InquiryLog(reopened).count() == 5


def test_sqlite_runs_in_wal_mode_with_normal_sync(sqlite_url: str) -> None:
    database = RecordsDatabase(sqlite_url)
    InquiryLog(database).record([inquiry()])
    with database.engine().connect() as connection:
        pragma = connection.exec_driver_sql
        assert pragma("PRAGMA journal_mode").scalar() == "wal"
        assert pragma("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert pragma("PRAGMA busy_timeout").scalar() == 5000


def test_the_input_digest_is_sha256_of_the_canonical_bytes() -> None:
    canonical = b'{"SK_ID_CURR":100002,"NAME":"\\u00e9"}'
    assert digest(canonical) == hashlib.sha256(canonical).hexdigest()
    assert len(digest(b"")) == 64


def test_many_rows_are_one_transaction(sqlite_url: str) -> None:
    database = RecordsDatabase(sqlite_url)
    log = InquiryLog(database)
    batch = [inquiry(endpoint="predict_batch") for _ in range(500)]
    log.record(batch)
    assert log.count() == 500
    clash = [inquiry() for _ in range(99)] + [batch[0]]  # the last row breaks the primary key
    with pytest.raises(RecordsUnavailable, match="UNIQUE constraint failed"):
        log.record(clash)
    assert log.count() == 500, "a failed batch must leave none of its rows"


def test_locked_database_fails_closed_then_recovers(tmp_path: Path) -> None:
    path = tmp_path / "records.sqlite"
    log = InquiryLog(RecordsDatabase(f"sqlite:///{path}", busy_timeout=0.2))
    log.record([inquiry()])
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    started = time.perf_counter()
    with pytest.raises(RecordsUnavailable) as caught:
        log.record([inquiry()])
    assert time.perf_counter() - started >= 0.15, "it must wait for the busy timeout first"
    message = str(caught.value)
    assert message.startswith("records database unavailable")
    assert str(path) in message and "database is locked" in message
    assert caught.value.public == "records database unavailable: it is locked by another writer"
    holder.execute("ROLLBACK")
    holder.close()
    log.record([inquiry()])
    assert log.count() == 2


def test_readiness_is_false_while_another_process_holds_the_write_lock(tmp_path: Path) -> None:
    """``SELECT 1`` would still answer; the probe asks for the lock a record needs."""
    path = tmp_path / "records.sqlite"
    database = RecordsDatabase(f"sqlite:///{path}")
    assert database.healthy()
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        started = time.perf_counter()
        assert not database.healthy()
        waited = time.perf_counter() - started
    finally:
        holder.close()  # rolls back: the lock is released
    assert 0.8 * READINESS_TIMEOUT_SECONDS <= waited < READINESS_TIMEOUT_SECONDS + SLACK_SECONDS
    assert database.healthy()
    with database.engine().connect() as connection:
        busy = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    assert busy == 5000, "the probe must give the pooled connection its busy timeout back"
    InquiryLog(database).record([inquiry()])
    assert InquiryLog(database).count() == 1


def test_a_database_moved_away_fails_closed_then_recovers(tmp_path: Path) -> None:
    """The pooled connection still points at the moved file: no record may land there."""
    path, moved = tmp_path / "records.sqlite", tmp_path / "records.moved"
    database = RecordsDatabase(f"sqlite:///{path}")
    log = InquiryLog(database)
    kept = inquiry()
    log.record([kept])
    path.rename(moved)
    path.mkdir()  # where the file was, something SQLite cannot open, even as root
    with pytest.raises(RecordsUnavailable, match="records database unavailable"):
        log.record([inquiry(request_id="refused")])
    assert not database.healthy()
    path.rmdir()
    moved.rename(path)  # back with its WAL, which never left the path: nothing may open it
    recovered = inquiry()
    log.record([recovered])
    assert database.healthy()
    wanted = [kept.request_id, "refused", recovered.request_id]
    assert _ids(database, wanted) == [kept.request_id, recovered.request_id]


def test_a_replaced_database_file_gets_the_records_not_the_old_one(tmp_path: Path) -> None:
    path, old = tmp_path / "records.sqlite", tmp_path / "records.old"
    database = RecordsDatabase(f"sqlite:///{path}")
    InquiryLog(database).record([inquiry()])
    with closing(sqlite3.connect(path)) as writer:  # the row leaves the WAL (it stays put)
        writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path.rename(old)
    InquiryLog(RecordsDatabase(f"sqlite:///{path}")).record([inquiry()])  # a new one in its place
    InquiryLog(database).record([inquiry(request_id="after-the-swap")])
    in_place = RecordsDatabase(f"sqlite:///{path}")
    assert _ids(in_place, ["after-the-swap"]) == ["after-the-swap"]
    assert InquiryLog(in_place).count() == InquiryLog(database).count() == 2
    assert InquiryLog(RecordsDatabase(f"sqlite:///{old}")).count() == 1, "the old file grew"


def test_a_deleted_database_file_refuses_the_next_record_then_starts_afresh(
    tmp_path: Path,
) -> None:
    """Recording into the unlinked file would lose the row when the connection closes; the
    next call migrates a new, empty database at the path (deleting the file is a purge)."""
    path = tmp_path / "records.sqlite"
    database = RecordsDatabase(f"sqlite:///{path}")
    log = InquiryLog(database)
    log.record([inquiry()])
    for leftover in tmp_path.glob("records.sqlite*"):
        leftover.unlink()
    with pytest.raises(RecordsUnavailable, match="no such table"):
        log.record([inquiry()])
    log.record([inquiry()])
    assert log.count() == 1


def test_unwritable_path_fails_closed_then_recovers(tmp_path: Path) -> None:
    blocker = tmp_path / "not_a_directory"
    blocker.write_text("a file where the records directory should be")
    database = RecordsDatabase(f"sqlite:///{blocker / 'records.sqlite'}")
    log = InquiryLog(database)
    with pytest.raises(RecordsUnavailable, match=r"records database unavailable \(sqlite:///.*"):
        log.record([inquiry()])
    assert not database.healthy()
    blocker.unlink()
    blocker.mkdir()
    log.record([inquiry()])
    assert log.count() == 1 and database.healthy()


def test_password_is_masked_in_messages() -> None:
    url = "postgresql+psycopg://auditor:s3cret-pw@127.0.0.1:1/audit"
    database = RecordsDatabase(url, busy_timeout=1)
    with pytest.raises(RecordsUnavailable) as caught:
        InquiryLog(database).record([inquiry()])
    message = str(caught.value)
    assert "s3cret-pw" not in message and "auditor:***@127.0.0.1:1/audit" in message
    assert not database.healthy()
    in_query = RecordsDatabase("postgresql+psycopg://auditor@127.0.0.1:1/audit?password=s3cret-pw")
    assert "s3cret-pw" not in in_query.safe_url
    assert in_query.mask("password authentication failed: s3cret-pw") == (
        "password authentication failed: ***"
    )


def _write_many(database: RecordsDatabase, writer: int) -> None:
    log = InquiryLog(database)
    for i in range(INSERTS_PER_WRITER):
        log.record([inquiry(request_id=f"w{writer}-{i}", client_id=writer)])


def _run_writers(database: RecordsDatabase) -> None:
    """``WRITERS`` forked processes, as BentoML workers, each inserting one row at a time."""
    workers = [fork.Process(target=_write_many, args=(database, w)) for w in range(WRITERS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    assert InquiryLog(database).count() == WRITERS * INSERTS_PER_WRITER
    ids = [f"w{w}-{i}" for w in range(WRITERS) for i in range(INSERTS_PER_WRITER)]
    assert len(set(_ids(database, ids))) == len(ids)


@pytest.mark.parametrize("parent_engine", [True, False], ids=["inherited", "migration-race"])
def test_concurrent_worker_processes(sqlite_url: str, parent_engine: bool) -> None:
    """With an engine made before the fork, or with every worker migrating the file at once."""
    database = RecordsDatabase(sqlite_url)
    if parent_engine:
        assert database.healthy()
    _run_writers(database)


def _record_then_die(database: RecordsDatabase, request_id: str) -> None:
    InquiryLog(database).record([inquiry(request_id=request_id)])
    os.kill(os.getpid(), signal.SIGKILL)


def test_committed_row_survives_a_killed_worker(sqlite_url: str) -> None:
    database = RecordsDatabase(sqlite_url)
    worker = fork.Process(target=_record_then_die, args=(database, "last-words"))
    worker.start()
    worker.join(timeout=60)
    assert worker.exitcode == -signal.SIGKILL
    assert _ids(RecordsDatabase(sqlite_url), ["last-words"]) == ["last-words"]


@pytest.fixture(scope="module")
def postgres() -> Iterator[Cluster]:
    with throwaway_cluster() as cluster:
        yield cluster


def test_round_trip_on_postgresql_and_recovery(postgres: Cluster) -> None:
    database = RecordsDatabase(postgres.new_database("round_trip"), busy_timeout=2)
    _round_trip(database)
    postgres.stop()
    try:
        with pytest.raises(RecordsUnavailable, match="records database unavailable"):
            InquiryLog(database).record([inquiry()])
        assert not database.healthy()
    finally:
        postgres.start()
    InquiryLog(database).record([inquiry()])
    assert InquiryLog(database).count() == 6


def test_a_read_only_postgresql_session_is_not_ready(postgres: Cluster) -> None:
    url = postgres.new_database("read_only")
    assert RecordsDatabase(url).healthy()
    read_only = url + "&options=-c%20default_transaction_read_only%3Don"
    assert not RecordsDatabase(read_only, migrate=False).healthy()


@pytest.mark.parametrize("parent_engine", [True, False], ids=["inherited", "migration-race"])
def test_concurrent_workers_on_postgresql(postgres: Cluster, parent_engine: bool) -> None:
    database = RecordsDatabase(postgres.new_database(f"race_{int(parent_engine)}"))
    if parent_engine:
        assert database.healthy()
    _run_writers(database)


def test_a_caller_learns_the_kind_of_failure_never_where_the_database_is() -> None:
    """The log's message names the server, user and database; the caller's names none."""
    url = "postgresql+psycopg://ledger_owner:s3cret@127.0.0.1:9/credit_ledger"
    log = InquiryLog(RecordsDatabase(url, busy_timeout=1))
    with pytest.raises(RecordsUnavailable) as caught:
        log.record([inquiry()])
    logged, public = str(caught.value), caught.value.public
    assert "ledger_owner" in logged and "credit_ledger" in logged and "s3cret" not in logged
    assert public == "records database unavailable: it cannot be reached, or refused the operation"
