"""Bring a records database to the current schema with Alembic, safely from many workers.

Every process upgrades on first use (:class:`scoring.records.database.RecordsDatabase`), so a
new release's service, CLI or test never meets an old schema. The upgrade runs in one
transaction holding the write lock (SQLite ``BEGIN IMMEDIATE``, PostgreSQL an advisory lock):
workers starting together wait for the first, then find the schema current. Operators who
prefer to migrate as a deployment step run ``python -m training audit migrate`` first.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

MIGRATIONS = Path(__file__).with_name("migrations")
# Serialises upgrades when several workers start at once on PostgreSQL.
_LOCK_KEY = 0x6175646974  # "audit"
_WRITE = {"records_write": True}
MIGRATION_WAIT_SECONDS = 120
logger = logging.getLogger(__name__)
_ALEMBIC_LOG = logging.getLogger("alembic.runtime.migration")


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for the packaged migrations (no alembic.ini to ship)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@cache
def head() -> str:
    """The newest revision this code knows."""
    revision = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert revision is not None, f"no migration in {MIGRATIONS}"
    return revision


def current(connection: Connection) -> str | None:
    """The revision the database is at (None: never migrated)."""
    with _quiet_alembic():
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade to ``revision`` in one locked transaction; nothing to do when already there."""
    target = head() if revision == "head" else revision
    with engine.connect() as connection:
        if current(connection) == target:  # the usual start: a read, never a wait for the lock
            return
    with (
        engine.connect().execution_options(**_WRITE) as connection,
        _patient(connection),
        connection.begin(),
    ):
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        now = current(connection)
        if now == target:
            return
        with _quiet_alembic():
            command.upgrade(alembic_config(connection), target)
    logger.info("Records database migrated from revision %s to %s", now or "none", target)


@contextmanager
def _patient(connection: Connection) -> Iterator[None]:
    """On SQLite, wait up to :data:`MIGRATION_WAIT_SECONDS` for the write lock: a worker
    starting while another migrates must wait for that migration, which on a large database
    takes longer than the busy timeout of an ordinary write (a worker of a four-worker start
    gave up after 5 s on a loaded machine). Other databases wait on their own lock."""
    if connection.dialect.name != "sqlite":
        yield
        return
    # On the driver's connection: SQLAlchemy would open a transaction of its own first.
    driver = connection.connection.driver_connection
    assert driver is not None, "a checked-out connection has its driver connection"
    busy = driver.execute("PRAGMA busy_timeout").fetchone()[0]
    driver.execute(f"PRAGMA busy_timeout = {MIGRATION_WAIT_SECONDS * 1000}")
    try:
        yield
    finally:
        driver.execute(f"PRAGMA busy_timeout = {int(busy)}")


@contextmanager
def _quiet_alembic() -> Iterator[None]:
    """Alembic logs two lines at INFO whenever it looks at a database, the second wrong here
    ("Will assume non-transactional DDL": the upgrade is one transaction), and every worker
    of every start would repeat them; its warnings still pass, and ``upgrade`` logs one line
    of its own when it migrates."""
    level = _ALEMBIC_LOG.level
    _ALEMBIC_LOG.setLevel(logging.WARNING)
    try:
        yield
    finally:
        _ALEMBIC_LOG.setLevel(level)
