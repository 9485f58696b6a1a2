"""What one training run records: its figures as the model card's content, and where its
data came from (the fingerprint), so a reviewer can tell what a model was trained on."""

from __future__ import annotations

import hashlib
import platform
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

import lightgbm as lgb
import numpy as np
import pandas as pd

from scoring.features import FEATURES, FeatureInfo
from scoring.features.directions import direction_of
from scoring.model.explainer import ADDITIVITY_TOLERANCE
from scoring.scale import PointsScale
from training.model.evaluate import (
    age_band,
    calibration_table,
    classification_metrics,
    ece,
    fairness_table,
)
from training.model.fit import CrossValidation
from training.model.grades import scale_section
from training.model.onnx_export import PARITY_TOLERANCE
from training.model.selection import Selection
from training.model.threshold import ThresholdChoice
from training.provenance import MODEL_SOURCES, source_digest

if TYPE_CHECKING:
    from training.model.pipeline import TrainingConfig

LIBRARIES = ("lightgbm", "onnxruntime", "onnxmltools", "onnx", "numpy", "pandas", "bentoml")
KNOWN_LIMITS = (
    "Trained on {source} data; on synthetic data the figures describe the generator's "
    "world, calibrated on 5,000 real applications, not the lender's portfolio.",
    "Probabilities are calibrated on the training population; a change in the applicant "
    "mix (product, channel, economic cycle) requires monitoring with the reference "
    "statistics stored with the model, and recalibration.",
    "Fairness is reported for gender and age bands only; other protected attributes are "
    "not in the data and cannot be checked.",
    "The threshold minimises an assumed 10:1 cost of a granted default vs a refused good "
    "client; it must be revisited when the real costs differ.",
    "Applicants without any credit history get their history features as missing; their "
    "scores rest on the application alone and are less accurate.",
)


@dataclass(frozen=True, kw_only=True)
class TrainingRun:
    """What one training run produced, for the card."""

    config: TrainingConfig
    frames: Mapping[str, pd.DataFrame]
    cv: CrossValidation
    choice: ThresholdChoice
    booster: lgb.Booster
    target: np.ndarray
    train: np.ndarray
    holdout: np.ndarray
    p_holdout: np.ndarray
    parity: float
    additivity: float
    importance: list[tuple[int, float]]  # (position in ``features``, mean |SHAP|)
    params: dict[str, Any]
    group_importance: dict[str, float]  # group code -> share of the model's weight
    features: tuple[FeatureInfo, ...]  # the model's inputs, in order
    selection: Selection


def card_content(run: TrainingRun) -> dict[str, Any]:
    """Every figure of the run, JSON-ready: the model card's content."""
    config, frames, cv, choice = run.config, run.frames, run.cv, run.choice
    target, train, holdout, p_holdout = run.target, run.train, run.holdout, run.p_holdout
    applications = frames["application_train"]
    threshold = choice.threshold
    groups = {
        "gender": applications["CODE_GENDER"].astype(str).to_numpy()[holdout],
        "age_band": age_band(applications["DAYS_BIRTH"].to_numpy()[holdout]),
    }
    features = run.features
    by_source: dict[str, int] = {}
    for feature in features:
        by_source[feature.source] = by_source.get(feature.source, 0) + 1
    return {
        "model": {
            "name": config.name,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "data_source": config.data_source,
            "stage": config.stage,
            "algorithm": "LightGBM gradient-boosted trees, exported to ONNX",
            "n_trees": run.booster.num_trees(),
            "n_features": len(features),
            "params": {k: v for k, v in run.params.items() if k != "num_threads"},
            "cv_best_rounds": cv.best_rounds,
            "cv_fold_auc": list(cv.fold_auc),
            "code_digest": source_digest(MODEL_SOURCES),
        },
        "data": {
            "fingerprint": fingerprint(frames),
            "directory": config.data_directory,
            "rows": {name: len(frame) for name, frame in frames.items()},
            "default_rate": float(target.mean()),
            "train_rows": len(train),
            "holdout_rows": len(holdout),
            "holdout_rule": config.holdout.to_dict(),
        },
        "features": {
            "count": len(features),
            "catalogue": len(FEATURES),
            "by_source": by_source,
            "left_out": run.selection.summary(),
            "monotone": {f.name: direction_of(f.name) for f in features if direction_of(f.name)},
        },
        "threshold": {
            **choice.to_dict(),
            "costs": config.costs.to_dict(),
            "bayes_threshold": config.costs.bayes_threshold,
            "rationale": (
                "A refusal loses one good client's margin; a granted default loses "
                f"{config.costs.false_grant / config.costs.false_refusal:g} times as much. "
                "The threshold sits where refusing one more applicant would save less, "
                "in expected defaults, than it costs in good clients turned away."
            ),
        },
        "metrics": {
            "oof": classification_metrics(target[train], cv.oof, threshold, config.costs),
            "holdout": classification_metrics(target[holdout], p_holdout, threshold, config.costs),
        },
        "calibration": {
            "oof": calibration_table(target[train], cv.oof),
            "holdout": calibration_table(target[holdout], p_holdout),
            "ece_oof": ece(target[train], cv.oof),
            "ece_holdout": ece(target[holdout], p_holdout),
        },
        "fairness": fairness_table(target[holdout], p_holdout, threshold, config.costs, groups),
        "scale": scale_section(
            PointsScale(**config.scale), target[holdout], p_holdout, target[train], cv.oof
        ),
        "parity": {
            "max_abs_diff": run.parity,
            "rows": len(holdout),
            "tolerance": PARITY_TOLERANCE,
        },
        "additivity": {
            "max_abs_error": run.additivity,
            "rows": len(holdout),
            "tolerance": ADDITIVITY_TOLERANCE,
        },
        "group_importance": run.group_importance,
        "top_features": [
            {"name": features[i].name, "label_en": features[i].label_en, "mean_abs_shap": v}
            for i, v in run.importance[:20]
        ],
        "limits": [text.format(source=config.data_source) for text in KNOWN_LIMITS],
        "versions": {"python": platform.python_version()}
        | {name: version(name) for name in LIBRARIES},
    }


def fingerprint(frames: Mapping[str, pd.DataFrame]) -> str:
    """SHA-256 over every table's name, shape and row hashes: same data, same print."""
    digest = hashlib.sha256()
    for name in sorted(frames):
        frame = frames[name]
        digest.update(f"{name}:{frame.shape}".encode())
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()
