"""The baseline's model: a pickled scikit-learn ``LGBMClassifier`` equal to the workspace model.

Public implementations of this product train ``LGBMClassifier`` and pickle it. To compare
serving habits rather than models, this one is fitted on the very rows, features,
hyper-parameters (monotone constraints included), seed and number of trees the workspace
model was (read from its store entry: ``features.json`` and the model card), so both give
the same probabilities; only the way they are served differs.

The model takes only the features training selected (:func:`model_columns`), in the order
of ``features.json``; every benchmark feeds whole-catalogue rows to ``CreditModel`` and
these columns to the booster, the raw ONNX session, the classifier and shap.
"""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from lightgbm import LGBMClassifier

from benchmarks.common import SEED, Workspace
from scoring.features import FEATURE_NAMES, build_batch
from scoring.model.contract import as_model_input
from training.data import load_dataset
from training.model.pipeline import TrainingConfig

CARD_FILE = "model_card.json"
REFERENCE_FILE = "reference.json"
FEATURES_FILE = "features.json"


def store_path(workspace: Workspace) -> Path:
    """Directory of the workspace model's store entry (read without importing BentoML)."""
    name, version = workspace.model_tag.split(":")
    return workspace.bentoml_home / "models" / name / version


def model_card(workspace: Workspace) -> dict[str, Any]:
    """The workspace model's card: its hyper-parameters, rounds and threshold."""
    return json.loads((store_path(workspace) / CARD_FILE).read_text())


def model_features(workspace: Workspace) -> list[str]:
    """Names of the features the workspace model takes, in its input order."""
    return [f["name"] for f in json.loads((store_path(workspace) / FEATURES_FILE).read_text())]


def model_columns(workspace: Workspace) -> np.ndarray:
    """The workspace model's inputs as positions in the feature catalogue (``FEATURE_NAMES``):
    ``rows[:, model_columns(ws)]`` is what the booster, ONNX session and classifier take."""
    position = {name: i for i, name in enumerate(FEATURE_NAMES)}
    return np.array([position[name] for name in model_features(workspace)], dtype=np.intp)


def pickle_path(workspace: Workspace) -> Path:
    """Where the baseline pickle of this workspace model lives (beside the workspace data)."""
    version = workspace.model_tag.split(":")[1]
    return workspace.data.parent / "baseline" / f"lgbm_classifier_{version}.pkl"


def training_rows(workspace: Workspace) -> tuple[pd.DataFrame, np.ndarray]:
    """The model's features and the target of the rows the workspace model was refitted on.

    The split repeats :func:`training.model.pipeline.train_model`'s default holdout rule.
    """
    frames = load_dataset(workspace.data)
    values = as_model_input(build_batch(frames).values)
    target = frames["application_train"]["TARGET"].to_numpy()
    train, _ = TrainingConfig().holdout.split(frames["application_train"]["SK_ID_CURR"])
    columns = model_columns(workspace)
    features = values[np.ix_(train, columns)]
    return pd.DataFrame(features, columns=model_features(workspace)), target[train]


def fit(workspace: Workspace, n_estimators: int | None = None) -> LGBMClassifier:
    """``LGBMClassifier`` with the workspace model's parameters (and its rounds by default)."""
    card = model_card(workspace)["model"]
    rounds = n_estimators or int(card["cv_best_rounds"])
    features, target = training_rows(workspace)
    classifier = LGBMClassifier(n_estimators=rounds, seed=SEED, **card["params"])
    return classifier.fit(features, target)


def prepare(workspace: Workspace) -> Path:
    """The pickle of the baseline model, fitted once and reused; returns its path.

    Beside it, ``<name>.json`` gives the app what the pickle lacks: the workspace model's
    threshold, a model name for responses, the reference statistics the reasons use, and
    the model's columns (positions in the catalogue the app's features follow).
    """
    path = pickle_path(workspace)
    if not path.exists() or not _fitted_on(path, model_features(workspace)):
        write_atomic(path, pickle.dumps(fit(workspace)))
    settings = {
        "threshold": float(model_card(workspace)["threshold"]["threshold"]),
        "model": f"baseline-lgbm-classifier:{workspace.model_tag.split(':')[1]}",
        "reference": str(store_path(workspace) / REFERENCE_FILE),
        "columns": model_columns(workspace).tolist(),
    }
    write_atomic(path.with_suffix(".json"), (json.dumps(settings, indent=1) + "\n").encode())
    return path


def _fitted_on(path: Path, features: list[str]) -> bool:
    """Whether the pickle at ``path`` takes exactly ``features`` (a pickle left by an older
    benchmark fitted on another feature set is fitted again)."""
    return list(pickle.loads(path.read_bytes()).feature_name_) == features


def write_atomic(path: Path, content: bytes) -> None:
    """Write through a file of this process's own, then rename: two benchmarks preparing
    at once, or a server starting meanwhile, never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    staging.write_bytes(content)
    staging.replace(path)
