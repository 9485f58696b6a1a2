"""Model commands: train and save a store entry, score a file with a stored model."""

from __future__ import annotations

import time
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from scoring.scale import DEFAULT_BASE_ODDS, DEFAULT_BASE_POINTS, DEFAULT_GRADE_BOUNDS, DEFAULT_PDO
from training import config
from training.cli.common import DataDir, console, fail, load
from training.cli.scale import Scheduler, Workers, sample_partitioned, score_partitioned
from training.distributed.layout import is_partitioned
from training.validation import SchemaError

app = typer.Typer()


class Language(StrEnum):
    """Languages of the reasons."""

    en = "en"
    fr = "fr"


@app.command()
def train(
    data: DataDir = config.DEFAULT_DATA_DIR,
    name: Annotated[str, typer.Option(help="Model name in the BentoML store.")] = "credit_scoring",
    false_grant: Annotated[
        float, typer.Option(min=0, help="Cost of granting a loan that defaults.")
    ] = 10.0,
    false_refusal: Annotated[
        float, typer.Option(min=0, help="Cost of refusing a client who would repay.")
    ] = 1.0,
    folds: Annotated[int, typer.Option(min=2, help="Cross-validation folds.")] = 5,
    seed: Annotated[int, typer.Option(help="Seed of splits and boosting.")] = 42,
    tune_minutes: Annotated[
        float, typer.Option(min=0, help="Optuna search budget before training (0: defaults).")
    ] = 0.0,
    stage: Annotated[str, typer.Option(help="Stage label of the entry.")] = "development",
    application_only: Annotated[
        bool, typer.Option(help="Use application_train only, ignoring history tables.")
    ] = False,
    sample: Annotated[
        float,
        typer.Option(
            min=0.01,
            max=1.0,
            help="Share of the labelled clients to train on (with their history).",
        ),
    ] = 1.0,
    models_dir: Annotated[
        Path | None,
        typer.Option(help="Also copy the model card there (models/ refreshes the committed card)."),
    ] = None,
    base_points: Annotated[
        float, typer.Option(help="Points scale: the points given at --base-odds.")
    ] = DEFAULT_BASE_POINTS,
    base_odds: Annotated[
        float, typer.Option(help="Points scale: the good:bad odds worth --base-points (50: 50:1).")
    ] = DEFAULT_BASE_ODDS,
    pdo: Annotated[
        float, typer.Option(help="Points scale: points to double the odds.")
    ] = DEFAULT_PDO,
    grade_bounds: Annotated[
        str,
        typer.Option(help="Upper probabilities of default of grades A to D, comma-separated."),
    ] = ",".join(f"{b:g}" for b in DEFAULT_GRADE_BOUNDS),
    scheduler: Scheduler = None,
    workers: Workers = None,
) -> str:
    """Train LightGBM, export ONNX + TreeSHAP, verify them, save one store entry and record the
    run in MLflow; the first model of a store becomes its champion."""
    from training import tracking
    from training.data import data_source, sample_clients
    from training.lifecycle.operators import operator
    from training.model.pipeline import TrainingConfig, save_model, train_model
    from training.model.threshold import CostMatrix

    scale = _scale(base_points, base_odds, pdo, grade_bounds)
    features = None
    if scheduler is not None or is_partitioned(data):  # a sample's features on Dask
        if application_only or tune_minutes > 0:
            fail("--application-only and --tune-minutes need the Kaggle layout, not partitions")
        frames, features = sample_partitioned(data, sample, seed, scheduler, workers)
    else:
        frames = load(data, ["application_train"] if application_only else None)
        if sample < 1.0:
            frames = sample_clients(frames, sample, seed)
    settings = TrainingConfig(
        name=name,
        costs=_costs(CostMatrix, false_grant, false_refusal),
        folds=folds,
        seed=seed,
        data_source=data_source(data),
        stage=stage,
        data_directory=str(data),
        scale=scale,
    )
    start = time.perf_counter()
    run_tags = {
        "kind": "training",
        "application_only": str(application_only),
        "sample": f"{sample:g}",
    }
    with tracking.run(
        f"train {name}", tracking.training_params(settings, data, tune_minutes), run_tags
    ) as tracker:
        if tune_minutes > 0:
            from training.model.tune import tune

            with console.status(f"tuning for {tune_minutes:g} min"):
                params = tune(frames, tune_minutes, seed, tracker.log_trial)
            console.print(f"Tuned parameters: {params}")
            settings = replace(settings, params=params)
        with console.status("training") as status:
            built = {} if features is None else {"feature_matrix": features}
            model = train_model(
                frames, settings, lambda s: status.update(f"training: {s}"), **built
            )
            tag, crowned = save_model(model, name, models_dir, tracker.run_id, by=operator())
        tracker.log_trained(model, tag)
    metrics = model.card["metrics"]
    console.print(
        f"Saved {tag} in {time.perf_counter() - start:.0f} s: ROC AUC out-of-fold "
        f"{metrics['oof']['roc_auc']:.3f}, holdout {metrics['holdout']['roc_auc']:.3f}; "
        f"threshold {model.card['threshold']['threshold']:.3f}; parity "
        f"{model.card['parity']['max_abs_diff']:.1e}; additivity "
        f"{model.card['additivity']['max_abs_error']:.1e}; MLflow run {tracker.run_id}."
        + (f" Card copied to {models_dir / name}." if models_dir else "")
    )
    console.print(
        f"{tag} is the champion: the first model of this store."
        if crowned
        else f"The champion is unchanged; to compare and promote: python -m training promote {tag}"
    )
    return tag


@app.command()
def card(
    model: Annotated[
        str | None, typer.Option(help="Model tag (default: the credit_scoring champion).")
    ] = None,
    models_dir: Annotated[
        Path, typer.Option(help="Folder that receives <name>/model_card.md and its plots.")
    ] = config.MODELS_DIR,
) -> None:
    """Copy a stored model's card into the repository (models/), to commit it."""
    from scoring.model import store
    from scoring.model.scorer import CreditModel, ModelLoadError
    from training.model.pipeline import copy_card

    try:
        stored = CreditModel.from_store(model)
    except ModelLoadError as error:
        fail(str(error))
    target = models_dir / stored.tag.split(":")[0]
    copy_card(store.card_files(stored.root), stored.tag, target)
    console.print(f"Card of {stored.tag} copied to {target}")


@app.command()
def score(
    input_file: Annotated[
        Path,
        typer.Option(
            "--input", help="Applications CSV/Parquet (Kaggle layout); history tables beside it."
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            help="CSV or Parquet (by its suffix) of SK_ID_CURR, probability, decision (and "
            "reasons)."
        ),
    ],
    model: Annotated[
        str | None, typer.Option(help="Model tag (default: the credit_scoring champion).")
    ] = None,
    reasons: Annotated[
        bool, typer.Option("--reasons", help="Add each row's principal reasons (notices).")
    ] = False,
    language: Annotated[Language, typer.Option(help="Language of the reasons.")] = Language.en,
    currency: Annotated[str, typer.Option(help="Shown after amounts in the reasons.")] = "€",
    scheduler: Scheduler = None,
    workers: Workers = None,
) -> None:
    """Score a CSV or Parquet file of applications with the stored ONNX model (same features
    and model as the API), written as CSV or Parquet."""
    from scoring.model.scorer import CreditModel, ModelLoadError
    from training import file_scoring

    try:
        file_scoring.output_format(output)
        scorer = CreditModel.from_store(model, explainer=reasons)  # LightGBM only for reasons
        partitioned = scheduler is not None or is_partitioned(input_file)  # docs/scaling.md
        frames = {} if partitioned else file_scoring.read_applications(input_file)
    except (ModelLoadError, SchemaError, FileNotFoundError, ValueError) as error:
        fail(str(error))
    explained = file_scoring.Reasons(language.value, currency) if reasons else None
    if partitioned:  # --input is a client-partitioned directory: every partition on Dask
        args = (input_file, scorer, "application_test", explained, scheduler, workers)
        scores = score_partitioned(*args)
    else:
        scores = file_scoring.score_frames(scorer, frames, reasons=explained)
    file_scoring.write_scores(scores, output)
    refused = (scores["decision"] == "refused").mean()
    console.print(
        f"Scored {len(scores):,} applications with {scorer.tag} → {output} "
        f"({refused:.1%} refused at threshold {scorer.threshold:.3f})"
    )


def _scale(
    base_points: float, base_odds: float, pdo: float, grade_bounds: str
) -> dict[str, object]:
    """The points scale's settings, checked before any data is read."""
    from scoring.scale import PointsScale, ScaleError, parse_bounds

    try:
        scale = PointsScale(base_points, base_odds, pdo, parse_bounds(grade_bounds))
    except ScaleError as error:
        fail(f"{error} (option --{error.setting.replace('_', '-')})")
    return {
        "base_points": scale.base_points,
        "base_odds": scale.base_odds,
        "pdo": scale.pdo,
        "grade_bounds": scale.grade_bounds,
    }


def _costs(cost_matrix, false_grant: float, false_refusal: float):
    try:
        return cost_matrix(false_grant, false_refusal)
    except ValueError as error:
        fail(str(error))
        raise
