"""Commands that prepare what the service and the dashboard read: the portfolio database and
the dashboard's snapshot (the records database's commands: training/cli/audit.py)."""

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
