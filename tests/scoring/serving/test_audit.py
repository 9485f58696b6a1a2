"""The audit trail commits every decision or fails closed, and recovers once the store is back.

SQLite cases run everywhere; the PostgreSQL cases start a throwaway cluster when the server
binaries are installed (Debian package ``postgresql-15``) and is skipped otherwise.
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
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import psycopg
import pytest

from scoring.serving import audit
from scoring.serving.audit import (
    READINESS_TIMEOUT_SECONDS,
    AuditLog,
    AuditUnavailable,
    DecisionRecord,
    input_hash,
    timestamp,
)
from tests.support.audit import Cluster, decision, throwaway_cluster

WRITERS, INSERTS_PER_WRITER = 4, 250
SLACK_SECONDS = 1.0  # the machine may be busy: timing bounds are loose, never tight
NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)
fork = multiprocessing.get_context("fork")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'audit.sqlite'}"


def _round_trip(log: AuditLog) -> None:
    rows = [
        decision(),
        decision(endpoint="explain", client_id=None, reasons=None, language="en"),
        *(decision(endpoint="predict_batch", probability=p) for p in (0.01, 0.5, 0.99)),
    ]
    log.record(rows[:1])
    log.record(rows[1:])
    assert log.count() == len(rows)
    wanted = [rows[3].request_id, "unknown", rows[0].request_id, rows[1].request_id]
    assert log.fetch(wanted) == [rows[3], rows[0], rows[1]]
    assert log.fetch([]) == []
    assert log.healthy()


def test_round_trip_on_sqlite(sqlite_url: str) -> None:
    _round_trip(AuditLog(sqlite_url))
    reopened = AuditLog(sqlite_url)  # the table exists already: creation is idempotent
    assert reopened.count() == 5


def test_sqlite_runs_in_wal_mode_with_normal_sync(sqlite_url: str) -> None:
    log = AuditLog(sqlite_url)
    log.record([decision()])
    engine = log._process_engine()
    with engine.connect() as connection:
        pragma = connection.exec_driver_sql
        assert pragma("PRAGMA journal_mode").scalar() == "wal"
        assert pragma("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert pragma("PRAGMA busy_timeout").scalar() == 5000


def test_input_hash_is_canonical_and_order_independent() -> None:
    payload = {"b": [0.1, None, 1.0], "a": {"y": "é", "x": 2}}
    reordered = {"a": {"x": 2, "y": "é"}, "b": [0.1, None, 1.0]}
    canonical = b'{"a":{"x":2,"y":"\\u00e9"},"b":[0.1,null,1.0]}'
    assert input_hash(payload) == input_hash(reordered) == hashlib.sha256(canonical).hexdigest()
    assert input_hash({"x": np.float64(0.1), "n": np.int64(3)}) == input_hash({"n": 3, "x": 0.1})
    assert input_hash({"x": 1}) != input_hash({"x": 1.0})
    with pytest.raises(ValueError):
        input_hash({"x": float("nan")})


def test_many_rows_are_one_transaction(sqlite_url: str) -> None:
    log = AuditLog(sqlite_url)
    batch = [decision(endpoint="predict_batch") for _ in range(500)]
    log.record(batch)
    assert log.count() == 500
    clash = [decision() for _ in range(99)] + [batch[0]]  # the last row breaks the primary key
    with pytest.raises(AuditUnavailable, match="UNIQUE constraint failed"):
        log.record(clash)
    assert log.count() == 500, "a failed batch must leave none of its rows"


def test_locked_database_fails_closed_then_recovers(tmp_path: Path) -> None:
    path = tmp_path / "audit.sqlite"
    log = AuditLog(f"sqlite:///{path}", busy_timeout=0.2)
    log.record([decision()])
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    started = time.perf_counter()
    with pytest.raises(AuditUnavailable) as caught:
        log.record([decision()])
    assert time.perf_counter() - started >= 0.15, "it must wait for the busy timeout first"
    message = str(caught.value)
    assert message.startswith("audit store unavailable")
    assert str(path) in message and "database is locked" in message
    holder.execute("ROLLBACK")
    holder.close()
    log.record([decision()])
    assert log.count() == 2


def test_readiness_is_false_while_another_process_holds_the_write_lock(tmp_path: Path) -> None:
    """``SELECT 1`` would still answer; the probe asks for the lock a decision needs."""
    path = tmp_path / "audit.sqlite"
    log = AuditLog(f"sqlite:///{path}")
    assert log.healthy()
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        started = time.perf_counter()
        assert not log.healthy()
        waited = time.perf_counter() - started
    finally:
        holder.close()  # rolls back: the lock is released
    assert 0.8 * READINESS_TIMEOUT_SECONDS <= waited < READINESS_TIMEOUT_SECONDS + SLACK_SECONDS
    assert log.healthy()
    with log._process_engine().connect() as connection:
        busy = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    assert busy == 5000, "the probe must give the pooled connection its busy timeout back"
    log.record([decision()])
    assert log.count() == 1


def test_a_database_moved_away_fails_closed_then_recovers(tmp_path: Path) -> None:
    """The pooled connection still points at the moved file: no decision may land there."""
    path, moved = tmp_path / "audit.sqlite", tmp_path / "audit.moved"
    log = AuditLog(f"sqlite:///{path}")
    kept = decision()
    log.record([kept])
    path.rename(moved)
    path.mkdir()  # where the file was, something SQLite cannot open, even as root
    with pytest.raises(AuditUnavailable, match="audit store unavailable"):
        log.record([decision(request_id="refused")])
    assert not log.healthy()
    path.rmdir()
    moved.rename(path)  # back with its WAL, which never left the path: nothing may open it
    recovered = decision()
    log.record([recovered])
    assert log.healthy()
    wanted = [kept.request_id, "refused", recovered.request_id]
    assert [r.request_id for r in log.fetch(wanted)] == [kept.request_id, recovered.request_id]


def test_a_replaced_database_file_gets_the_decisions_not_the_old_one(tmp_path: Path) -> None:
    path, old = tmp_path / "audit.sqlite", tmp_path / "audit.old"
    log = AuditLog(f"sqlite:///{path}")
    log.record([decision()])
    with closing(sqlite3.connect(path)) as writer:  # the row leaves the WAL (it stays put)
        writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path.rename(old)
    AuditLog(f"sqlite:///{path}").record([decision()])  # a new trail in its place
    log.record([decision(request_id="after-the-swap")])
    in_place = AuditLog(f"sqlite:///{path}")
    assert [r.request_id for r in in_place.fetch(["after-the-swap"])] == ["after-the-swap"]
    assert in_place.count() == log.count() == 2
    assert AuditLog(f"sqlite:///{old}").count() == 1, "the replaced file must not grow"


def test_a_deleted_database_file_refuses_the_next_decision(tmp_path: Path) -> None:
    """Recording into the unlinked file would lose the row when the connection closes."""
    path = tmp_path / "audit.sqlite"
    log = AuditLog(f"sqlite:///{path}")
    log.record([decision()])
    for leftover in tmp_path.glob("audit.sqlite*"):
        leftover.unlink()
    with pytest.raises(AuditUnavailable, match="no such table"):
        log.record([decision()])


def test_unwritable_path_fails_closed_then_recovers(tmp_path: Path) -> None:
    blocker = tmp_path / "not_a_directory"
    blocker.write_text("a file where the audit directory should be")
    log = AuditLog(f"sqlite:///{blocker / 'audit.sqlite'}")
    with pytest.raises(AuditUnavailable, match=r"audit store unavailable \(sqlite:///.*"):
        log.record([decision()])
    assert not log.healthy()
    blocker.unlink()
    blocker.mkdir()
    log.record([decision()])
    assert log.count() == 1 and log.healthy()


def test_password_is_masked_in_messages() -> None:
    log = AuditLog("postgresql+psycopg://auditor:s3cret-pw@127.0.0.1:1/audit", busy_timeout=1)
    with pytest.raises(AuditUnavailable) as caught:
        log.record([decision()])
    message = str(caught.value)
    assert "s3cret-pw" not in message and "auditor:***@127.0.0.1:1/audit" in message
    assert not log.healthy()
    in_query = AuditLog("postgresql+psycopg://auditor@127.0.0.1:1/audit?password=s3cret-pw")
    assert "s3cret-pw" not in in_query.safe_url


def _write_many(log: AuditLog, writer: int) -> None:
    for i in range(INSERTS_PER_WRITER):
        log.record([decision(request_id=f"w{writer}-{i}", client_id=writer)])


def _run_writers(log: AuditLog) -> None:
    """``WRITERS`` forked processes, as BentoML workers, each inserting one row at a time."""
    workers = [fork.Process(target=_write_many, args=(log, w)) for w in range(WRITERS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    assert log.count() == WRITERS * INSERTS_PER_WRITER
    ids = [f"w{w}-{i}" for w in range(WRITERS) for i in range(INSERTS_PER_WRITER)]
    assert len({record.request_id for record in log.fetch(ids)}) == len(ids)


@pytest.mark.parametrize("parent_engine", [True, False], ids=["inherited", "table-race"])
def test_concurrent_worker_processes(sqlite_url: str, parent_engine: bool) -> None:
    """With an engine made before the fork, or with every worker creating the table at once."""
    log = AuditLog(sqlite_url)
    if parent_engine:
        assert log.healthy()
    _run_writers(log)


def _record_then_die(log: AuditLog, request_id: str) -> None:
    log.record([decision(request_id=request_id)])
    os.kill(os.getpid(), signal.SIGKILL)


def test_committed_row_survives_a_killed_worker(sqlite_url: str) -> None:
    worker = fork.Process(target=_record_then_die, args=(AuditLog(sqlite_url), "last-words"))
    worker.start()
    worker.join(timeout=60)
    assert worker.exitcode == -signal.SIGKILL
    assert [r.request_id for r in AuditLog(sqlite_url).fetch(["last-words"])] == ["last-words"]


# --- retention and erasure -------------------------------------------------------------------


def _aged(days: int, client_id: int | None) -> DecisionRecord:
    created = timestamp(NOW - timedelta(days=days))
    return decision(request_id=f"{client_id}-{days}", client_id=client_id, created_at=created)


def _remaining(log: AuditLog, rows: list[DecisionRecord]) -> list[str]:
    return [record.request_id for record in log.fetch([row.request_id for row in rows])]


@pytest.fixture
def aged_trail(sqlite_url: str) -> tuple[AuditLog, list[DecisionRecord]]:
    """Two clients' decisions, 1 to 3,000 days old, plus one without a client."""
    rows = [_aged(days, client) for client in (7, 8) for days in (1, 400, 1825, 1826, 3000)]
    rows.append(_aged(2000, client_id=None))
    log = AuditLog(sqlite_url)
    log.record(rows)
    return log, rows


def test_purge_deletes_only_the_decisions_past_retention(aged_trail) -> None:
    log, rows = aged_trail
    before = NOW - timedelta(days=1825)
    assert log.purge(before, dry_run=True) == 5
    assert log.count() == len(rows), "a dry run deletes nothing"
    assert log.purge(before) == 5
    assert _remaining(log, rows) == ["7-1", "7-400", "7-1825", "8-1", "8-400", "8-1825"]
    assert log.purge(before) == 0


def test_purge_compares_instants_not_text(aged_trail) -> None:
    """A cut-off in another zone means the same instant; the row at the cut-off stays."""
    log, _ = aged_trail
    paris = timezone(timedelta(hours=2))
    at_the_row = (NOW - timedelta(days=400)).astimezone(paris)
    assert log.purge(at_the_row, client_id=7, dry_run=True) == 3  # 1825, 1826, 3000 days
    assert log.purge(at_the_row + timedelta(microseconds=1), client_id=7, dry_run=True) == 4
    with pytest.raises(ValueError, match="no time zone"):
        log.purge(datetime(2020, 1, 1))


def test_erasure_deletes_every_decision_of_one_client(aged_trail) -> None:
    log, rows = aged_trail
    assert log.purge(client_id=7, dry_run=True) == 5
    assert log.purge(client_id=7) == 5
    assert not any(r.startswith("7-") for r in _remaining(log, rows))
    assert log.count() == 6
    assert log.purge(client_id=123) == 0


def test_purge_never_empties_the_trail_by_default(aged_trail) -> None:
    log, rows = aged_trail
    with pytest.raises(ValueError, match="never deletes every decision"):
        log.purge()
    assert log.count() == len(rows)


def test_purge_deletes_in_batches(aged_trail, monkeypatch: pytest.MonkeyPatch) -> None:
    log, rows = aged_trail
    monkeypatch.setattr(audit, "PURGE_BATCH_ROWS", 2)
    assert log.purge(NOW) == len(rows)
    assert log.count() == 0


@pytest.fixture(scope="module")
def postgres() -> Iterator[Cluster]:
    with throwaway_cluster() as cluster:
        yield cluster


def test_round_trip_on_postgresql_and_recovery(postgres: Cluster) -> None:
    log = AuditLog(postgres.url, busy_timeout=2)
    _round_trip(log)
    postgres.stop()
    with pytest.raises(AuditUnavailable, match="audit store unavailable"):
        log.record([decision()])
    assert not log.healthy()
    postgres.start()
    log.record([decision()])
    assert log.count() == 6


def test_concurrent_workers_on_postgresql(postgres: Cluster) -> None:
    with psycopg.connect(host=str(postgres.root), user="postgres", autocommit=True) as admin:
        admin.execute("CREATE DATABASE race")
    _run_writers(AuditLog(postgres.url.replace("/postgres?", "/race?")))


def test_purge_on_postgresql(postgres: Cluster, monkeypatch: pytest.MonkeyPatch) -> None:
    with psycopg.connect(host=str(postgres.root), user="postgres", autocommit=True) as admin:
        admin.execute("CREATE DATABASE retention")
    log = AuditLog(postgres.url.replace("/postgres?", "/retention?"))
    rows = [_aged(days, client) for client in (7, 8) for days in (1, 1826, 3000)]
    log.record(rows)
    monkeypatch.setattr(audit, "PURGE_BATCH_ROWS", 3)
    before = NOW - timedelta(days=1825)
    assert log.purge(before, dry_run=True) == 4
    assert log.purge(before, client_id=8) == 2
    assert log.purge(before) == 2
    assert log.purge(client_id=7) == 1
    assert _remaining(log, rows) == ["8-1"]
