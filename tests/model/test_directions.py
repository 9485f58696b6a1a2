"""The served model follows the directions a credit expert expects: for every constrained
feature it uses, moving that feature alone never moves the risk the wrong way, for any
applicant (each individual curve, not just their average, is monotone)."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.features import FEATURE_NAMES
from scoring.features.directions import direction_of

pytestmark = pytest.mark.slow

ROWS = 200
GRID = 25


def test_constrained_features_are_monotone_in_the_served_model(credit_model, test_features):
    rows = test_features.values[:ROWS]
    used = [f["name"] for f in credit_model.features]
    constrained = [name for name in used if direction_of(name)]
    assert len(constrained) >= 10, "the declared directions reach the model"
    for name in constrained:
        column = FEATURE_NAMES.index(name)
        known = test_features.values[:, column]
        known = known[~np.isnan(known)]
        grid = np.unique(np.quantile(known, np.linspace(0, 1, GRID)))
        if len(grid) < 2:
            continue
        curves = np.empty((ROWS, len(grid)))
        for k, value in enumerate(grid):
            moved = rows.copy()
            moved[:, column] = value
            curves[:, k] = credit_model.predict_proba(moved)
        steps = np.diff(curves, axis=1) * direction_of(name)
        assert steps.min() >= -1e-12, f"{name}: the risk moves against its declared direction"


def test_the_check_sees_a_feature_that_moves_the_wrong_way(credit_model, test_features):
    """A guard that cannot fail proves nothing: a free feature does move both ways somewhere."""
    rows = test_features.values[:ROWS]
    free = [f["name"] for f in credit_model.features if not direction_of(f["name"])]
    both_ways = 0
    for name in free[:40]:
        column = FEATURE_NAMES.index(name)
        grid = np.unique(np.nanquantile(test_features.values[:, column], np.linspace(0, 1, GRID)))
        curves = np.column_stack(
            [credit_model.predict_proba(np.where(np.arange(rows.shape[1]) == column, v, rows))
             for v in grid]
        )  # fmt: skip
        steps = np.diff(curves, axis=1)
        both_ways += bool(steps.min() < -1e-9 and steps.max() > 1e-9)
    assert both_ways > 0
