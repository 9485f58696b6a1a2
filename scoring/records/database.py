"""The records database behind a lazily created, per-process SQLAlchemy engine.

``CREDIT_AUDIT_DB_URL`` chooses it: any SQLAlchemy URL, SQLite by default,
``postgresql+psycopg://user:password@host/db`` for a shared server. Nothing connects at
construction: BentoML forks or spawns its workers after import, and a connection inherited
across a fork is unsafe, so each process builds its own engine on first use, and brings the
schema up to date then (Alembic, under a lock: see :mod:`scoring.records.migrate`).

SQLite runs in WAL mode with ``synchronous=NORMAL``: a committed row survives a killed worker
(only a power loss can drop the last commits). Its writing transactions start with
``BEGIN IMMEDIATE``, so two workers appending to the decisions' hash chain are serialised by
the database itself, as PostgreSQL's advisory lock serialises them there. Any database error
becomes :class:`RecordsUnavailable` (the API answers 503): the service fails closed.
"""

from __future__ import annotations

import math
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic.util import CommandError
from sqlalchemy import Connection, Engine, Table, create_engine, event, insert, make_url, text
from sqlalchemy.exc import DisconnectionError, OperationalError, SQLAlchemyError

BUSY_TIMEOUT_SECONDS = 5.0
# Within the usual probe timeouts (Kubernetes: 1 s), yet far above the few milliseconds a
# worker holds the write lock to record a decision.
READINESS_TIMEOUT_SECONDS = 1.0
_FILE_KEY = "records_file"  # where a pooled SQLite connection keeps the file it opened
_WRITE = "records_write"  # execution option: this transaction writes (SQLite: BEGIN IMMEDIATE)
_engine_lock = threading.Lock()


def _new_engine_lock() -> None:
    """A fork may copy the lock while another thread holds it; the child starts afresh."""
    global _engine_lock
    _engine_lock = threading.Lock()


os.register_at_fork(after_in_child=_new_engine_lock)


class RecordsUnavailable(RuntimeError):
    """The records database cannot be written or read; the service must not answer (503).

    ``str()`` names the database (its URL, password masked) and the driver's words, for
    operators and the logs; :attr:`public` says what kind of failure it is without them, for
    API callers, who need not learn the database's host, user or name.
    """

    def __init__(self, message: str, public: str | None = None) -> None:
        super().__init__(message)
        self.public = public or message


@dataclass(frozen=True)
class ColumnRows:
    """Rows to insert given column-wise: one equal-length sequence per column name. A batch's
    10,000 inquiries built as mappings, then as the driver's tuples, cost 35 ms; columns
    zip into the tuples at C speed."""

    columns: Mapping[str, Sequence[Any]]

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()), ()))

    def tuples(self, keys: Sequence[str]) -> list[tuple[Any, ...]]:
        """The rows as tuples of the ``keys`` columns, in that order."""
        return list(zip(*(self.columns[key] for key in keys), strict=True))

    def mappings(self) -> list[dict[str, Any]]:
        """The rows as mappings, for drivers that take named parameters."""
        names = list(self.columns)
        return [dict(zip(names, row, strict=True)) for row in self.tuples(names)]


Rows = Sequence[Mapping[str, Any]] | ColumnRows


class RecordsDatabase:
    """One database URL; each process gets its own engine, migrated on first use."""

    def __init__(
        self, url: str, busy_timeout: float = BUSY_TIMEOUT_SECONDS, migrate: bool = True
    ) -> None:
        self.url = url
        self.busy_timeout = busy_timeout
        self.migrate = migrate
        parsed = make_url(self.url)
        secrets = (parsed.password, parsed.query.get("password"))
        self._secrets = [str(secret) for secret in secrets if secret]
        self.safe_url = self.mask(parsed.render_as_string(hide_password=True))
        self.dialect = parsed.get_backend_name()
        self._engine: Engine | None = None
        self._pid: int | None = None

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for reads; errors become :class:`RecordsUnavailable`."""
        with self._guard() as engine, engine.connect() as connection:
            yield connection

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """One transaction holding the write lock, committed on exit (all or nothing)."""
        with (
            self._guard() as engine,
            engine.connect().execution_options(**{_WRITE: True}) as connection,
            connection.begin(),
        ):
            yield connection

    def append(self, table: Table, rows: Rows) -> None:
        """Insert ``rows`` into ``table`` in one transaction, committed on return.

        On the driver's connection, with the statement SQLAlchemy compiled for this database:
        SQLAlchemy's execution of a one-row insert costs ~55 µs of the ~85 µs it takes on
        SQLite, and every scoring call pays it. The round trip of
        tests/scoring/records/test_database.py reads the rows back through SQLAlchemy, on
        SQLite and PostgreSQL.
        """
        self.append_together([(table, rows)])

    def append_together(self, batches: Sequence[tuple[Table, Rows]]) -> None:
        """:meth:`append` of rows into several tables, in one transaction (all or none)."""
        with self._guard() as engine:
            statements = []
            for table, rows in batches:
                if not len(rows):
                    continue
                sql, keys = _insert_statement(engine, table)
                params: list[Any]
                if isinstance(rows, ColumnRows):
                    params = rows.tuples(keys) if keys else rows.mappings()
                elif keys:
                    params = [tuple(row[key] for key in keys) for row in rows]
                else:
                    params = list(rows)
                statements.append((sql, params))
            if not statements:
                return
            driver_error = engine.dialect.loaded_dbapi.Error
            try:  # the driver's errors, unwrapped on this path, become SQLAlchemy's
                raw = engine.raw_connection()
            except driver_error as error:
                raise OperationalError("connect", None, error) from error
            try:
                _append(raw, self.dialect, statements)
            except driver_error as error:
                raw.invalidate()
                raise OperationalError(statements[0][0], None, error) from error
            finally:
                raw.close()

    def healthy(self) -> bool:
        """Whether a record could be written now (for readiness probes); never raises.

        Answering ``SELECT 1`` is not enough: a database locked by another process, or a
        read-only PostgreSQL session, answers it yet refuses every write. The probe asks for
        the write lock without writing, waiting at most ``READINESS_TIMEOUT_SECONDS``.
        """
        try:
            with self.reading() as connection:
                _probe_write(connection, min(self.busy_timeout, READINESS_TIMEOUT_SECONDS))
        except RecordsUnavailable:
            return False
        return True

    def engine(self) -> Engine:
        """This process's engine (for tools that need it whole, such as migrations)."""
        with self._guard() as engine:
            return engine

    @contextmanager
    def _guard(self) -> Iterator[Engine]:
        """This process's engine; any database error becomes :class:`RecordsUnavailable`."""
        try:
            yield self._process_engine()
        except (SQLAlchemyError, OSError, CommandError) as error:
            # CommandError: the database is at a revision this code does not know (a newer
            # release migrated it): 503 and the reason, never a traceback.
            self._reset()
            raise RecordsUnavailable(self.message(error), _public_message(error)) from error

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
                    if self.migrate:
                        from scoring.records.migrate import upgrade

                        upgrade(engine)
                except BaseException:
                    engine.dispose()
                    raise
                self._engine, self._pid = engine, pid
            return self._engine

    def _reset(self) -> None:
        if self._engine is not None and self._pid == os.getpid():
            self._engine.dispose()
        self._engine = None

    def message(self, error: BaseException) -> str:
        """What went wrong, naming the database, with its password masked."""
        cause = getattr(error, "orig", None) or error
        reason = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
        return f"records database unavailable ({self.safe_url}): {self.mask(reason)}"

    def mask(self, message: str) -> str:
        """``message`` with the URL's password replaced by ***."""
        for secret in self._secrets:
            message = message.replace(secret, "***")
        return message


def _public_message(error: BaseException) -> str:
    """What a caller may read of ``error``: the kind of failure, never where."""
    cause = getattr(error, "orig", None) or error
    if getattr(cause, "sqlite_errorname", "") in ("SQLITE_BUSY", "SQLITE_LOCKED"):
        kind = "it is locked by another writer"
    elif isinstance(error, CommandError):
        kind = "it is at a schema revision this release does not know"
    else:
        kind = "it cannot be reached, or refused the operation"
    return f"records database unavailable: {kind}"


def _append(raw: Any, dialect: str, statements: Sequence[tuple[str, list[Any]]]) -> None:
    """One transaction on the driver's connection (SQLite's autocommits unless told)."""
    driver = raw.driver_connection
    cursor = driver.cursor()
    try:
        if dialect == "sqlite":
            cursor.execute("BEGIN IMMEDIATE")
        for sql, params in statements:
            cursor.executemany(sql, params)
        if dialect == "sqlite":
            cursor.execute("COMMIT")
        else:
            driver.commit()
    except BaseException:
        with suppress(Exception):
            driver.rollback()
        raise
    finally:
        cursor.close()


_statements: dict[tuple[int, str], tuple[str, tuple[str, ...] | None]] = {}


def _insert_statement(engine: Engine, table: Table) -> tuple[str, tuple[str, ...] | None]:
    """The driver's SQL of an insert of every column of ``table``, and the order of its
    positional parameters (None: the driver takes named ones), compiled once per engine."""
    key = (id(engine), table.name)
    if key not in _statements:
        compiled = insert(table).compile(
            dialect=engine.dialect, column_keys=[column.name for column in table.columns]
        )
        order = tuple(compiled.positiontup) if compiled.positional else None  # type: ignore[arg-type]
        _statements[key] = (str(compiled), order)
    return _statements[key]


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
        # The driver's own transaction handling is off: the "begin" hook below starts each
        # transaction, so that writers can take the lock up front (SQLAlchemy's documented
        # recipe for pysqlite).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()
        record.info[_FILE_KEY] = _file_identity(database) if on_disk else None

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        writes = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

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
        # On the driver's connection: SQLAlchemy would open a transaction of its own first.
        driver = connection.connection.driver_connection
        assert driver is not None, "a checked-out connection has its driver connection"
        cursor = driver.cursor()
        busy = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
        cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        try:
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute("ROLLBACK")
        except sqlite3.Error as error:  # the driver's own error: SQLAlchemy did not wrap it
            raise OperationalError("BEGIN IMMEDIATE", None, error) from error
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy)}")
            cursor.close()
    elif connection.dialect.name == "postgresql":
        if connection.exec_driver_sql("SHOW transaction_read_only").scalar() == "on":
            raise RecordsUnavailable("records database unavailable: the database is read-only")
    else:
        connection.execute(text("SELECT 1"))
