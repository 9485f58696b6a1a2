"""The baseline model and every in-process benchmark take the workspace model's columns.

The model takes only the features training selected, in the order of its store entry's
``features.json``; the baseline classifier, the booster, the raw ONNX graph and shap are fed
``rows[:, model_columns(ws)]``, so these positions must name exactly those features.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from benchmarks.baseline.model import model_columns, model_features, store_path
from benchmarks.common import Workspace
from scoring.features import FEATURE_NAMES

CHOSEN = [FEATURE_NAMES[10], FEATURE_NAMES[3], FEATURE_NAMES[-1]]  # not in catalogue order


def _workspace(tmp_path: Path) -> Workspace:
    """A workspace whose store entry holds only ``features.json``."""
    ws = Workspace(1, tmp_path / "data", tmp_path / "bentoml", "credit_scoring:v1")
    entry = store_path(ws)
    entry.mkdir(parents=True)
    features = [{"name": name, "label_en": name, "label_fr": name} for name in CHOSEN]
    (entry / "features.json").write_text(json.dumps(features))
    return ws


def test_model_features_keep_the_entry_order(tmp_path: Path) -> None:
    assert model_features(_workspace(tmp_path)) == CHOSEN


def test_model_columns_select_those_features_from_catalogue_rows(tmp_path: Path) -> None:
    rows = np.arange(2 * len(FEATURE_NAMES), dtype=float).reshape(2, -1)
    columns = model_columns(_workspace(tmp_path))
    assert columns.tolist() == [10, 3, len(FEATURE_NAMES) - 1]
    assert [FEATURE_NAMES[i] for i in columns] == CHOSEN
    np.testing.assert_array_equal(rows[:, columns], rows[:, [10, 3, len(FEATURE_NAMES) - 1]])
