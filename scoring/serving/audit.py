"""The audit trail: one row per decision, committed before the decision is returned.

EU AI Act record-keeping asks that every automated credit decision can be traced and
reviewed. The service therefore fails closed: :meth:`AuditLog.record` commits or raises
:class:`AuditUnavailable` (the API answers 503), and no decision leaves without its row.
Personal data is minimised: the row keeps a SHA-256 of the validated input, never the input,
plus the client id so that a decision can be reviewed on request.

``CREDIT_AUDIT_DB_URL`` chooses the database (any SQLAlchemy URL; SQLite by default,
``postgresql+psycopg://user:password@host/db`` for a shared server). SQLite runs in WAL mode
with ``synchronous=NORMAL``: a committed row survives a killed worker (only a power loss
can drop the last commits), and concurrent workers wait up to the busy timeout for the lock.

Rows stay until :meth:`AuditLog.purge` (``python -m training audit-purge``) deletes those past
the retention period, or those of one client on an erasure request (docs/security.md).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    Connection,
    Double,
    Engine,
    Index,
    MetaData,
    String,
    Table,
    Text,
    and_,
    create_engine,
    delete,
    event,
    func,
    insert,
    make_url,
    select,
    text,
)
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError
from sqlalchemy.schema import CreateIndex, CreateTable

BUSY_TIMEOUT_SECONDS = 5.0
# Within the usual probe timeouts (Kubernetes: 1 s), yet far above the few milliseconds a
# worker holds the write lock to record a decision.
READINESS_TIMEOUT_SECONDS = 1.0
# Rows a purge deletes per transaction: a few tens of milliseconds of write lock, so the
# service's decisions keep being recorded while years of rows are purged.
PURGE_BATCH_ROWS = 5_000
# Serialises table creation when several workers start at once on PostgreSQL.
_DDL_LOCK_KEY = 0x6175646974  # "audit"

_metadata = MetaData()
DECISIONS = Table(
    "decisions",
    _metadata,
    Column("request_id", String(64), primary_key=True),
    Column("created_at", String(40), nullable=False),
    Column("endpoint", String(32), nullable=False),
    Column("model_tag", String(200), nullable=False),
    Column("threshold", Double, nullable=False),
    Column("input_hash", String(64), nullable=False),
    Column("client_id", BigInteger, nullable=True),
    Column("probability", Double, nullable=False),
    Column("decision", String(32), nullable=False),
    Column("reasons", Text, nullable=True),
    Column("language", String(8), nullable=False),
)
_CREATED_AT_INDEX = Index("ix_decisions_created_at", DECISIONS.c.created_at)
_INSERT = insert(DECISIONS)
_FILE_KEY = "audit_file"  # where a pooled SQLite connection keeps the file it opened
_engine_lock = threading.Lock()


def _new_engine_lock() -> None:
    """A fork may copy the lock while another thread holds it; the child starts afresh."""
    global _engine_lock
    _engine_lock = threading.Lock()


os.register_at_fork(after_in_child=_new_engine_lock)


def utc_now() -> str:
    """Current UTC time as ISO 8601 with microseconds (sorts as text)."""
    return timestamp(datetime.now(UTC))


def timestamp(moment: datetime) -> str:
    """``moment`` as ``created_at`` stores it: fixed-width UTC text, so text order is time order.

    A naive datetime is refused: which zone it means cannot be guessed.
    """
    if moment.tzinfo is None:
        raise ValueError(f"{moment} has no time zone; created_at is compared in UTC")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def input_hash(payload: Mapping[str, Any]) -> str:
    """SHA-256 hex of the canonical JSON of ``payload``: sorted keys, no spaces, float repr.

    Two requests with the same validated content hash the same whatever their key order,
    so a reviewer can check a claimed input against the trail without it being stored.
    """
    canonical = json.dumps(
        payload, sort_keys=True, separators=(",", ":"), allow_nan=False, default=_plain
    )
    return digest(canonical.encode())


def digest(canonical: bytes) -> str:
    """SHA-256 hex of an input already in canonical form.

    The service passes pydantic's JSON of the validated request (fields in schema order,
    unknown values left out), which is canonical too and ten times cheaper to produce
    than re-sorting a dict: it matters for 10,000-row batches.
    """
    return hashlib.sha256(canonical).hexdigest()


def _plain(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


@dataclass(frozen=True)
class DecisionRecord:
    """One decision as the trail keeps it; ``reasons`` is JSON-ready (stored as JSON text)."""

    request_id: str
    endpoint: str
    model_tag: str
    threshold: float
    input_hash: str
    probability: float
    decision: str
    client_id: int | None = None
    reasons: Any = None
    language: str = "en"
    created_at: str = field(default_factory=utc_now)

    def to_row(self) -> dict[str, Any]:
        # Not dataclasses.asdict: its recursive deep copy cost 60 µs a row, 0.6 s a batch.
        row = {name: getattr(self, name) for name in _FIELDS}
        if self.reasons is not None:
            row["reasons"] = json.dumps(
                self.reasons, ensure_ascii=False, allow_nan=False, default=_plain
            )
        return row

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> DecisionRecord:
        values = {f.name: row[f.name] for f in fields(cls)}
        if values["reasons"] is not None:
            values["reasons"] = json.loads(values["reasons"])
        return cls(**values)


_FIELDS = tuple(f.name for f in fields(DecisionRecord))


class AuditUnavailable(RuntimeError):
    """The audit store cannot be written or read; the service must not answer (503)."""


class AuditLog:
    """The ``decisions`` table behind a lazily created, per-process SQLAlchemy engine.

    Nothing connects at construction: BentoML forks or spawns its workers after import, and
    a connection inherited across a fork is unsafe, so each process builds its own engine on
    first use. After any database error the engine is disposed; the next call reconnects.
    """

    def __init__(self, url: str, busy_timeout: float = BUSY_TIMEOUT_SECONDS) -> None:
        self.url = url
        self.busy_timeout = busy_timeout
        parsed = make_url(self.url)
        secrets = (parsed.password, parsed.query.get("password"))
        self._secrets = [str(secret) for secret in secrets if secret]
        self.safe_url = self._mask(parsed.render_as_string(hide_password=True))
        self._engine: Engine | None = None
        self._pid: int | None = None

    def record(self, rows: Sequence[DecisionRecord]) -> None:
        """Insert ``rows`` in one transaction, committed on return (all or none)."""
        if not rows:
            return
        params = [row.to_row() for row in rows]
        with self._guard() as engine, engine.begin() as connection:
            connection.execute(_INSERT, params)

    def count(self) -> int:
        """Number of decisions recorded."""
        with self._guard() as engine, engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(DECISIONS)).scalar_one())

    def fetch(self, request_ids: Sequence[str]) -> list[DecisionRecord]:
        """The recorded decisions among ``request_ids``, in that order (unknown ids skipped)."""
        query = select(DECISIONS).where(DECISIONS.c.request_id.in_(list(request_ids)))
        with self._guard() as engine, engine.connect() as connection:
            found = {
                row.request_id: DecisionRecord.from_row(row._mapping)
                for row in connection.execute(query)
            }
        return [found[request_id] for request_id in request_ids if request_id in found]

    def purge(
        self, before: datetime | None = None, client_id: int | None = None, dry_run: bool = False
    ) -> int:
        """Delete the decisions made before ``before`` and/or about ``client_id``; their count.

        The first serves the retention period, the second an erasure request; given both,
        only the client's older rows go. Deletion runs in transactions of
        ``PURGE_BATCH_ROWS`` rows, so the service can keep recording while it runs.
        ``dry_run`` counts the rows without deleting them.
        """
        matching = _purge_condition(before, client_id)
        if dry_run:
            query = select(func.count()).select_from(DECISIONS).where(matching)
            with self._guard() as engine, engine.connect() as connection:
                return int(connection.execute(query).scalar_one())
        batch = select(DECISIONS.c.request_id).where(matching).limit(PURGE_BATCH_ROWS)
        statement = delete(DECISIONS).where(DECISIONS.c.request_id.in_(batch))
        deleted = 0
        while True:
            with self._guard() as engine, engine.begin() as connection:
                removed = connection.execute(statement).rowcount
            deleted += removed
            if removed < PURGE_BATCH_ROWS:
                return deleted

    def healthy(self) -> bool:
        """Whether a decision could be recorded now (for readiness probes); never raises.

        Answering ``SELECT 1`` is not enough: a database locked by another process, or a
        read-only PostgreSQL session, answers it yet refuses every decision. The probe asks
        for the write lock without writing, waiting at most ``READINESS_TIMEOUT_SECONDS``.
        """
        try:
            with self._guard() as engine, engine.connect() as connection:
                _probe_write(connection, min(self.busy_timeout, READINESS_TIMEOUT_SECONDS))
        except AuditUnavailable:
            return False
        return True

    @contextmanager
    def _guard(self) -> Iterator[Engine]:
        """This process's engine; any database error becomes :class:`AuditUnavailable`."""
        try:
            yield self._process_engine()
        except (SQLAlchemyError, OSError) as error:
            self._reset()
            raise AuditUnavailable(self._message(error)) from error

    def _process_engine(self) -> Engine:
        pid = os.getpid()
        if self._engine is not None and self._pid == pid:
            return self._engine
        with _engine_lock:  # threads of a new worker share one engine
            if self._engine is not None and self._pid != pid:
                self._engine.dispose(close=False)  # the parent's connections stay the parent's
                self._engine = None
            if self._engine is None:
                engine = _create_engine(self.url, self.busy_timeout)
                try:
                    _create_table(engine)
                except BaseException:
                    engine.dispose()
                    raise
                self._engine, self._pid = engine, pid
            return self._engine

    def _reset(self) -> None:
        if self._engine is not None and self._pid == os.getpid():
            self._engine.dispose()
        self._engine = None

    def _message(self, error: BaseException) -> str:
        cause = getattr(error, "orig", None) or error
        reason = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
        return f"audit store unavailable ({self.safe_url}): {self._mask(reason)}"

    def _mask(self, message: str) -> str:
        for secret in self._secrets:
            message = message.replace(secret, "***")
        return message


def _purge_condition(before: datetime | None, client_id: int | None) -> ColumnElement[bool]:
    if before is None and client_id is None:
        raise ValueError("purge needs `before` or `client_id`: it never deletes every decision")
    conditions = []
    if before is not None:
        conditions.append(DECISIONS.c.created_at < timestamp(before))
    if client_id is not None:
        conditions.append(DECISIONS.c.client_id == client_id)
    return and_(*conditions)


def _create_engine(url: str, busy_timeout: float) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(
            parsed,
            pool_pre_ping=True,
            connect_args={"connect_timeout": max(1, math.ceil(busy_timeout))},
        )
    database = parsed.database or ""
    on_disk = database not in ("", ":memory:")
    if on_disk:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, connect_args={"timeout": busy_timeout})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()
        record.info[_FILE_KEY] = _file_identity(database) if on_disk else None

    @event.listens_for(engine, "checkout")
    def _same_file(_: Any, record: Any, __: Any) -> None:
        """A pooled connection to a file since moved or deleted would record decisions in a
        file nobody can read: drop it, so the pool reconnects to the path (or fails)."""
        if on_disk and record.info.get(_FILE_KEY) != _file_identity(database):
            raise DisconnectionError(f"{database} was moved, replaced or deleted")

    return engine


def _file_identity(path: str) -> tuple[int, int] | None:
    """(device, inode) of ``path``, None when it is absent."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def _probe_write(connection: Connection, timeout: float) -> None:
    """Take and release the write lock (SQLite), or check the session may write (others)."""
    if connection.dialect.name == "sqlite":
        busy = connection.exec_driver_sql("PRAGMA busy_timeout").scalar_one()
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            connection.exec_driver_sql("ROLLBACK")
        finally:
            connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(busy)}")
    elif connection.dialect.name == "postgresql":
        if connection.exec_driver_sql("SHOW transaction_read_only").scalar() == "on":
            raise AuditUnavailable("audit store unavailable: the database is read-only")
    else:
        connection.execute(text("SELECT 1"))


def _create_table(engine: Engine) -> None:
    """Create the table and index if absent; safe when several workers do it at once."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _DDL_LOCK_KEY})
        connection.execute(CreateTable(DECISIONS, if_not_exists=True))
        connection.execute(CreateIndex(_CREATED_AT_INDEX, if_not_exists=True))
