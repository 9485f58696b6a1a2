"""What the model recommends: grant below the threshold, refuse at or above it, and leave the
applications within the review band around it to a person.

The band is a deployment setting (``CREDIT_REVIEW_BAND``, in probability points): scores that
close to the threshold are where the business cost of either answer is nearly the same and
the model's error is largest, so a person decides (EU AI Act Art. 14, human oversight).
Model-free: the scorer, the service and the dashboard share these words.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

GRANTED, REFUSED, REVIEW = "granted", "refused", "review"
Recommendation = Literal["granted", "refused", "review"]
FinalDecision = Literal["granted", "refused"]
# Why a score was asked: recorded with every scoring call, never as a decision.
Purpose = Literal["application", "what-if", "view"]
PURPOSES: tuple[Purpose, ...] = ("application", "what-if", "view")


def recommend(probabilities: np.ndarray, threshold: float, band: float) -> np.ndarray:
    """granted, refused or review for each probability (review: within ``band`` of the
    threshold, either side, bounds included)."""
    scores = np.asarray(probabilities, dtype=float)
    answers = np.where(scores >= threshold, REFUSED, GRANTED).astype(object)
    answers[np.abs(scores - threshold) <= band] = REVIEW
    return answers


def needs_reason(recommendation: str, final_decision: str) -> bool:
    """A person must say why when they depart from the model, or when the model left it to them."""
    return recommendation == REVIEW or final_decision != recommendation
