"""Migrations (scoring/records/migrate.py, migrations/): the previous release's database
upgrades without losing a row, the schema they build is the one ``tables.py`` declares, and
upgrading is safe to repeat and to race, on SQLite and PostgreSQL.

``fixtures/audit-e3ee25f.sqlite`` was written by the previous release's code (how:
``fixtures/make_audit_fixture.txt``); tests work on a copy.
"""

from __future__ import annotations

import multiprocessing
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, MetaData, Table, insert, inspect, select, text

from scoring.records import migrate, tables
from scoring.records.database import RecordsDatabase, RecordsUnavailable
from scoring.records.inquiries import InquiryLog
from scoring.records.tables import INQUIRIES
from tests.support.records import Cluster, inquiry, throwaway_cluster

FIXTURE = Path(__file__).with_name("fixtures") / "audit-e3ee25f.sqlite"
OLD_ROWS = 120
WORKERS = 4
fork = multiprocessing.get_context("fork")


@pytest.fixture(scope="module")
def old_rows() -> list[dict[str, Any]]:
    """The rows the previous release wrote, read from the fixture untouched."""
    with closing(sqlite3.connect(f"file:{FIXTURE}?immutable=1", uri=True)) as source:
        source.row_factory = sqlite3.Row
        rows = [dict(row) for row in source.execute("SELECT * FROM decisions")]
    assert len(rows) == OLD_ROWS
    return rows


@pytest.fixture(scope="module")
def postgres() -> Iterator[Cluster]:
    with throwaway_cluster() as cluster:
        yield cluster


@pytest.fixture
def old_sqlite(tmp_path: Path) -> str:
    """A copy of the previous release's database; its URL."""
    copy = tmp_path / "audit.sqlite"
    shutil.copyfile(FIXTURE, copy)
    return f"sqlite:///{copy}"


def _old_postgresql(cluster: Cluster, name: str, rows: list[dict[str, Any]]) -> str:
    """A PostgreSQL database at revision 0001 holding ``rows``, as the previous release left
    it; its URL."""
    url = cluster.new_database(name)
    engine = RecordsDatabase(url, migrate=False).engine()
    migrate.upgrade(engine, "0001")
    with engine.begin() as connection:
        old = Table("decisions", MetaData(), autoload_with=connection)
        connection.execute(insert(old), rows)
    return url


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return migrate.current(connection)


def _differences(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, tables.metadata))


def _assert_kept_as_inquiries(database: RecordsDatabase, rows: list[dict[str, Any]]) -> None:
    with database.reading() as connection:
        found = {
            row.request_id: dict(row._mapping) for row in connection.execute(select(INQUIRIES))
        }
    assert len(found) == len(rows)
    for old in rows:
        new = found[old["request_id"]]
        expected = {**old, "purpose": "unrecorded", "actor": "unrecorded"}
        expected["recommendation"] = expected.pop("decision")
        assert new == expected


def _downgrade(engine: Engine, revision: str) -> None:
    with engine.connect().execution_options(records_write=True) as connection, connection.begin():
        command.downgrade(migrate.alembic_config(connection), revision)


def _assert_old_table(
    engine: Engine, rows: list[dict[str, Any]], revision: str | None = "0001"
) -> None:
    """The previous release's table, alone, holding ``rows``."""
    assert _revision(engine) == revision
    with engine.connect() as connection:
        names = set(inspect(connection).get_table_names()) - {"alembic_version"}
        assert names == {"decisions"}
        old = Table("decisions", MetaData(), autoload_with=connection)
        assert {index.name for index in old.indexes} == {"ix_decisions_created_at"}
        restored = [dict(row._mapping) for row in connection.execute(select(old))]
    key = "request_id"
    assert sorted(restored, key=lambda r: r[key]) == sorted(rows, key=lambda r: r[key])


def test_the_previous_release_database_upgrades_without_losing_a_row(
    old_sqlite: str, old_rows: list[dict[str, Any]]
) -> None:
    database = RecordsDatabase(old_sqlite)  # migrated on first use
    assert InquiryLog(database).count(purpose="unrecorded") == OLD_ROWS
    assert _revision(database.engine()) == migrate.head()
    _assert_kept_as_inquiries(database, old_rows)
    assert _differences(database.engine()) == []
    InquiryLog(database).record([inquiry()])  # and the service goes on recording
    assert InquiryLog(database).count() == OLD_ROWS + 1


def test_the_previous_release_database_upgrades_on_postgresql(
    postgres: Cluster, old_rows: list[dict[str, Any]]
) -> None:
    url = _old_postgresql(postgres, "old_release", old_rows)
    database = RecordsDatabase(url)
    assert InquiryLog(database).count() == OLD_ROWS
    assert _revision(database.engine()) == migrate.head()
    _assert_kept_as_inquiries(database, old_rows)
    assert _differences(database.engine()) == []


def test_a_fresh_database_gets_the_head_schema(tmp_path: Path) -> None:
    database = RecordsDatabase(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    assert database.healthy()
    assert _revision(database.engine()) == migrate.head()
    assert _differences(database.engine()) == []


def test_a_fresh_database_gets_the_head_schema_on_postgresql(postgres: Cluster) -> None:
    database = RecordsDatabase(postgres.new_database("fresh"))
    assert database.healthy()
    assert _revision(database.engine()) == migrate.head()
    assert _differences(database.engine()) == []


def test_the_comparison_sees_a_schema_that_differs(tmp_path: Path) -> None:
    """A guard that cannot fail proves nothing: a missing index is reported."""
    database = RecordsDatabase(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    with database.writing() as connection:
        connection.execute(text("DROP INDEX ix_inquiries_client_id"))
    assert [d[0] for d in _differences(database.engine())] == ["add_index"]


def test_upgrading_twice_changes_nothing(old_sqlite: str, old_rows: list[dict[str, Any]]) -> None:
    engine = RecordsDatabase(old_sqlite, migrate=False).engine()
    assert _revision(engine) is None, "the previous release did not use Alembic"
    migrate.upgrade(engine)
    migrate.upgrade(engine)
    migrate.upgrade(engine, "0002")
    database = RecordsDatabase(old_sqlite)
    assert _revision(database.engine()) == migrate.head()
    _assert_kept_as_inquiries(database, old_rows)


def _first_use(url: str, start: Any) -> None:
    start.wait(timeout=30)
    InquiryLog(RecordsDatabase(url)).count()


def _race(url: str) -> None:
    """``WORKERS`` processes use the database for the first time at the same moment."""
    start = fork.Barrier(WORKERS)
    workers = [fork.Process(target=_first_use, args=(url, start)) for _ in range(WORKERS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0] * WORKERS


def test_workers_upgrading_at_once_upgrade_once(
    old_sqlite: str, old_rows: list[dict[str, Any]]
) -> None:
    _race(old_sqlite)
    database = RecordsDatabase(old_sqlite)
    assert _revision(database.engine()) == migrate.head()
    _assert_kept_as_inquiries(database, old_rows)


def test_workers_upgrading_at_once_on_postgresql(
    postgres: Cluster, old_rows: list[dict[str, Any]]
) -> None:
    url = _old_postgresql(postgres, "race", old_rows)
    _race(url)
    database = RecordsDatabase(url)
    assert _revision(database.engine()) == migrate.head()
    _assert_kept_as_inquiries(database, old_rows)


def test_a_failed_upgrade_leaves_the_previous_release_database_whole(
    old_sqlite: str, old_rows: list[dict[str, Any]]
) -> None:
    """The upgrade is one transaction: when a step fails, none of it stays, and the service
    fails closed until the database is mended."""
    with closing(sqlite3.connect(old_sqlite.removeprefix("sqlite:///"))) as connection:
        connection.execute("CREATE TABLE chain_head (in_the_way INTEGER)")  # 0002 creates it
        connection.commit()
    with pytest.raises(RecordsUnavailable, match="table chain_head already exists"):
        InquiryLog(RecordsDatabase(old_sqlite)).count()
    engine = RecordsDatabase(old_sqlite, migrate=False).engine()
    assert _revision(engine) is None
    with engine.begin() as connection:
        assert set(inspect(connection).get_table_names()) == {"decisions", "chain_head"}
        connection.execute(text("DROP TABLE chain_head"))
    _assert_old_table(engine, old_rows, revision=None)


def test_downgrade_restores_the_previous_release_table(
    old_sqlite: str, old_rows: list[dict[str, Any]]
) -> None:
    database = RecordsDatabase(old_sqlite)
    since = inquiry(reasons=None)
    InquiryLog(database).record([since])
    engine = database.engine()
    _downgrade(engine, "0001")
    row = since.to_row()
    del row["purpose"], row["actor"]
    row["decision"] = row.pop("recommendation")
    _assert_old_table(engine, [*old_rows, row])  # the rows recorded since are kept too


def test_downgrade_restores_the_previous_release_table_on_postgresql(
    postgres: Cluster, old_rows: list[dict[str, Any]]
) -> None:
    url = _old_postgresql(postgres, "downgrade", old_rows)
    engine = RecordsDatabase(url).engine()
    assert _revision(engine) == migrate.head()
    _downgrade(engine, "0001")
    _assert_old_table(engine, old_rows)
    migrate.upgrade(engine)  # and back up again
    _assert_kept_as_inquiries(RecordsDatabase(url), old_rows)
