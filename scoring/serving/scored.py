"""The scores of a batch, held column-wise, and written as the API answers them.

/predict_batch answers :class:`~scoring.serving.responses.BatchPrediction`; building ten
thousand result models to serialise them cost a fifth of a batch. :meth:`ScoredBatch.to_json`
writes the same bytes from the columns with pydantic's own serialiser (a test compares
them), :meth:`to_model` builds the models for in-process callers, and :meth:`to_frame` lays
the same fields out as a table for a scored file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any, cast

import numpy as np
import pandas as pd
import pydantic_core

from scoring.explain.reasons import Reason, reason_table
from scoring.model.scorer import CreditModel
from scoring.policy import recommend
from scoring.records.clock import new_ids
from scoring.serving import responses
from scoring.serving.batches import Batch

# The fields of one result, in the order of responses.BatchResult.
RESULT_FIELDS = tuple(responses.BatchResult.model_fields)
REASON_FIELDS = tuple(responses.Reason.model_fields)


@dataclass(frozen=True)
class ScoredBatch:
    """One batch's answers, in the order of its applications."""

    client_ids: Sequence[int | None]
    probabilities: np.ndarray
    points: Sequence[int]
    grades: Sequence[str]
    grade_rates: Sequence[float | None]
    recommendations: Sequence[str]
    request_ids: Sequence[str]
    reasons: Sequence[Sequence[Reason]] | None
    model: str
    threshold: float
    review_band: float
    purpose: str

    @classmethod
    def of(
        cls,
        model: CreditModel,
        review_band: float,
        batch: Batch,
        probabilities: np.ndarray,
        reasons: Sequence[Sequence[Reason]] | None,
    ) -> ScoredBatch:
        """The answers to ``batch`` of its ``probabilities``: points, grades and the
        recommendations, vectorised, and a request id each."""
        points, grades, rates = model.rating.rate_many(probabilities)
        recommendations = recommend(probabilities, model.threshold, review_band)
        return cls(
            client_ids=batch.client_ids,
            probabilities=probabilities,
            points=points,
            grades=grades,
            grade_rates=rates,
            recommendations=recommendations.tolist(),
            request_ids=new_ids(len(batch)),
            reasons=reasons,
            model=model.tag,
            threshold=model.threshold,
            review_band=review_band,
            purpose=batch.purpose,
        )

    def __len__(self) -> int:
        return len(self.request_ids)

    def results(self) -> list[dict[str, Any]]:
        """Each application's result, as :class:`responses.BatchResult` fields."""
        reasons: Any = (
            [[_reason(r) for r in given] for given in self.reasons]
            if self.reasons is not None
            else repeat(None)
        )
        n = len(self)
        probabilities = cast(list[float], self.probabilities.astype(np.float64).tolist())
        rows = zip(
            self.client_ids, probabilities, self.points,
            self.grades, self.grade_rates, self.recommendations, repeat(self.threshold, n),
            repeat(self.review_band, n), repeat(self.model, n), self.request_ids, reasons,
            strict=False,
        )  # fmt: skip
        return [dict(zip(RESULT_FIELDS, row, strict=True)) for row in rows]

    def to_json(self) -> bytes:
        """The /predict_batch answer: ``to_model().model_dump_json()``, without the models."""
        answer = {
            "results": self.results(),
            "model": self.model,
            "threshold": self.threshold,
            "count": len(self),
        }
        return pydantic_core.to_json(answer)

    def to_model(self) -> responses.BatchPrediction:
        """The answer as response models (validated)."""
        return responses.BatchPrediction(
            results=[responses.BatchResult(**result) for result in self.results()],
            model=self.model,
            threshold=self.threshold,
            count=len(self),
        )

    def to_frame(self, key: str = "SK_ID_CURR") -> pd.DataFrame:
        """The results as a table, the client id named ``key``; with reasons, the columns
        ``reason_1_code``, ``reason_1_text`` ... ``reason_4_text`` (empty where fewer)."""
        frame = pd.DataFrame(
            {
                key: pd.array(list(self.client_ids), dtype="Int64"),
                "probability": self.probabilities.astype(np.float64),
                "points": np.asarray(self.points, dtype=np.int64),
                "grade": list(self.grades),
                "grade_default_rate": pd.array(list(self.grade_rates), dtype="Float64"),
                "recommendation": list(self.recommendations),
                "threshold": self.threshold,
                "review_band": self.review_band,
                "model": self.model,
                "request_id": list(self.request_ids),
            }
        )
        if self.reasons is None:
            return frame
        columns = reason_table(self.reasons)
        return pd.concat([frame, pd.DataFrame(columns)], axis=1)


def _reason(reason: Reason) -> dict[str, Any]:
    return {name: getattr(reason, name) for name in REASON_FIELDS}
