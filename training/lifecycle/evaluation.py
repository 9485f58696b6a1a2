"""One stored model measured on the shared holdout: everything the promotion gate compares.

Both the champion and the candidate are loaded as the service loads them
(:class:`~scoring.model.scorer.CreditModel`) and scored on the same rows: the clients the
holdout rule (:mod:`training.model.split`) keeps out of every model's training.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from scoring.features import FEATURE_NAMES, build_batch
from scoring.features.directions import direction_of
from scoring.model import store
from scoring.model.contract import as_model_input
from scoring.model.explainer import check_additivity
from scoring.model.scorer import CreditModel, ModelLoadError
from training.model.evaluate import (
    age_band,
    calibration_table,
    classification_metrics,
    ece,
    fairness_table,
)
from training.model.split import HoldoutRule
from training.model.threshold import CostMatrix

MIN_HOLDOUT_ROWS = 200
MONOTONE_ROWS = 256  # rows whose single feature is moved along its range
MONOTONE_POINTS = (1, 5, 10, 25, 50, 75, 90, 95, 99)  # reference percentiles visited
MONOTONE_TOLERANCE = 1e-7  # float32 sums of leaves; a real violation is far larger


class EvaluationError(ValueError):
    """The evaluation data cannot judge the models (too few rows, a single class)."""


@dataclass(frozen=True)
class Holdout:
    """The shared holdout: model features of the held-out clients, outcome and groups."""

    values: np.ndarray  # whole feature catalogue, one row per held-out client
    target: np.ndarray
    groups: Mapping[str, np.ndarray]  # grouping -> group of each row (fairness)


@dataclass(frozen=True)
class Evaluation:
    """A model's figures on the shared holdout, and its own integrity checks."""

    tag: str
    probabilities: np.ndarray
    threshold: float
    metrics: dict[str, Any]
    calibration: list[dict[str, Any]]
    ece: float
    fairness: list[dict[str, Any]]
    parity: float  # largest |ONNX − LightGBM| probability
    additivity: float  # largest |base + Σ contributions − log-odds|
    self_check: float  # largest |Δp| on the entry's own parity sample
    monotone_violations: dict[str, float]  # feature -> largest move against its direction
    holdout_rule: dict[str, Any] | None  # as the model's card recorded it

    def lowest_disparate_impact(self) -> dict[str, float]:
        """Per grouping, the approval-rate ratio of its least-approved group."""
        lowest: dict[str, float] = {}
        for row in self.fairness:
            ratio = row["disparate_impact"]
            if ratio is not None:
                lowest[row["grouping"]] = min(lowest.get(row["grouping"], 1.0), ratio)
        return lowest


def holdout_of(frames: Mapping[str, pd.DataFrame], rule: HoldoutRule) -> Holdout:
    """The held-out clients of ``frames`` under ``rule``, with their features."""
    applications = frames["application_train"]
    _, rows = rule.split(applications["SK_ID_CURR"])
    target = applications["TARGET"].to_numpy()[rows]
    if len(rows) < MIN_HOLDOUT_ROWS or len(np.unique(target)) < 2:
        raise EvaluationError(
            f"the data hold {len(rows)} held-out clients with outcomes "
            f"{sorted(set(target.tolist()))}; the gate needs at least {MIN_HOLDOUT_ROWS}, "
            "defaults and repayments both (point --data to the full training data)"
        )
    values = build_batch(frames).values[rows]
    groups = {
        "gender": applications["CODE_GENDER"].astype(str).to_numpy()[rows],
        "age_band": age_band(applications["DAYS_BIRTH"].to_numpy()[rows]),
    }
    return Holdout(values, target, groups)


def evaluate(model: CreditModel, holdout: Holdout, costs: CostMatrix) -> Evaluation:
    """Every figure and check of ``model`` on ``holdout``."""
    probabilities = model.predict_proba(holdout.values)
    y = holdout.target
    explanation = model.explain(holdout.values)
    card = store.read_json(model.root / store.CARD_FILE)
    return Evaluation(
        tag=model.tag,
        probabilities=probabilities,
        threshold=model.threshold,
        metrics=classification_metrics(y, probabilities, model.threshold, costs),
        calibration=calibration_table(y, probabilities),
        ece=ece(y, probabilities),
        fairness=fairness_table(y, probabilities, model.threshold, costs, holdout.groups),
        parity=_parity(model, holdout.values, probabilities),
        additivity=check_additivity(explanation, probabilities, tolerance=np.inf),
        self_check=_self_check(model),
        monotone_violations=monotone_violations(model, holdout.values),
        holdout_rule=card.get("data", {}).get("holdout_rule"),
    )


def monotone_violations(model: CreditModel, values: np.ndarray) -> dict[str, float]:
    """Features whose declared direction the model breaks, with the largest such move.

    Each constrained feature of the model is set, on a sample of real rows, to a range of
    its reference percentiles: the probability must never move against the direction
    the explanations promise (a higher external score never raises the risk).
    """
    reference = store.read_json(model.root / store.REFERENCE_FILE)["features"]
    rows = values[: min(MONOTONE_ROWS, len(values))]
    violations: dict[str, float] = {}
    for column in model.columns:
        name = FEATURE_NAMES[column]
        direction = direction_of(name)
        percentiles = reference.get(name, {}).get("percentiles")
        if direction == 0 or not percentiles:
            continue
        grid = np.unique(np.asarray(percentiles)[list(MONOTONE_POINTS)])
        if len(grid) < 2:
            continue
        moved = np.repeat(rows, len(grid), axis=0)
        moved[:, column] = np.tile(grid, len(rows))
        curve = model.predict_proba(moved).reshape(len(rows), len(grid))
        against = -direction * np.diff(curve, axis=1)  # positive: moved the wrong way
        worst = float(against.max())
        if worst > MONOTONE_TOLERANCE:
            violations[name] = worst
    return violations


def _self_check(model: CreditModel) -> float:
    """The entry's self-check figure; infinite when it fails or its sample is damaged."""
    try:
        return model.self_check()
    except ModelLoadError:
        return float("inf")


def _parity(model: CreditModel, values: np.ndarray, probabilities: np.ndarray) -> float:
    """Largest gap between the ONNX probabilities and LightGBM's own, on the same rows."""
    raw = model.explainer.raw_scores(as_model_input(values[:, model.columns]))
    return float(np.max(np.abs(1.0 / (1.0 + np.exp(-raw)) - probabilities)))
