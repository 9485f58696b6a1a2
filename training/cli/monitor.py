"""``python -m training monitor``: how far live applications and scores have moved from the
training reference, and the model's performance by vintage (docs/monitoring.md).

Writes ``report.json`` and ``report.html`` and exits with a status a scheduled job alerts on:
0 stable, 3 watch (a PSI at or above the watch threshold), 4 act (at or above the action
threshold), 5 no application counted in the period; 2 for bad options or an unreachable
database.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from scoring.monitoring.bins import NoReferenceBins
from scoring.monitoring.stability import ACT, WATCH
from training.cli.common import console, fail
from training.cli.service import service_settings

app = typer.Typer()
DEFAULT_DAYS = 30


@app.command("monitor")
def monitor_command(
    since: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help=f"First day (default: {DEFAULT_DAYS} days ago)."),
    ] = None,
    until: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Day after the last one (default: tomorrow)."),
    ] = None,
    model: Annotated[
        str | None, typer.Option(help="Model store tag (default: $CREDIT_MODEL_TAG).")
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(help="Records database URL (default: $CREDIT_AUDIT_DB_URL)."),
    ] = None,
    out: Annotated[Path, typer.Option(help="Directory of report.json and report.html.")] = Path(
        "data/monitoring"
    ),
    watch: Annotated[
        float, typer.Option(min=0.0, help="PSI at which a column is to be watched.")
    ] = WATCH,
    act: Annotated[float, typer.Option(min=0.0, help="PSI at which action is needed.")] = ACT,
    language: Annotated[str, typer.Option(help="Report language: en or fr.")] = "en",
) -> None:
    """Compare a period's applications and scores with the training reference; write the
    report; exit 0, 3 (watch), 4 (act) or 5 (no data)."""
    from scoring.records.database import RecordsDatabase, RecordsUnavailable  # start-up of `score`
    from training.monitoring.html import render_report
    from training.monitoring.run import EXIT_STATUS, UnknownModel, monitor

    if act < watch:
        fail(f"--act ({act}) must be at least --watch ({watch})")
    if language not in ("en", "fr"):
        fail(f"--language must be en or fr, got {language!r}")
    last = (until or datetime.now(UTC) + timedelta(days=1)).date()
    first = since.date() if since else last - timedelta(days=DEFAULT_DAYS + 1)
    if first >= last:
        fail(f"--since ({first}) must be before --until ({last})")
    settings = service_settings()
    database = RecordsDatabase(url or settings.audit_db_url)
    try:
        document = monitor(database, model or settings.model_tag, first, last, watch, act)
    except (UnknownModel, NoReferenceBins, RecordsUnavailable) as error:
        fail(str(error))
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(document, indent=1), encoding="utf-8")
    (out / "report.html").write_text(render_report(document, language), encoding="utf-8")
    _print(document, out)
    raise typer.Exit(EXIT_STATUS[document["status"]])


def _print(document: dict, out: Path) -> None:
    """One line for the job's log, then the columns that crossed a threshold."""
    period = document["period"]
    console.print(
        f"{document['model']}: {document['applications']:,} applications from {period['since']} "
        f"to {period['until']} (excluded): {document['status']}"
    )
    flagged = [document["score"], *document["features"]]
    for column in flagged:
        if column["level"] in ("watch", "act"):
            label = column.get("label_en", "score")
            console.print(f"  {column['level']:5}  PSI {column['psi']:.3f}  {label}")
    console.print(f"report: {out / 'report.html'} (and report.json)")
