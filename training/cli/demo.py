"""``prepare``: what ``make demo`` serves, made once and reused while it is current."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from training import config
from training.cli import data as data_commands
from training.cli import lifecycle as lifecycle_commands
from training.cli import model as model_commands
from training.cli import service as service_commands
from training.cli.common import DataDir, console, load

app = typer.Typer()


@app.command()
def prepare(
    data: DataDir = config.DEFAULT_DATA_DIR,
    clients: Annotated[
        int, typer.Option(min=100, help="Labelled clients to generate.")
    ] = config.DEFAULT_CLIENTS,
    seed: Annotated[int, typer.Option(help="Generator seed.")] = config.DEFAULT_SEED,
    snapshot_path: Annotated[
        Path, typer.Option("--snapshot", help="The dashboard's portfolio snapshot.")
    ] = config.DEFAULT_SNAPSHOT_PATH,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Make everything again, current or not.")
    ] = False,
) -> None:
    """Generate, train, load the portfolio and write the snapshot, reusing what is current."""
    from training.model.run_record import fingerprint
    from training.portfolio import sqlite_path
    from training.prepare import (
        current_model,
        data_is_current,
        file_is_current,
        snapshot_is_current,
    )

    if fresh or not data_is_current(data, clients, seed):
        data_commands.generate(clients=clients, out=data, seed=seed)
    else:
        console.print(f"Reusing the data in {data} ({clients:,} clients, seed {seed}).")
    tag = None if fresh else current_model(fingerprint(load(data)))
    if tag is None:
        tag = model_commands.train(data=data)
    else:
        console.print(f"Reusing the model {tag}, trained on this data by this code.")
    tag = _champion_after(tag, data)
    portfolio_url = service_commands.service_settings().portfolio_db_url
    if fresh or not file_is_current(sqlite_path(portfolio_url), data):
        service_commands.portfolio(data=data, url=portfolio_url)
    else:
        console.print(f"Reusing the portfolio {portfolio_url}.")
    if fresh or not snapshot_is_current(snapshot_path, data, tag):
        service_commands.snapshot(data=data, out=snapshot_path, model=tag)
    else:
        console.print(f"Reusing the snapshot {snapshot_path}, scored by {tag}.")
    _demo_users(service_commands.service_settings().audit_db_url)


def _champion_after(tag: str, data: Path) -> str:
    """The model the demo serves: ``tag`` if it is, or becomes, the champion through the
    promotion gate; else the champion, which stays (the gate's report says why)."""
    from scoring.model.champion import ChampionRegistry
    from scoring.model.scorer import CreditModel, ModelLoadError
    from training.lifecycle.operators import operator
    from training.lifecycle.promote import promote

    registry = ChampionRegistry(tag.split(":")[0])
    champion = registry.champion()
    if champion in (tag, None):
        return tag
    try:
        CreditModel.from_store(champion)
        justification = None
    except ModelLoadError:
        justification = (
            f"make demo: the champion {champion} cannot be loaded by this version of the "
            "code, so it cannot serve; the model trained by this version replaces it"
        )
    promotion = promote(
        tag, load(data), data, operator(), lifecycle_commands.REPORTS_DIR, None, justification
    )
    if promotion.decision.outcome == "refused":
        failed = ", ".join(check.name for check in promotion.result.failed())
        console.print(
            f"{tag} stays a challenger ({failed} below the champion's; report: "
            f"{promotion.report['html']}). Serving the champion {champion}."
        )
        return champion
    console.print(f"{tag} is the champion ({promotion.decision.outcome}).")
    return tag


def _demo_users(records_url: str) -> None:
    """One advisor and one supervisor for the dashboard; their passwords shown once only."""
    from training.demo_users import ensure_demo_users

    created = ensure_demo_users(records_url)
    for username, password in created.items():
        console.print(f"Dashboard user [bold]{username}[/bold], password [bold]{password}[/bold]")
    if created:
        console.print("Note these passwords: they are shown this once (stored hashed).")
    else:
        console.print(
            "Dashboard users advisor and supervisor exist; to set a new password: "
            "python -m training users set-password advisor"
        )
