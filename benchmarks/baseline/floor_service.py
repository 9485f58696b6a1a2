"""BentoML's floor: the least a BentoML 1.4 service can do for one /predict request.

The same request model as the scoring service (``ScoringRequest`` as input spec, so BentoML
parses and validates the same body the same way), the same traffic settings and worker
count, and a constant answer of the size of a real one, sent as the service sends its own
(a ready-made JSON response). No model, no features, no authentication, no records: the
difference between our /predict and this one is what our code adds to BentoML's own cost
(`benchmarks/http_load.py`, "overhead above BentoML's floor").

Served like ours: ``FLOOR_WORKERS=2 .venv/bin/python -m bentoml serve
benchmarks.baseline.floor_service:Floor --port 3001``.
"""

from __future__ import annotations

import json
import os
from typing import Any

import bentoml
from starlette.responses import Response

from scoring.serving.responses import Prediction
from scoring.serving.schemas import ScoringRequest

ANSWER = json.dumps(
    {
        "client_id": 100002,
        "probability": 0.0734,
        "recommendation": "review",
        "threshold": 0.073,
        "review_band": 0.02,
        "model": "credit_scoring:floor00000000000",
        "request_id": "0" * 32,
    }
).encode()


@bentoml.service(
    name="bentoml_floor",
    traffic={"timeout": 60, "max_concurrency": 64},
    workers=int(os.environ.get("FLOOR_WORKERS", "1")),
)
class Floor:
    """One endpoint, /predict, answering a constant prediction to any valid request."""

    # Declared as the service declares its own (context, fields, response model).
    @bentoml.api(route="/predict", input_spec=ScoringRequest)
    def predict(self, ctx: bentoml.Context, **fields: Any) -> Prediction:
        """A constant answer: BentoML's own cost of a validated request, nothing else."""
        return Response(ANSWER, media_type="application/json")  # type: ignore[return-value]
