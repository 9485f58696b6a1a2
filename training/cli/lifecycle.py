"""Lifecycle commands: promote a challenger through the gate, roll back, show the champion.

``promote`` exits 0 when the candidate became champion (passed, or forced with a written
justification), 1 when the gate refused it, and 2 on an error (a tag that is not in the
store, unusable data, a missing justification).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from training import config
from training.cli.common import console, fail, load

app = typer.Typer()
REPORTS_DIR = config.DATA_DIR / "promotions"
Name = Annotated[str, typer.Option(help="Model name in the BentoML store.")]
By = Annotated[
    str | None,
    typer.Option(help="Who does it (default: CREDIT_OPERATOR, else the system login)."),
]


@app.command()
def promote(
    tag: Annotated[str, typer.Argument(help="The candidate's tag, e.g. credit_scoring:abc123.")],
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="Labelled data whose held-out clients both models are scored on "
            "(default: the data the candidate was trained on).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Promote despite failed checks (needs --justification).")
    ] = False,
    justification: Annotated[
        str | None, typer.Option(help="Why a forced promotion is right; recorded with it.")
    ] = None,
    by: By = None,
    reports: Annotated[
        Path, typer.Option(help="Where the comparison report is written.")
    ] = REPORTS_DIR,
    auc_drop: Annotated[float, typer.Option(help="ROC AUC the candidate may lose.")] = 0.005,
    cost_rise: Annotated[
        float, typer.Option(help="Relative rise of the cost per application allowed.")
    ] = 0.05,
    ece_rise: Annotated[float, typer.Option(help="Calibration error rise allowed.")] = 0.005,
    fairness_drop: Annotated[
        float, typer.Option(help="Drop allowed in the least-approved group's approval ratio.")
    ] = 0.02,
) -> None:
    """Compare a candidate with the champion on the same held-out clients; promote it if it is
    no worse (AUC, cost, calibration, fairness) and sound (parity, additivity, self-check,
    monotone directions). Writes a comparison report and records the run in MLflow."""
    from scoring.model import store
    from scoring.model.scorer import CreditModel, ModelLoadError
    from training.lifecycle.evaluation import EvaluationError
    from training.lifecycle.gate import Tolerances
    from training.lifecycle.operators import operator
    from training.lifecycle.promote import LifecycleError
    from training.lifecycle.promote import promote as run_promotion

    if force and not justification:
        fail("--force needs --justification 'why this model must serve despite failed checks'")
    if justification and not force:
        fail("--justification goes with --force: a promotion that passes the gate needs none")
    try:
        tolerances = Tolerances(auc_drop, cost_rise, ece_rise, fairness_drop)
        if data is None:
            candidate = CreditModel.from_store(tag)
            recorded = store.read_json(candidate.root / store.CARD_FILE)["data"]["directory"]
            data = Path(recorded) if recorded else config.DEFAULT_DATA_DIR
        frames = load(data)
        with console.status(f"comparing {tag} with the champion"):
            promotion = run_promotion(
                tag, frames, data, by or operator(), reports, tolerances, justification
            )
    except (LifecycleError, EvaluationError, ModelLoadError, ValueError) as error:
        fail(str(error))
    _print_checks(promotion)
    console.print(f"Report: {promotion.report['html']} (MLflow run {promotion.tracking_run})")
    outcome = promotion.decision.outcome
    if outcome == "refused":
        failed = ", ".join(check.name for check in promotion.result.failed())
        console.print(
            f"[bold red]Refused:[/] {promotion.candidate} fails {failed}; the champion is "
            f"still {promotion.champion}."
        )
        raise typer.Exit(1)
    console.print(
        f"[bold green]{promotion.candidate} is the champion[/]"
        + (" (forced, justification recorded)." if outcome == "forced" else ".")
        + " Restart the service (or rebuild the Bento) to serve it."
    )


@app.command()
def rollback(
    reason: Annotated[str, typer.Option(help="Why the previous champion must serve again.")],
    name: Name = "credit_scoring",
    by: By = None,
) -> None:
    """Restore the champion before the current one (recorded, with who and why)."""
    from training.lifecycle.operators import operator
    from training.lifecycle.promote import LifecycleError
    from training.lifecycle.promote import rollback as run_rollback

    try:
        event = run_rollback(name, by or operator(), reason)
    except LifecycleError as error:
        fail(str(error))
    console.print(
        f"{event.tag} is the champion again (was {event.previous}). Restart the service "
        "(or rebuild the Bento) to serve it."
    )


@app.command()
def champion(name: Name = "credit_scoring") -> None:
    """The champion and every change of champion, oldest first."""
    from scoring.model.champion import ChampionRegistry, RegistryError

    registry = ChampionRegistry(name)
    try:
        events = registry.events()
        current = registry.champion()
    except RegistryError as error:
        fail(str(error))
    table = Table("when (UTC)", "what", "model", "before", "by", "why", title=f"{name} champions")
    for event in events:
        table.add_row(
            event.at[:16].replace("T", " "), event.kind.replace("_", " "), _version(event.tag),
            _version(event.previous), event.by, event.reason,
        )  # fmt: skip
    console.print(table)
    console.print(f"Champion: {current or 'none yet'} (registry {registry.path})")


def _version(tag: str | None) -> str:
    """The version part of a tag: the name is the table's title."""
    return tag.partition(":")[2] if tag else "—"


def _print_checks(promotion) -> None:
    table = Table("check", "result", "detail", title=f"Promotion gate: {promotion.candidate}")
    for check in promotion.result.checks:
        table.add_row(check.name, "pass" if check.passed else "[bold red]FAIL[/]", check.detail)
    console.print(table)
