"""A batch's scores held column-wise (scoring/serving/scored.py): written as the very bytes of
the response models, and laid out as a table for a scored file."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.explain.reasons import Reason
from scoring.serving.scored import ScoredBatch

TEXT = "External credit scores — score 3: 0.21. This raises the risk."
REASON = Reason("external_scores.raises", "external_scores", "raises", TEXT, "0.21", 0.4)


def _scored(reasons: bool) -> ScoredBatch:
    probabilities = np.array([0.0123, 0.5, 0.071234567], dtype=np.float32).astype(np.float64)
    return ScoredBatch(
        client_ids=[900001, None, 7],
        probabilities=probabilities,
        points=[728, 600, 649],
        grades=["A", "E", "C"],
        grade_rates=[0.01, None, 0.08],
        recommendations=["granted", "refused", "review"],
        request_ids=["a" * 32, "b" * 32, "c" * 32],
        reasons=[[REASON], [], [REASON, REASON]] if reasons else None,
        model="credit_scoring:abc",
        threshold=0.0725,
        review_band=0.02,
        purpose="application",
    )


@pytest.mark.parametrize("reasons", [False, True])
def test_the_json_is_the_response_models_own(reasons: bool) -> None:
    scored = _scored(reasons)
    assert scored.to_json() == scored.to_model().model_dump_json().encode()


def test_the_table_has_a_result_per_row_and_the_reasons_columns() -> None:
    frame = _scored(True).to_frame()
    assert list(frame.columns[:10]) == [
        "SK_ID_CURR", "probability", "points", "grade", "grade_default_rate", "recommendation",
        "threshold", "review_band", "model", "request_id",
    ]  # fmt: skip
    assert list(frame.columns[10:12]) == ["reason_1_code", "reason_1_text"]
    assert frame["reason_2_code"].tolist() == ["", "", "external_scores.raises"]
    assert frame["SK_ID_CURR"].isna().tolist() == [False, True, False]
    assert frame["probability"].tolist() == _scored(True).probabilities.tolist()
    assert "reason_1_code" not in _scored(False).to_frame()
