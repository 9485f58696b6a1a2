"""The previous /predict_batch, kept only to be measured against: one model per item and row.

What the service did before batches were read column-wise (commit 245b595): BentoML
validated the body with the request model, item by item (a Python validator per whole-number
and sentinel column); the engine turned each item back into records, built the features
through ``build_online_batch``, rated each probability alone, made a ``Prediction`` and a
``BatchResult`` model per row, an ``Inquiry`` (and its input hash from the item's model) per
row, counted the drift bins with a (rows, columns, edges) comparison, and the answer was the
models' JSON. It runs on the same engine, model and records as the new path, so the two are
compared on the same bodies in the same process (``benchmarks/batch_scoring.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scoring.features import build_online_batch
from scoring.monitoring.bins import MISSING, WIDTH
from scoring.policy import recommend
from scoring.records.clock import new_id
from scoring.records.inquiries import Inquiry
from scoring.serving import responses
from scoring.serving.callers import Caller
from scoring.serving.digests import input_digest
from scoring.serving.engine import ScoringEngine
from scoring.serving.schemas import BatchRequest

_CHUNK = 4096


def predict_batch(engine: ScoringEngine, text: bytes, caller: Caller) -> bytes:
    """The body's answer as the previous implementation computed it."""
    request = BatchRequest.model_validate_json(text)  # BentoML's input spec
    items = [item.to_online() for item in request.applications]
    values = build_online_batch(items)
    model = engine.model
    probabilities = model.predict_proba(values)
    recommendations = recommend(probabilities, model.threshold, engine.review_band)
    results = []
    for item, probability, recommendation in zip(
        request.applications, probabilities, recommendations, strict=True
    ):
        points, grade, rate = model.rating.rate(float(probability))
        prediction = responses.Prediction(
            client_id=item.application.SK_ID_CURR,
            probability=float(probability),
            points=points,
            grade=grade,
            grade_default_rate=rate,
            recommendation=str(recommendation),  # type: ignore[arg-type]
            threshold=model.threshold,
            review_band=engine.review_band,
            model=model.tag,
            request_id=new_id(),
        )
        results.append(responses.BatchResult(**prediction.model_dump(), reasons=None))
    inquiries = [
        Inquiry(
            request_id=result.request_id,
            endpoint="predict_batch",
            purpose=request.purpose,
            actor=caller.actor,
            model_tag=model.tag,
            threshold=model.threshold,
            input_hash=input_digest(item),
            client_id=result.client_id,
            probability=result.probability,
            recommendation=result.recommendation,
            reasons=None,
            language=request.language,
        )
        for result, item in zip(results, request.applications, strict=True)
    ]
    engine.inquiries.record(inquiries)
    if engine.capture is not None and request.purpose == "application":
        _count(engine, values[:, model.columns], probabilities, [i.input_hash for i in inquiries])
    answer = responses.BatchPrediction(
        results=results, model=model.tag, threshold=model.threshold, count=len(results)
    )
    return answer.model_dump_json().encode()


def _count(engine: ScoringEngine, rows: np.ndarray, scores: Any, inputs: list[str]) -> None:
    """The capture's drift counting as it was: each digest remembered, then the bins counted
    with the (rows, columns, edges) comparison."""
    capture = engine.capture
    assert capture is not None
    with capture._lock:
        fresh = [capture._first_time(digest) for digest in inputs]
    rows, scores = rows[fresh], np.asarray(scores)[fresh]
    matrix = np.column_stack([rows, np.asarray(scores, dtype=np.float64)])
    edges = capture.bins.edges
    counts = np.zeros(edges.shape[0] * WIDTH, dtype=np.int64)
    offsets = np.arange(edges.shape[0]) * WIDTH
    for start in range(0, len(matrix), _CHUNK):
        chunk = matrix[start : start + _CHUNK].astype(np.float32)
        index = (chunk[:, :, None] > edges[None, :, :]).sum(axis=2)
        index[np.isnan(chunk)] = MISSING
        counts += np.bincount((index + offsets).ravel(), minlength=len(counts))
