"""Which features the model uses: a lender's exclusions first, then what carries signal.

Policy comes before statistics. A protected characteristic (gender) is never a model input,
whatever it predicts: credit may not be granted or refused on it. (Leaving out the hour and
weekday of the application and the "social circle" counts as well was measured: it cost about
0.008 of holdout AUC on the real sample, more than the issue's 0.003 allows, so they stay.)

Among the rest, a quick screening model (the training parameters and the declared monotone
directions, a higher learning rate, a fixed number of rounds, on the training split only)
ranks the features by gain. Features with no gain carry no signal; of two near-duplicates
(rank correlation of 0.98 or more over a sample's rows where both are known, so that two
features missing for the same clients are not taken for twins), the one with less gain
goes; at most :data:`MAX_FEATURES` stay. Fewer inputs make every explanation shorter and
training faster.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import lightgbm as lgb
import numpy as np
from scipy.stats import rankdata

from scoring.features.directions import direction_of
from training.model.fit import booster_params

MAX_FEATURES = 200
DUPLICATE_CORRELATION = 0.98
SCREENING_ROUNDS = 300
SCREENING_LEARNING_RATE = 0.1
CORRELATION_ROWS = 5_000
MIN_SHARED_ROWS = 500  # rows where both are known, below which no twin is declared
EXCLUDED: dict[str, str] = {  # full-match pattern -> why no model may use it
    r"CODE_GENDER": "a protected characteristic",
}


@dataclass(frozen=True)
class Selection:
    """The model's features (positions in the catalogue) and why each other one was left out."""

    columns: tuple[int, ...]
    dropped: Mapping[str, str] = field(default_factory=dict)  # feature -> reason

    def summary(self) -> dict[str, int]:
        """How many features each reason removed, for the model card."""
        counts: dict[str, int] = {}
        for reason in self.dropped.values():
            counts[reason] = counts.get(reason, 0) + 1
        return counts


def excluded_reason(name: str) -> str | None:
    """Why ``name`` may never be a model input, or None."""
    return next((why for p, why in EXCLUDED.items() if re.fullmatch(p, name)), None)


def monotone_constraints(names: Sequence[str]) -> list[int]:
    """LightGBM's ``monotone_constraints`` for these features, in order."""
    return [direction_of(name) for name in names]


def select_features(
    values: np.ndarray,
    target: np.ndarray,
    names: Sequence[str],
    params: Mapping[str, Any],
    seed: int,
    limit: int = MAX_FEATURES,
) -> Selection:
    """The features to train on, from the training split only (see the module docstring)."""
    dropped: dict[str, str] = {}
    allowed = []
    for i, name in enumerate(names):
        reason = excluded_reason(name)
        if reason is None:
            allowed.append(i)
        else:
            dropped[name] = f"excluded: {reason}"
    gain = _screening_gain(values[:, allowed], target, [names[i] for i in allowed], params, seed)
    ranked = [allowed[k] for k in np.argsort(-gain, kind="stable")]
    for k in np.flatnonzero(gain == 0):
        dropped[names[allowed[k]]] = "no signal (zero gain)"
    ranked = [i for i in ranked if names[i] not in dropped]
    kept = _without_duplicates(values, ranked, names, dropped, seed)
    for i in kept[limit:]:
        dropped[names[i]] = f"beyond the {limit} strongest"
    return Selection(tuple(sorted(kept[:limit])), dropped)


def _screening_gain(
    values: np.ndarray, target: np.ndarray, names: list[str], params: Mapping[str, Any], seed: int
) -> np.ndarray:
    settings = booster_params(
        {
            **params,
            "learning_rate": SCREENING_LEARNING_RATE,
            "monotone_constraints": monotone_constraints(names),
        },
        seed,
    )
    data = lgb.Dataset(values, target, feature_name=names, free_raw_data=False)
    booster = lgb.train(settings, data, num_boost_round=SCREENING_ROUNDS)
    return booster.feature_importance("gain")


def _without_duplicates(
    values: np.ndarray, ranked: list[int], names: Sequence[str], dropped: dict[str, str], seed: int
) -> list[int]:
    """``ranked`` (strongest first) without a feature that repeats a stronger one."""
    rows = np.random.default_rng(seed).choice(
        len(values), min(CORRELATION_ROWS, len(values)), replace=False
    )
    ranks = np.column_stack([_ranks(values[rows, i]) for i in ranked])
    kept: list[int] = []
    kept_ranks: list[np.ndarray] = []
    for k, i in enumerate(ranked):
        column = ranks[:, k]
        twin = next(
            (j for j, other in zip(kept, kept_ranks, strict=True) if _similar(column, other)),
            None,
        )
        if twin is None:
            kept.append(i)
            kept_ranks.append(column)
        else:
            dropped[names[i]] = f"near-duplicate of {names[twin]}"
    return kept


def _ranks(column: np.ndarray) -> np.ndarray:
    """Average ranks of the known values; unknown values stay NaN."""
    ranks = np.full(len(column), np.nan)
    known = ~np.isnan(column)
    ranks[known] = rankdata(column[known], method="average")
    return ranks


def _similar(a: np.ndarray, b: np.ndarray) -> bool:
    """Rank correlation over the rows where both are known, if there are enough of them."""
    both = ~(np.isnan(a) | np.isnan(b))
    if both.sum() < MIN_SHARED_ROWS:
        return False
    a, b = a[both], b[both]
    if a.std() == 0 or b.std() == 0:
        return False
    return abs(float(np.corrcoef(a, b)[0, 1])) >= DUPLICATE_CORRELATION
