"""The audit trail commits every decision or fails closed, and recovers once the store is back.

SQLite cases run everywhere; the PostgreSQL case starts a throwaway cluster when the server
binaries are installed (Debian package ``postgresql-15``) and is skipped otherwise.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pwd
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from glob import glob
from pathlib import Path

import numpy as np
import psycopg
import pytest

from training.serving.audit import URL_ENV, AuditLog, AuditUnavailable, DecisionRecord, input_hash

WRITERS, INSERTS_PER_WRITER = 4, 250
fork = multiprocessing.get_context("fork")


def _decision(**changes: object) -> DecisionRecord:
    values: dict[str, object] = {
        "request_id": uuid.uuid4().hex,
        "endpoint": "predict",
        "model_tag": "credit_scoring:abc123",
        "threshold": 0.073,
        "input_hash": input_hash({"SK_ID_CURR": 100002, "AMT_CREDIT": 406597.5}),
        "probability": 0.1234567890123,
        "decision": "refuse",
        "client_id": 100002,
        "reasons": [{"feature": "EXT_SOURCE_2", "shap": np.float32(0.5), "text": "Score élevé"}],
        "language": "fr",
    }
    return DecisionRecord(**{**values, **changes})


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'audit.sqlite'}"


def _round_trip(log: AuditLog) -> None:
    rows = [
        _decision(),
        _decision(endpoint="explain", client_id=None, reasons=None, language="en"),
        *(_decision(endpoint="predict_batch", probability=p) for p in (0.01, 0.5, 0.99)),
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
    log.record([_decision()])
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
    batch = [_decision(endpoint="predict_batch") for _ in range(500)]
    log.record(batch)
    assert log.count() == 500
    clash = [_decision() for _ in range(99)] + [batch[0]]  # the last row breaks the primary key
    with pytest.raises(AuditUnavailable, match="UNIQUE constraint failed"):
        log.record(clash)
    assert log.count() == 500, "a failed batch must leave none of its rows"


def test_locked_database_fails_closed_then_recovers(tmp_path: Path) -> None:
    path = tmp_path / "audit.sqlite"
    log = AuditLog(f"sqlite:///{path}", busy_timeout=0.2)
    log.record([_decision()])
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    started = time.perf_counter()
    with pytest.raises(AuditUnavailable) as caught:
        log.record([_decision()])
    assert time.perf_counter() - started >= 0.15, "it must wait for the busy timeout first"
    message = str(caught.value)
    assert message.startswith("audit store unavailable")
    assert str(path) in message and "database is locked" in message
    holder.execute("ROLLBACK")
    holder.close()
    log.record([_decision()])
    assert log.count() == 2


def test_unwritable_path_fails_closed_then_recovers(tmp_path: Path) -> None:
    blocker = tmp_path / "not_a_directory"
    blocker.write_text("a file where the audit directory should be")
    log = AuditLog(f"sqlite:///{blocker / 'audit.sqlite'}")
    with pytest.raises(AuditUnavailable, match=r"audit store unavailable \(sqlite:///.*"):
        log.record([_decision()])
    assert not log.healthy()
    blocker.unlink()
    blocker.mkdir()
    log.record([_decision()])
    assert log.count() == 1 and log.healthy()


def test_password_is_masked_in_messages() -> None:
    log = AuditLog("postgresql+psycopg://auditor:s3cret-pw@127.0.0.1:1/audit", busy_timeout=1)
    with pytest.raises(AuditUnavailable) as caught:
        log.record([_decision()])
    message = str(caught.value)
    assert "s3cret-pw" not in message and "auditor:***@127.0.0.1:1/audit" in message
    assert not log.healthy()
    in_query = AuditLog("postgresql+psycopg://auditor@127.0.0.1:1/audit?password=s3cret-pw")
    assert "s3cret-pw" not in in_query.safe_url


def test_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    monkeypatch.setenv(URL_ENV, sqlite_url)
    assert AuditLog().url == sqlite_url


def _write_many(log: AuditLog, writer: int) -> None:
    for i in range(INSERTS_PER_WRITER):
        log.record([_decision(request_id=f"w{writer}-{i}", client_id=writer)])


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
    log.record([_decision(request_id=request_id)])
    os.kill(os.getpid(), signal.SIGKILL)


def test_committed_row_survives_a_killed_worker(sqlite_url: str) -> None:
    worker = fork.Process(target=_record_then_die, args=(AuditLog(sqlite_url), "last-words"))
    worker.start()
    worker.join(timeout=60)
    assert worker.exitcode == -signal.SIGKILL
    assert [r.request_id for r in AuditLog(sqlite_url).fetch(["last-words"])] == ["last-words"]


def _postgres_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    candidates = [found] if found else sorted(glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(candidates[-1]).resolve().parent if candidates else None


@dataclass(frozen=True)
class Cluster:
    """A throwaway PostgreSQL cluster in ``root``, listening on a unix socket only."""

    bindir: Path
    root: Path
    user: str | None  # the server refuses to run as root

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@/postgres?host={self.root}"

    def run(self, program: str, *args: object) -> None:
        subprocess.run(
            [self.bindir / program, *args], user=self.user, check=True, capture_output=True
        )

    def start(self) -> None:
        options = f"-k {self.root} -c listen_addresses='' -p 5432 -F"
        data, log = self.root / "data", self.root / "log"
        self.run("pg_ctl", "-D", data, "-l", log, "-w", "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", self.root / "data", "-m", mode, "-w", "stop")


@pytest.fixture(scope="module")
def postgres() -> Iterator[Cluster]:
    bindir = _postgres_bin()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not found (Debian package postgresql-15)")
    user = None
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and no postgres account to run the server")
        user = "postgres"
    root = Path(tempfile.mkdtemp(prefix="audit-pg-"))  # short: socket paths are limited
    if user:
        os.chown(root, account.pw_uid, account.pw_gid)
    cluster = Cluster(bindir, root, user)
    try:
        cluster.run("initdb", "-D", root / "data", "-U", "postgres", "--auth=trust", "--no-sync")
        cluster.start()
        yield cluster
    finally:
        with suppress(subprocess.CalledProcessError):
            cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


def test_round_trip_on_postgresql_and_recovery(postgres: Cluster) -> None:
    log = AuditLog(postgres.url, busy_timeout=2)
    _round_trip(log)
    postgres.stop()
    with pytest.raises(AuditUnavailable, match="audit store unavailable"):
        log.record([_decision()])
    assert not log.healthy()
    postgres.start()
    log.record([_decision()])
    assert log.count() == 6


def test_concurrent_workers_on_postgresql(postgres: Cluster) -> None:
    with psycopg.connect(host=str(postgres.root), user="postgres", autocommit=True) as admin:
        admin.execute("CREATE DATABASE race")
    _run_writers(AuditLog(postgres.url.replace("/postgres?", "/race?")))
