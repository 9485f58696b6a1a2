"""Model commands: train and save a store entry, score a file with a stored model."""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from training import config
from training.cli.common import DataDir, console, fail, load
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
    models_dir: Annotated[
        Path | None,
        typer.Option(help="Also copy the model card there (models/ refreshes the committed card)."),
    ] = None,
) -> str:
    """Train LightGBM, export ONNX + TreeSHAP, verify them and save one store entry."""
    from training.data import data_source
    from training.model.pipeline import TrainingConfig, save_model, train_model
    from training.model.threshold import CostMatrix

    frames = load(data, ["application_train"] if application_only else None)
    params = {}
    if tune_minutes > 0:
        from training.model.tune import tune

        with console.status(f"tuning for {tune_minutes:g} min"):
            params = tune(frames, tune_minutes, seed)
        console.print(f"Tuned parameters: {params}")
    settings = TrainingConfig(
        name=name,
        costs=_costs(CostMatrix, false_grant, false_refusal),
        folds=folds,
        seed=seed,
        params=params,
        data_source=data_source(data),
        stage=stage,
        data_directory=str(data),
    )
    start = time.perf_counter()
    with console.status("training") as status:
        model = train_model(frames, settings, lambda s: status.update(f"training: {s}"))
        tag = save_model(model, name, models_dir)
    metrics = model.card["metrics"]
    console.print(
        f"Saved {tag} in {time.perf_counter() - start:.0f} s: ROC AUC out-of-fold "
        f"{metrics['oof']['roc_auc']:.3f}, holdout {metrics['holdout']['roc_auc']:.3f}; "
        f"threshold {model.card['threshold']['threshold']:.3f}; parity "
        f"{model.card['parity']['max_abs_diff']:.1e}; additivity "
        f"{model.card['additivity']['max_abs_error']:.1e}."
        + (f" Card copied to {models_dir / name}." if models_dir else "")
    )
    return tag


@app.command()
def card(
    model: Annotated[
        str | None, typer.Option(help="Model tag (default: latest credit_scoring).")
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
        typer.Option(help="CSV of SK_ID_CURR, probability, decision (and reasons)."),
    ],
    model: Annotated[
        str | None, typer.Option(help="Model tag (default: latest credit_scoring).")
    ] = None,
    reasons: Annotated[
        bool, typer.Option("--reasons", help="Add each row's principal reasons (notices).")
    ] = False,
    language: Annotated[Language, typer.Option(help="Language of the reasons.")] = Language.en,
    currency: Annotated[str, typer.Option(help="Shown after amounts in the reasons.")] = "€",
) -> None:
    """Score a file of applications with the stored ONNX model (same path as the API)."""
    import pandas as pd

    from scoring.features import build_batch
    from scoring.model.scorer import CreditModel, ModelLoadError
    from scoring.schema import APPLICATION_TEST, HISTORY_NAMES
    from training.data import load_dataset, load_table
    from training.notices import reason_columns

    try:
        scorer = CreditModel.from_store(model)
        frames = load_dataset(input_file.parent, HISTORY_NAMES)
        frames["application_test"] = load_table(input_file, APPLICATION_TEST)
    except (ModelLoadError, SchemaError, FileNotFoundError) as error:
        fail(str(error))
    matrix = build_batch(frames, "application_test")
    scores = scorer.score_matrix(matrix)
    if reasons:
        notices = reason_columns(
            scorer, matrix, scores["decision"].to_numpy(), language.value, currency
        )
        scores = pd.concat([scores, notices], axis=1)
    output.parent.mkdir(parents=True, exist_ok=True)
    scores.to_csv(output, index=False)
    refused = (scores["decision"] == "refused").mean()
    console.print(
        f"Scored {len(scores):,} applications with {scorer.tag} → {output} "
        f"({refused:.1%} refused at threshold {scorer.threshold:.3f})"
    )


def _costs(cost_matrix, false_grant: float, false_refusal: float):
    try:
        return cost_matrix(false_grant, false_refusal)
    except ValueError as error:
        fail(str(error))
        raise
