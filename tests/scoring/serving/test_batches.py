"""A /predict_batch body read as a batch (scoring/serving/batches.py): column-wise when it
can be, through the request model otherwise, with the same features and hashes either way,
and a bad value refused in the model's words, naming the row and the field."""

from __future__ import annotations

import gc
import json
from typing import Any

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from scoring.features import build_online_batch
from scoring.schema import APPLICATION_TEST
from scoring.serving.batches import (
    BatchBody,
    batch_of,
    batch_of_frame,
    collector_paused,
    read_batch,
)
from scoring.serving.digests import input_digest
from scoring.serving.schemas import BatchRequest
from scoring.validation import validate_frame
from tests.support.inputs import APPLICATION, HISTORY

ITEMS = [
    {"application": {**APPLICATION, "SK_ID_CURR": 900001 + i, "AMT_CREDIT": 100_000.0 * (i + 1)}}
    for i in range(30)
] + [{"application": {k: v for k, v in APPLICATION.items() if k != "SK_ID_CURR"}}]


def _body(items: list[dict[str, Any]], **options: Any) -> bytes:
    return json.dumps({"applications": items, **options}).encode()


def _expected(items: list[dict[str, Any]], **options: Any) -> tuple[np.ndarray, list[str]]:
    """The features and hashes of the request model's path."""
    request = BatchRequest.model_validate({"applications": items, **options})
    online = [item.to_online() for item in request.applications]
    return build_online_batch(online), [input_digest(item) for item in request.applications]


def test_applications_alone_are_read_column_wise_with_the_models_features_and_hashes() -> None:
    batch = read_batch(_body(ITEMS, purpose="what-if", language="fr", reasons=True))
    assert batch.applications is not None and batch.items is None  # the column-wise path
    features, digests = _expected(ITEMS)
    np.testing.assert_array_equal(batch.features(), features)
    np.testing.assert_array_equal(batch.features(5, 12), features[5:12])
    assert batch.digests == digests
    assert batch.client_ids == [item["application"].get("SK_ID_CURR") for item in ITEMS]
    assert (batch.purpose, batch.language, batch.reasons) == ("what-if", "fr", True)


def test_a_history_goes_through_the_records_path_alike() -> None:
    items = [*ITEMS[:3], {"application": {**APPLICATION, "SK_ID_CURR": 5}, "history": HISTORY}]
    batch = read_batch(_body(items))
    assert batch.items is not None
    features, digests = _expected(items)
    np.testing.assert_array_equal(batch.features(), features)
    assert batch.digests == digests


def test_options_the_model_reads_leniently_still_work() -> None:
    batch = read_batch(_body(ITEMS[:2], reasons="true"))
    assert batch.reasons is True and batch.items is not None


@pytest.mark.parametrize(
    ("row", "change", "loc", "kind"),
    [
        (9_876, {"AMT_CREDIT": -5.0}, "AMT_CREDIT", "greater_than_equal"),
        (17, {"AMT_INCOME_TOTAL": "135000"}, "AMT_INCOME_TOTAL", "float_type"),
        (3, {"CODE_GENDER": "Q"}, "CODE_GENDER", "literal_error"),
        (0, {"AMT_CREDITT": 1.0}, "AMT_CREDITT", "extra_forbidden"),
    ],
)
def test_a_bad_value_in_a_large_batch_is_refused_naming_its_row_and_field(
    row: int, change: dict[str, Any], loc: str, kind: str
) -> None:
    items = [{"application": {**APPLICATION, "SK_ID_CURR": i}} for i in range(10_000)]
    items[row] = {"application": {**items[row]["application"], **change}}
    with pytest.raises(ValidationError) as caught:
        read_batch(_body(items))
    (error,) = caught.value.errors()
    assert error["loc"] == ("applications", row, "application", loc)
    assert error["type"] == kind


def test_a_body_that_is_not_json_is_refused_by_the_model() -> None:
    with pytest.raises(ValidationError, match="Invalid JSON"):
        read_batch(b'{"applications": [')


def test_bentoml_hands_over_the_text_unvalidated() -> None:
    body = BatchBody.model_validate_json(b'{"applications": "not even a list"}')
    assert body.text == b'{"applications": "not even a list"}'
    assert "text" not in BatchBody.model_json_schema()["properties"]
    assert BatchBody.__name__ == "BatchRequest"  # the API page's schema keeps its name


def test_a_validated_file_is_a_batch_with_the_same_hashes() -> None:
    frame = validate_frame(
        pd.DataFrame([item["application"] for item in ITEMS[:30]]), APPLICATION_TEST, "f.csv"
    )
    batch = batch_of_frame(frame, "view")
    features, digests = _expected(ITEMS[:30])
    np.testing.assert_array_equal(batch.features(), features)
    assert batch.digests == digests
    assert batch.purpose == "view" and batch.client_ids == frame["SK_ID_CURR"].tolist()


def test_a_request_model_is_a_batch() -> None:
    request = BatchRequest.model_validate({"applications": ITEMS[:3], "purpose": "view"})
    batch = batch_of(request)
    assert batch.purpose == "view" and len(batch) == 3


def test_the_collector_is_paused_while_any_batch_runs_then_restored() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # another thread's batch, say
            assert not gc.isenabled()
        assert not gc.isenabled(), "paused until the last batch leaves"
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled(), "a collector disabled before stays so"
    finally:
        gc.enable()
