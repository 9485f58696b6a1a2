"""The baseline's model: a pickled scikit-learn ``LGBMClassifier`` equal to the workspace model.

Public implementations of this product train ``LGBMClassifier`` and pickle it. To compare
serving habits rather than models, this one is fitted on the very rows, features,
hyper-parameters, seed and number of trees the workspace model was (read from its model
card), so both give the same probabilities; only the way they are served differs.
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
from sklearn.model_selection import train_test_split

from benchmarks.common import SEED, Workspace
from scoring.features import FEATURE_NAMES, build_batch
from scoring.model.contract import as_model_input
from training.data import load_dataset
from training.model.pipeline import TrainingConfig

CARD_FILE = "model_card.json"
REFERENCE_FILE = "reference.json"


def store_path(workspace: Workspace) -> Path:
    """Directory of the workspace model's store entry (read without importing BentoML)."""
    name, version = workspace.model_tag.split(":")
    return workspace.bentoml_home / "models" / name / version


def model_card(workspace: Workspace) -> dict[str, Any]:
    """The workspace model's card: its hyper-parameters, rounds and threshold."""
    return json.loads((store_path(workspace) / CARD_FILE).read_text())


def pickle_path(workspace: Workspace) -> Path:
    """Where the baseline pickle of this workspace model lives (beside the workspace data)."""
    version = workspace.model_tag.split(":")[1]
    return workspace.data.parent / "baseline" / f"lgbm_classifier_{version}.pkl"


def training_rows(workspace: Workspace) -> tuple[pd.DataFrame, np.ndarray]:
    """Features and target of the rows the workspace model was refitted on.

    The split repeats :func:`training.model.pipeline.train_model`'s, with the default
    holdout share and the seed the workspace trains with.
    """
    frames = load_dataset(workspace.data)
    values = as_model_input(build_batch(frames).values)
    target = frames["application_train"]["TARGET"].to_numpy()
    train, _ = train_test_split(
        np.arange(len(target)),
        test_size=TrainingConfig().holdout_share,
        stratify=target,
        random_state=SEED,
    )
    return pd.DataFrame(values[train], columns=list(FEATURE_NAMES)), target[train]


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
    threshold, a model name for responses, and the reference statistics the reasons use.
    """
    path = pickle_path(workspace)
    if not path.exists():
        write_atomic(path, pickle.dumps(fit(workspace)))
    settings = {
        "threshold": float(model_card(workspace)["threshold"]["threshold"]),
        "model": f"baseline-lgbm-classifier:{workspace.model_tag.split(':')[1]}",
        "reference": str(store_path(workspace) / REFERENCE_FILE),
    }
    write_atomic(path.with_suffix(".json"), (json.dumps(settings, indent=1) + "\n").encode())
    return path


def write_atomic(path: Path, content: bytes) -> None:
    """Write through a file of this process's own, then rename: two benchmarks preparing
    at once, or a server starting meanwhile, never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    staging.write_bytes(content)
    staging.replace(path)
