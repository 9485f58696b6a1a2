"""Does the generated data behave like the real data for a model?

Two checks, both with a quick LightGBM (not the product model): the AUC a model reaches
on generated data with all features and with application features only (history must
add signal of its own), and faithfulness, the AUC on *real* applicants of a model
trained on generated ones, next to a model trained on the real rows themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from scoring.features import FEATURES, build_batch

QUICK_MODEL = {
    "n_estimators": 400,
    "learning_rate": 0.03,
    "num_leaves": 15,
    "min_child_samples": 50,
    "colsample_bytree": 0.4,
    "subsample": 0.8,
    "subsample_freq": 1,
    "reg_lambda": 1.0,
    "verbose": -1,
}
APPLICATION_FEATURES = np.array([f.source.startswith("application") for f in FEATURES])


@dataclass(frozen=True)
class SignalReport:
    """Cross-validated AUCs on generated data."""

    auc_all_features: float
    auc_application_only: float


@dataclass(frozen=True)
class FaithfulnessReport:
    """AUC on real applicants: trained on generated rows vs on the real rows (CV)."""

    auc_trained_on_generated: float
    auc_trained_on_real_cv: float
    real_rows: int


def cv_auc(values: np.ndarray, target: np.ndarray, folds: int = 5, seed: int = 0) -> float:
    """Out-of-fold ROC AUC of the quick model."""
    oof = np.zeros(len(target))
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for train, valid in splitter.split(values, target):
        model = lgb.LGBMClassifier(**QUICK_MODEL, random_state=seed)
        model.fit(values[train], target[train])
        oof[valid] = model.predict_proba(values[valid])[:, 1]
    return float(roc_auc_score(target, oof))


def signal(frames: Mapping[str, pd.DataFrame], folds: int = 5) -> SignalReport:
    """AUC with every feature and with the application's alone."""
    matrix = build_batch(frames)
    target = frames["application_train"]["TARGET"].to_numpy()
    return SignalReport(
        cv_auc(matrix.values, target, folds),
        cv_auc(matrix.values[:, APPLICATION_FEATURES], target, folds),
    )


def faithfulness(
    generated: Mapping[str, pd.DataFrame], real_applications: pd.DataFrame
) -> FaithfulnessReport:
    """Train on generated applications, score real ones (application features only)."""
    train = build_batch({"application_train": generated["application_train"]})
    real = build_batch({"application_train": real_applications})
    target = real_applications["TARGET"].to_numpy()
    model = lgb.LGBMClassifier(**QUICK_MODEL, random_state=0)
    model.fit(
        train.values[:, APPLICATION_FEATURES], generated["application_train"]["TARGET"].to_numpy()
    )
    scores = model.predict_proba(real.values[:, APPLICATION_FEATURES])[:, 1]
    return FaithfulnessReport(
        float(roc_auc_score(target, scores)),
        cv_auc(real.values[:, APPLICATION_FEATURES], target),
        len(real_applications),
    )
