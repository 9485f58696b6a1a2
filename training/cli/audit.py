"""Commands that keep the records database (docs/records.md): check the decisions' hash chain,
migrate the schema, purge past the retention period or on an erasure request, and import
repayment outcomes.

Results go to standard output, one line a run for a scheduled job's log; errors go to standard
error with exit code 2 (a broken chain exits 1, listing each problem).
"""

from __future__ import annotations

import getpass
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from training.cli.common import fail
from training.cli.service import service_settings

if TYPE_CHECKING:  # SQLAlchemy and Alembic, imported by each command: see training/cli/__init__.py
    from scoring.records.database import RecordsDatabase

app = typer.Typer()
audit = typer.Typer(
    help="Check the decisions' hash chain; bring the records database to this release's schema.",
    no_args_is_help=True,
)
app.add_typer(audit, name="audit")

Url = Annotated[
    str | None,
    typer.Option(help="Records database URL (default: $CREDIT_AUDIT_DB_URL or data/audit.sqlite)."),
]


def actor() -> str:
    """Who runs the command, as the records name them: the OS user, prefixed ``cli:``.

    A container may run as a user id without a name (no $USER, no passwd entry): the id then.
    """
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return f"cli:uid-{os.getuid()}"


def _database(url: str | None, migrate: bool = True, must_exist: bool = True) -> RecordsDatabase:
    """The records database of ``--url`` or of the service's settings.

    A missing SQLite file is refused rather than created: a mistyped path would otherwise
    report an empty, intact chain, or purge nothing, without a word.
    """
    from sqlalchemy import make_url

    from scoring.records.database import RecordsDatabase

    database = RecordsDatabase(url or service_settings().audit_db_url, migrate=migrate)
    location = make_url(database.url)
    missing = not Path(location.database or "").is_file()
    if must_exist and location.get_backend_name() == "sqlite" and missing:
        fail(f"no records database at {location.database} (--url or $CREDIT_AUDIT_DB_URL)")
    return database


@audit.command()
def verify(url: Url = None) -> None:
    """Check the decisions' hash chain: exit 0 when intact, 1 listing each break."""
    from sqlalchemy import func, select

    from scoring.records import migrate
    from scoring.records.database import RecordsUnavailable
    from scoring.records.decisions import DecisionBook
    from scoring.records.tables import CHAIN_HEAD, DECISIONS, PURGED_LINKS

    database = _database(url, migrate=False)  # checking changes nothing, not even the schema
    try:
        with database.reading() as connection:
            revision = migrate.current(connection)
            if revision != migrate.head():
                fail(
                    f"{database.safe_url} is at schema revision {revision or 'none'}, not "
                    f"{migrate.head()}: run `python -m training audit migrate` first"
                )
            decisions = connection.execute(select(func.count()).select_from(DECISIONS))
            purged = connection.execute(select(func.count()).select_from(PURGED_LINKS))
            head = connection.execute(select(CHAIN_HEAD)).first()
            counts = f"{decisions.scalar_one():,} decisions, {purged.scalar_one():,} purged links"
        problems = DecisionBook(database).verify()
    except RecordsUnavailable as error:
        fail(str(error))
    if problems:
        typer.echo(f"chain broken in {database.safe_url}: {len(problems)} problems ({counts})")
        for problem in problems:
            typer.echo(f"  {problem}")
        raise typer.Exit(1)
    last = f"head #{head.seq} {head.row_hash}" if head else "no decision yet"
    typer.echo(f"chain intact: {counts}, {last}")


@audit.command()
def migrate(url: Url = None) -> None:
    """Bring the records database to this release's schema, before the service starts.

    The service migrates on first use too; running this as a deployment step makes a failed
    migration stop the deployment instead of the service's first request.
    """
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from scoring.records import migrate as migrations
    from scoring.records.database import RecordsUnavailable

    database = _database(url, migrate=False, must_exist=False)
    try:
        engine = database.engine()
        with engine.connect() as connection:
            before = migrations.current(connection)
        migrations.upgrade(engine)
        with engine.connect() as connection:
            after = migrations.current(connection)
    except RecordsUnavailable as error:
        fail(str(error))
    except (SQLAlchemyError, CommandError) as error:
        fail(database.message(error))
    if before == after:
        typer.echo(f"{database.safe_url} is at schema revision {after}: nothing to do")
    else:
        typer.echo(f"{database.safe_url} migrated from revision {before or 'none'} to {after}")


@app.command("audit-purge")
def audit_purge(
    older_than_days: Annotated[
        int | None,
        typer.Option(
            max=36_500,
            help="Purge the decisions and inquiries made more than N days ago (retention; the "
            "proposed period is 1825 days, 5 years). At least 1, or 0 with --client-id.",
        ),
    ] = None,
    client_id: Annotated[
        int | None,
        typer.Option(
            help="Purge the decisions and inquiries about this client (SK_ID_CURR): the right "
            "to erasure, only when the legal basis allows it (no retention duty or legal hold "
            "on them). With --older-than-days, only the client's older ones."
        ),
    ] = None,
    url: Url = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would go; delete nothing.")
    ] = False,
) -> None:
    """Purge decisions and inquiries past the retention period, or those of one client.

    Each purged decision leaves a purged link (its number, id and hash), so the chain still
    verifies; inquiries are deleted.
    """
    from scoring.records.database import RecordsUnavailable
    from scoring.records.decisions import DecisionBook
    from scoring.records.retention import purge_inquiries

    if older_than_days is None and client_id is None:
        fail("give --older-than-days N (retention) or --client-id ID (erasure), or both")
    if older_than_days is not None and older_than_days < (0 if client_id is not None else 1):
        fail(
            f"--older-than-days must be at least 1 (0 only with --client-id), got {older_than_days}"
        )
    if client_id is not None and client_id < 1:
        fail(f"--client-id must be a positive SK_ID_CURR, got {client_id}")
    database = _database(url)
    before = None
    scope = []
    if older_than_days is not None:
        before = datetime.now(UTC) - timedelta(days=older_than_days)
        scope.append(f"made before {before:%Y-%m-%d %H:%M} UTC")
    if client_id is not None:
        scope.append(f"about client {client_id}")
    try:
        decisions = DecisionBook(database).purge(actor(), before, client_id, dry_run)
        inquiries = purge_inquiries(database, before, client_id, dry_run)
    except RecordsUnavailable as error:
        fail(str(error))
    verb = "Would purge" if dry_run else "Purged"
    typer.echo(
        f"{verb} {decisions:,} decisions and {inquiries:,} inquiries {' and '.join(scope)} "
        f"from {database.safe_url}"
    )


@app.command()
def outcomes(
    file: Annotated[
        Path,
        typer.Option(
            "--file",
            help="CSV file with the header decision_id,outcome,outcome_date (outcome: repaid "
            "or defaulted; date: YYYY-MM-DD).",
        ),
    ],
    url: Url = None,
) -> None:
    """Record whether granted credits were repaid or defaulted: all rows, or none."""
    from scoring.records.database import RecordsUnavailable
    from scoring.records.outcomes import HEADER, OutcomeFileError, import_outcomes

    if not file.is_file():
        fail(f"no file at {file}; expected a CSV file with the header {HEADER}")
    database = _database(url)
    try:
        summary = import_outcomes(database, file, actor())
    except (OutcomeFileError, RecordsUnavailable) as error:
        fail(str(error))
    typer.echo(
        f"Recorded {summary.recorded:,} outcomes from {file} ({summary.already_present:,} "
        f"already present) in {database.safe_url}"
    )
