"""Commands that prepare or maintain what the service and the dashboard read and write: the
portfolio database, the dashboard's snapshot and the audit trail's retention."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from scoring.settings import ServiceSettings, SettingsError, load_settings
from training import config
from training.cli.common import DataDir, console, fail, load


def service_settings() -> ServiceSettings:
    """The service's settings: its database URLs are the defaults of these commands."""
    try:
        return load_settings()
    except SettingsError as error:
        fail(str(error))


app = typer.Typer()


@app.command()
def portfolio(
    data: DataDir = config.DEFAULT_DATA_DIR,
    url: Annotated[
        str | None,
        typer.Option(
            help="Database URL (default: $CREDIT_PORTFOLIO_DB_URL or data/portfolio.sqlite)."
        ),
    ] = None,
) -> None:
    """Load the applications and their history into the portfolio database the API reads."""
    from training.portfolio import write_portfolio

    target = url or service_settings().portfolio_db_url
    start = time.perf_counter()
    counts = write_portfolio(load(data), target)
    rows = ", ".join(f"{name} {n:,}" for name, n in counts.items())
    console.print(f"Portfolio written to {target} in {time.perf_counter() - start:.1f} s: {rows}")


@app.command()
def snapshot(
    data: DataDir = config.DEFAULT_DATA_DIR,
    out: Annotated[
        Path,
        typer.Option(
            help="Parquet file the dashboard reads (its CREDIT_SNAPSHOT_PATH).",
        ),
    ] = config.DEFAULT_SNAPSHOT_PATH,
    model: Annotated[
        str | None, typer.Option(help="Model tag (default: latest credit_scoring).")
    ] = None,
) -> None:
    """Score every known client once and write the dashboard's portfolio snapshot."""
    from scoring.model.scorer import CreditModel, ModelLoadError
    from training.snapshot import write_snapshot

    target = out
    try:
        scorer = CreditModel.from_store(model)
    except ModelLoadError as error:
        fail(str(error))
    start = time.perf_counter()
    written = write_snapshot(load(data), scorer, target)
    console.print(
        f"Snapshot of {len(written):,} clients scored with {scorer.tag} written to {target} "
        f"in {time.perf_counter() - start:.1f} s ({target.stat().st_size / 2**20:.1f} MiB)"
    )


@app.command("audit-purge")
def audit_purge(
    older_than_days: Annotated[
        int | None,
        typer.Option(
            max=36_500,
            help="Delete the decisions made more than N days ago (retention; the proposed "
            "period is 1825 days, 5 years). At least 1, or 0 with --client-id.",
        ),
    ] = None,
    client_id: Annotated[
        int | None,
        typer.Option(
            help="Delete the decisions about this client (SK_ID_CURR): the right to erasure, "
            "only when the legal basis allows it (no retention duty or legal hold on them). "
            "With --older-than-days, only the client's older decisions."
        ),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(
            help="Audit database URL (default: $CREDIT_AUDIT_DB_URL or data/audit.sqlite)."
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count the decisions that would go; delete none.")
    ] = False,
) -> None:
    """Delete audit decisions past the retention period, or those of one client."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import make_url

    from scoring.serving.audit import AuditLog, AuditUnavailable

    if older_than_days is None and client_id is None:
        fail("give --older-than-days N (retention) or --client-id ID (erasure), or both")
    if older_than_days is not None and older_than_days < (0 if client_id is not None else 1):
        fail(
            f"--older-than-days must be at least 1 (0 only with --client-id), got {older_than_days}"
        )
    if client_id is not None and client_id < 1:
        fail(f"--client-id must be a positive SK_ID_CURR, got {client_id}")
    log = AuditLog(url or service_settings().audit_db_url)
    location = make_url(log.url)
    if location.get_backend_name() == "sqlite" and not Path(location.database or "").is_file():
        fail(f"no audit database at {location.database} (--url or $CREDIT_AUDIT_DB_URL)")
    before = None
    scope = []
    if older_than_days is not None:
        before = datetime.now(UTC) - timedelta(days=older_than_days)
        scope.append(f"made before {before:%Y-%m-%d %H:%M} UTC")
    if client_id is not None:
        scope.append(f"about client {client_id}")
    try:
        count = log.purge(before, client_id, dry_run)
    except AuditUnavailable as error:
        fail(str(error))
    verb = "Would delete" if dry_run else "Deleted"
    summary = f"{verb} {count:,} decisions {' and '.join(scope)} from {log.safe_url}"
    console.print(summary, soft_wrap=True)  # one line per run in a scheduled job's log
