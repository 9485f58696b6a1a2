"""Training from tables to a verified model-store entry.

Features → hold-out split by client (:mod:`training.model.split`) → feature selection
(:mod:`training.model.selection`) → stratified K-fold with early stopping, under the declared
monotone directions → cost-minimising threshold on out-of-fold scores → final refit → ONNX
with a parity check → TreeSHAP with an additivity check → metrics, calibration, fairness →
model card → one store entry. A failed check stops the run before anything is saved.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
import pandas as pd

from scoring.features import FEATURES, FeatureMatrix, build_batch
from scoring.features.groups import GROUP_INDEX, GROUPS
from scoring.model import store
from scoring.model.champion import ChampionEvent, ChampionRegistry
from scoring.model.contract import INPUT_NAME, PROBABILITIES, as_model_input
from scoring.model.explainer import Explanation, TreeShapExplainer, check_additivity
from training.model.card import CardFigures, write_card
from training.model.fit import DEFAULT_PARAMS, cross_validate
from training.model.onnx_export import align_to_float32, check_parity, to_onnx
from training.model.reference import feature_reference
from training.model.run_record import TrainingRun, card_content
from training.model.selection import (
    MAX_FEATURES,
    monotone_constraints,
    select_features,
)
from training.model.split import HoldoutRule
from training.model.threshold import CostMatrix, choose_threshold, cost_curve

PARITY_SAMPLE_ROWS = 64
IMPORTANCE_ROWS = 5_000
# LightGBM's middle way between speed and accuracy under monotone constraints ("advanced"
# took 2.5 times as long for no measurable gain on the default data).
MONOTONE_METHOD = "intermediate"
Progress = Callable[[str], None]


@dataclass(frozen=True)
class TrainingConfig:
    """What a training run is asked to do."""

    name: str = store.MODEL_NAME
    costs: CostMatrix = field(default_factory=CostMatrix)
    folds: int = 5
    holdout: HoldoutRule = field(default_factory=HoldoutRule)
    seed: int = 42
    params: Mapping[str, Any] = field(default_factory=dict)
    data_source: str = "synthetic"
    stage: str = "development"
    data_directory: str = ""
    max_features: int = MAX_FEATURES
    scale: Mapping[str, Any] = field(default_factory=dict)  # scoring.scale.PointsScale's fields


@dataclass(frozen=True)
class TrainedModel:
    """A verified model, ready to be saved, with its card."""

    artefacts: store.Artefacts
    card: dict[str, Any]
    labels: dict[str, str]
    metadata: dict[str, Any]


def train_model(
    frames: Mapping[str, pd.DataFrame],
    config: TrainingConfig,
    progress: Progress | None = None,
    feature_matrix: FeatureMatrix | None = None,
) -> TrainedModel:
    """Fit, verify and document a model; raises ParityError/AdditivityError on a bad export.

    ``feature_matrix``, when given, is the matrix of ``frames["application_train"]``, row for row,
    already built elsewhere (on a Dask cluster: :mod:`training.distributed.sample`).
    """
    step = progress or (lambda _: None)
    step("building features")
    applications = frames["application_train"]
    target = applications["TARGET"].to_numpy()
    train, holdout = config.holdout.split(applications["SK_ID_CURR"])
    matrix = build_batch(frames) if feature_matrix is None else feature_matrix
    if not np.array_equal(matrix.client_ids, applications["SK_ID_CURR"].to_numpy()):
        raise ValueError("the feature matrix does not follow the rows of application_train")
    values = as_model_input(matrix.values)
    del matrix  # the float64 matrix goes before the splits are copied, as it always did
    # One copy of each split serves every step below (the full matrix is 1.3 GB at
    # Kaggle scale and is let go here).
    all_train, all_holdout = _split(values, train, holdout)
    del values
    y_train = target[train]
    params = {**DEFAULT_PARAMS, **config.params}
    step("choosing the features")
    catalogue = [f.name for f in FEATURES]
    selection = select_features(
        all_train, y_train, catalogue, params, config.seed, config.max_features
    )
    columns = list(selection.columns)
    features = tuple(FEATURES[i] for i in columns)
    names = [f.name for f in features]
    x_train, x_holdout = all_train[:, columns], all_holdout[:, columns]
    params.update(
        monotone_constraints=monotone_constraints(names),
        monotone_constraints_method=MONOTONE_METHOD,
    )
    step(f"cross-validating ({config.folds} folds, early stopping) and refitting")
    cv = cross_validate(x_train, y_train, params, config.folds, config.seed, names, refit=True)
    choice = choose_threshold(y_train, cv.oof, config.costs)
    booster = align_to_float32(cv.final)
    step("exporting to ONNX and checking parity")
    onnx_model = to_onnx(booster, len(names)).SerializeToString()
    session = ort.InferenceSession(onnx_model, providers=["CPUExecutionProvider"])
    p_holdout = session.run([PROBABILITIES], {INPUT_NAME: x_holdout})[0][:, 1]
    parity = check_parity(booster.predict(x_holdout), p_holdout)
    step("explaining with TreeSHAP and checking additivity")
    explainer = TreeShapExplainer(booster.model_to_string())
    explanation = _explain(explainer, x_holdout)
    additivity = check_additivity(explanation, p_holdout)
    step("evaluating and writing the model card")
    importance, group_importance = _importance(explainer, x_train, columns, config.seed)
    run = TrainingRun(
        config=config,
        frames=frames,
        cv=cv,
        choice=choice,
        booster=booster,
        target=target,
        train=train,
        holdout=holdout,
        p_holdout=p_holdout,
        parity=parity,
        additivity=additivity,
        importance=importance,
        group_importance=group_importance,
        params=params,
        features=features,
        selection=selection,
    )
    card = card_content(run)
    figures = CardFigures(
        y_oof=y_train,
        p_oof=cv.oof,
        y_holdout=target[holdout],
        p_holdout=p_holdout,
        importance=[(features[i].label_en, v) for i, v in run.importance[:20]],
        cost_curve=cost_curve(y_train, cv.oof, config.costs),
        threshold=choice.threshold,
    )
    with tempfile.TemporaryDirectory(prefix="model-card-") as directory:
        write_card(card, figures, Path(directory))
        card_files = {path.name: path.read_bytes() for path in Path(directory).iterdir()}
    artefacts = store.Artefacts(
        onnx_model=onnx_model,
        model_text=booster.model_to_string(),
        features=[f.__dict__ for f in features],
        reference=feature_reference(x_train, names, cv.oof, {names[i]: v for i, v in importance}),
        card_files=card_files,
        # Whole catalogue rows: the self-check runs the served path, selection included.
        parity_values=all_holdout[:PARITY_SAMPLE_ROWS].copy(),
        parity_probabilities=p_holdout[:PARITY_SAMPLE_ROWS],
    )
    return TrainedModel(artefacts, card, _labels(config), _metadata(card))


def save_model(
    model: TrainedModel,
    name: str,
    models_dir: Path | None = None,
    tracking_run: str | None = None,
    by: str = "training",
) -> tuple[str, bool]:
    """Create the store entry (naming its MLflow run); with ``models_dir``, copy its model
    card there too. The first entry of a store becomes its champion: returns the tag and
    whether it did."""
    metadata = model.metadata | ({"mlflow_run_id": tracking_run} if tracking_run else {})
    tag = str(store.save(model.artefacts, name, model.labels, metadata))
    if models_dir is not None:
        copy_card(model.artefacts.card_files, tag, models_dir / name)
    registry = ChampionRegistry(name)
    if registry.champion() is not None:
        return tag, False
    registry.record(
        ChampionEvent("first", tag, by, "the first model of this store", tracking_run=tracking_run)
    )
    return tag, True


def copy_card(card_files: Mapping[str, bytes], tag: str, target: Path) -> None:
    """Write the card's files and its ``TAG`` into ``target``, for readers of the repository."""
    target.mkdir(parents=True, exist_ok=True)
    for name, content in card_files.items():
        (target / name).write_bytes(content)
    (target / "TAG").write_text(tag + "\n")


def _split(
    values: np.ndarray, train: np.ndarray, holdout: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The training and holdout rows, as copies; the caller keeps no full matrix alive."""
    return values[train], values[holdout]


def _explain(explainer: TreeShapExplainer, values: np.ndarray) -> Explanation:
    """The explainer's TreeSHAP of many rows, on every core.

    The explainer runs on one thread, as suits one request at a time in the service;
    here, row chunks explained side by side (LightGBM releases the GIL) give the very
    same values in half the time on two cores.
    """
    chunks = np.array_split(values, min(os.cpu_count() or 1, max(len(values), 1)))
    with ThreadPoolExecutor(len(chunks)) as pool:
        parts = list(pool.map(explainer.explain, chunks))
    contributions = np.concatenate([part.contributions for part in parts])
    return Explanation(parts[0].base_value, contributions)


def _importance(
    explainer: TreeShapExplainer, values: np.ndarray, columns: list[int], seed: int
) -> tuple[list[tuple[int, float]], dict[str, float]]:
    """Mean |SHAP| per feature on a sample of training rows, largest first, and each
    explanation group's share of the model's weight (mean |group total|, summing to 1)."""
    rng = np.random.default_rng(seed)
    rows = rng.choice(len(values), min(IMPORTANCE_ROWS, len(values)), replace=False)
    contributions = _explain(explainer, values[rows]).contributions
    mean_abs = np.abs(contributions).mean(axis=0)
    order = np.argsort(-mean_abs)
    group_of = GROUP_INDEX[columns]
    by_group = np.zeros((len(rows), len(GROUPS)))
    for k, group in enumerate(group_of):
        by_group[:, group] += contributions[:, k]
    weight = np.abs(by_group).mean(axis=0)
    shares = weight / weight.sum() if weight.sum() > 0 else weight
    groups = {GROUPS[g].code: float(shares[g]) for g in np.argsort(-shares) if shares[g] > 0}
    return [(int(i), float(mean_abs[i])) for i in order], groups


def _labels(config: TrainingConfig) -> dict[str, str]:
    return {"data_source": config.data_source, "stage": config.stage}


def _metadata(card: dict[str, Any]) -> dict[str, Any]:
    """Headline figures shown by `bentoml models get`; the full record is in the card."""
    holdout, oof = card["metrics"]["holdout"], card["metrics"]["oof"]
    return {
        "threshold": card["threshold"]["threshold"],
        "cost_false_grant": card["threshold"]["costs"]["false_grant"],
        "cost_false_refusal": card["threshold"]["costs"]["false_refusal"],
        "roc_auc_oof": oof["roc_auc"],
        "roc_auc_holdout": holdout["roc_auc"],
        "pr_auc_holdout": holdout["pr_auc"],
        "brier_holdout": holdout["brier"],
        "cost_per_application_oof": oof["cost_per_application"],
        "cost_per_application_holdout": holdout["cost_per_application"],
        "recall_holdout": holdout["recall"],
        "precision_holdout": holdout["precision"],
        "specificity_holdout": holdout["specificity"],
        "parity_max_abs_diff": card["parity"]["max_abs_diff"],
        "additivity_max_abs_error": card["additivity"]["max_abs_error"],
        "n_features": card["model"]["n_features"],
        "n_trees": card["model"]["n_trees"],
        "data_fingerprint": card["data"]["fingerprint"],
        "code_digest": card["model"]["code_digest"],
        "data_source": card["model"]["data_source"],
        "library_versions": card["versions"],
    }
