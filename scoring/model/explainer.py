"""TreeSHAP explanations of the served trees, in log-odds.

The explainer wraps LightGBM's own exact TreeSHAP (``pred_contrib``) over the very
booster that was exported to ONNX (thresholds and leaves aligned to float32), so the
base value plus the contributions equals the served model's log-odds. The store keeps only
that text (``model.txt``); the explainer is built from it when the model loads.

LightGBM is imported by :class:`TreeShapExplainer` alone, not by this module: it imports
scikit-learn and SciPy (about a second), which scoring without reasons never uses, and the
scorer imports :class:`Explanation` from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np

ADDITIVITY_TOLERANCE = 1e-5


class AdditivityError(RuntimeError):
    """Base value + contributions do not add up to the served model's log-odds."""


@dataclass(frozen=True)
class Explanation:
    """SHAP values in log-odds: ``base_value + contributions.sum(axis=1)`` = logit(p)."""

    base_value: float
    contributions: np.ndarray


class TreeShapExplainer:
    """Exact TreeSHAP of a LightGBM model given as its text dump."""

    def __init__(self, model_text: str) -> None:
        """ValueError if LightGBM cannot read ``model_text``."""
        import lightgbm as lgb  # start-up time of `python -m training score`: see the module

        self.model_text = model_text
        try:
            self._booster = lgb.Booster(model_str=model_text)
        except lgb.basic.LightGBMError as error:
            raise ValueError(str(error)) from error

    def explain(self, values: np.ndarray) -> Explanation:
        """Contributions of each feature for each row (float64 input of model precision)."""
        # A dense input gives a dense array (sparse matrices only come from sparse inputs).
        raw = cast(
            np.ndarray,
            self._booster.predict(
                np.atleast_2d(values), pred_contrib=True, num_threads=1, validate_features=False
            ),
        )
        return Explanation(float(raw[0, -1]), raw[:, :-1])

    def raw_scores(self, values: np.ndarray) -> np.ndarray:
        """LightGBM's own log-odds of each row: what the ONNX export must reproduce."""
        scores = self._booster.predict(
            np.atleast_2d(values), raw_score=True, num_threads=1, validate_features=False
        )
        return np.asarray(scores, dtype=np.float64)


def logit(probabilities: np.ndarray) -> np.ndarray:
    """Log-odds of probabilities (float64)."""
    p = np.asarray(probabilities, dtype=np.float64)
    return np.log(p) - np.log1p(-p)


def check_additivity(
    explanation: Explanation, probabilities: np.ndarray, tolerance: float = ADDITIVITY_TOLERANCE
) -> float:
    """Largest |base + Σ contributions − logit(p)|; raises above ``tolerance``."""
    total = explanation.base_value + explanation.contributions.sum(axis=1)
    worst = float(np.max(np.abs(total - logit(probabilities)))) if len(total) else 0.0
    if not worst <= tolerance:
        raise AdditivityError(
            f"TreeSHAP base value + contributions differ from the ONNX log-odds by up to "
            f"{worst:.3g} (tolerance {tolerance:g}); the explainer does not explain the "
            "served model and was not saved"
        )
    return worst
