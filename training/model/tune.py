"""Optional hyper-parameter search with Optuna, within a time budget.

The defaults in :mod:`training.model.fit` came from this search on the default data;
``train --tune-minutes N`` reruns it on the data at hand. The objective is the
cross-validated ROC AUC with early stopping. The TPE sampler is seeded, but the trials
that fit in the budget depend on the machine's speed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

import optuna
import pandas as pd
from sklearn.metrics import roc_auc_score

from scoring.features import FEATURE_NAMES, build_batch
from scoring.model.contract import as_model_input
from training.model.fit import cross_validate

TUNING_FOLDS = 3
logger = logging.getLogger(__name__)
# Told of each finished trial: its number, parameters and cross-validated AUC.
TrialRecorder = Callable[[int, dict[str, Any], float], None]


def search_space(trial: optuna.Trial) -> dict[str, Any]:
    """The parameters worth searching for this data; the rest stay at their defaults."""
    return {
        "num_leaves": trial.suggest_int("num_leaves", 8, 64, log=True),
        "min_child_samples": trial.suggest_int("min_child_samples", 20, 400, log=True),
        "feature_fraction": trial.suggest_float("feature_fraction", 0.1, 0.6),
        "lambda_l2": trial.suggest_float("lambda_l2", 0.1, 100.0, log=True),
        "bagging_fraction": trial.suggest_float("bagging_fraction", 0.5, 1.0),
    }


def tune(
    frames: Mapping[str, pd.DataFrame],
    minutes: float,
    seed: int = 0,
    record: TrialRecorder | None = None,
) -> dict[str, Any]:
    """Best parameters found within ``minutes`` (cross-validated AUC); ``record`` keeps each
    trial (the training run logs them to MLflow as its child runs)."""
    values = as_model_input(build_batch(frames).values)
    target = frames["application_train"]["TARGET"].to_numpy()
    names = list(FEATURE_NAMES)

    def objective(trial: optuna.Trial) -> float:
        params = search_space(trial)
        cv = cross_validate(values, target, params, TUNING_FOLDS, seed, names)
        auc = float(roc_auc_score(target, cv.oof))
        if record is not None:
            record(trial.number, params, auc)
        return auc

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(objective, timeout=minutes * 60, show_progress_bar=False)
    logger.info(
        "tuning: %d trials, best CV AUC %.4f with %s",
        len(study.trials),
        study.best_value,
        study.best_params,
    )
    return dict(study.best_params)
