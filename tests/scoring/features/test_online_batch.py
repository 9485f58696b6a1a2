"""Many API items at once give, row for row, what one call per item gives: items that share
bureau ids never share history, and a table left out stays "unknown" for its item only."""

from __future__ import annotations

import numpy as np

from scoring.features import build_online, build_online_batch
from scoring.serving.schemas import ScoringRequest
from tests.support.inputs import APPLICATION, HISTORY


def _item(application: dict, history: dict | None) -> tuple:
    """What the API hands the features: validated records linked to their application."""
    request = ScoringRequest.model_validate({"application": application, "history": history})
    return request.to_online()


def test_each_row_equals_its_single_call() -> None:
    other = {**APPLICATION, "SK_ID_CURR": 900002, "AMT_CREDIT": 250000, "DAYS_BIRTH": -20000}
    no_bureau = {"bureau": [], "bureau_balance": []}  # given empty: "no history", not unknown
    items = [
        _item(APPLICATION, HISTORY),
        _item(other, HISTORY),  # the same SK_ID_BUREAU values as the first item
        _item(other, None),  # nothing provided: every history feature unknown
        _item(APPLICATION, no_bureau),
        _item(other, HISTORY),
    ]
    batch = build_online_batch(items)
    assert batch.shape == (len(items), len(build_online(*items[0])))
    for row, (application, history) in enumerate(items):
        np.testing.assert_array_equal(batch[row], build_online(application, history))
    assert not np.array_equal(batch[2], batch[3], equal_nan=True)


def test_an_empty_batch_is_an_empty_matrix() -> None:
    assert build_online_batch([]).shape[0] == 0
