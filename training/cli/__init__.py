"""``python -m training``: the offline commands, one sub-app per concern.

Each command is a thin wrapper: parse options, call the pure core, report.

Every command's process imports every module of this package (typer registers them all), so
a module imports at its top only what is light (typer, rich, pandas, settings); each command
imports the stack it uses (LightGBM and scikit-learn, MLflow, SQLAlchemy and Alembic, Dask)
inside. That keeps ``score``, which needs none of them, quick to start (issue 16: a file
scored at 100,000 rows/s, process start included; tests/training/cli/test_score_start.py).
"""

from __future__ import annotations

from typing import Annotated

import typer

from scoring import logs
from training.cli import access, audit, data, demo, lifecycle, model, monitor, scale, service

app = typer.Typer(
    help="Prêt à dépenser offline commands: data, synthetic generator, training, scoring files, "
    "and what the service reads.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def main(
    log_level: Annotated[str, typer.Option(help="DEBUG, INFO, WARNING or ERROR.")] = "INFO",
    log_json: Annotated[bool, typer.Option(help="Log JSON lines instead of text.")] = False,
) -> None:
    """Configure logging for every command."""
    logs.configure(log_level, log_json)


for commands in (
    data.app,
    model.app,
    lifecycle.app,
    service.app,
    audit.app,
    demo.app,
    access.app,
    monitor.app,
    scale.app,
):
    app.add_typer(commands)
