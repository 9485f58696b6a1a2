"""Where one request's time goes inside the service, step by step, in process.

Why: the HTTP benchmark gives the whole latency; when a target is missed, this says which
step bounds it. Each step is timed on its own, on the same bodies as the HTTP benchmark
(the application alone, and with the client's history inline), with the served model:
JSON parsing, validation into the request model, conversion to the feature engine's
records, features, the ONNX call, TreeSHAP, the principal reasons, the whole /explain answer
(groups in risk points, their facts and the reasons, as response models), its JSON, the
input hash, and the inquiry commit. What the HTTP latency adds on top is BentoML's request
handling. The size of the default /explain answer (its JSON, in bytes) is recorded too.

Usage: .venv/bin/python benchmarks/request_profile.py [--quick]
Writes benchmarks/results/request_profile.json (quick: results/raw/request_profile_quick.json).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import summary, workspace, write_result  # noqa: E402
from benchmarks.loadgen.payloads import workspace_bodies, workspace_history_bodies  # noqa: E402

BODIES = {"application": 300, "history": 200}
JSON_VALIDATION = "validate the JSON text (request model)"
# Budget of a step, in µs: JSON validation is paid by every request before any scoring.
TARGETS_US = {JSON_VALIDATION: 500.0}


def timed(step: Callable[[Any], Any], inputs: list[Any], repeats: int) -> dict[str, Any]:
    """Median and spread of one step over every input, ``repeats`` passes after a warm-up."""
    for item in inputs[:20]:
        step(item)
    samples = []
    for _ in range(repeats):
        for item in inputs:
            start = time.perf_counter()
            step(item)
            samples.append((time.perf_counter() - start) * 1e6)
    return summary(samples, "µs")


def profile(bodies: list[dict], engine: Any, repeats: int) -> dict[str, dict]:
    from scoring.explain.reasons import principal_reasons
    from scoring.features import build_online
    from scoring.records.inquiries import digest
    from scoring.serving import schemas
    from scoring.serving.callers import BOOTSTRAP, Caller
    from scoring.serving.explanation import explanation_response

    caller = Caller(BOOTSTRAP, frozenset({"admin"}))
    texts = [json.dumps(body) for body in bodies]
    requests = [schemas.ScoringRequest.model_validate(body) for body in bodies]
    online = [request.to_online() for request in requests]
    values = [build_online(*item) for item in online]
    model = engine.model
    serializer = schemas.ScoringRequest.__pydantic_serializer__
    # What the explanation steps start from: the prediction, and TreeSHAP's contributions.
    explained = [
        (engine.predict(request, caller), model.explain(v), v)
        for request, v in zip(requests, values, strict=True)
    ]
    answers = [engine.explain(request, caller) for request in requests]

    def reasons(item: tuple) -> Any:
        prediction, explanation, v = item
        refused = prediction.probability >= prediction.threshold
        return principal_reasons(
            explanation.contributions[0], v, engine.reference, refused, "en", engine.currency
        )

    def answer(item: tuple) -> Any:
        prediction, explanation, v = item
        return explanation_response(
            prediction, explanation, v, engine.reference, "en", engine.currency
        )

    return {
        "parse JSON": timed(json.loads, texts, repeats),
        "validate (request model)": timed(schemas.ScoringRequest.model_validate, bodies, repeats),
        JSON_VALIDATION: timed(schemas.ScoringRequest.model_validate_json, texts, repeats),
        "records for the features": timed(lambda r: r.to_online(), requests, repeats),
        "features (build_online)": timed(lambda item: build_online(*item), online, repeats),
        "ONNX probability": timed(model.predict_proba, values, repeats),
        "TreeSHAP": timed(model.explain, values, repeats),
        "principal reasons": timed(reasons, explained, repeats),
        "explanation answer (groups, facts, reasons; response models)": timed(
            answer, explained, repeats
        ),
        "explanation answer to JSON": timed(lambda a: a.model_dump_json(), answers, repeats),
        "input hash": timed(
            lambda r: digest(serializer.to_json(r, exclude_none=True)), requests, repeats
        ),
        "whole /predict in the engine (inquiry commit included)": timed(
            lambda r: engine.predict(r, caller), requests, repeats
        ),
        "whole /explain in the engine (reasons, inquiry commit included)": timed(
            lambda r: engine.explain(r, caller), requests, repeats
        ),
    }


def answer_bytes(bodies: list[dict], engine: Any) -> dict[str, Any]:
    """Size of the default /explain answer's JSON (pydantic's, as the service sends it)."""
    from scoring.serving import schemas
    from scoring.serving.callers import BOOTSTRAP, Caller

    caller = Caller(BOOTSTRAP, frozenset({"admin"}))
    return summary(
        [
            len(
                engine.explain(
                    schemas.ScoringRequest.model_validate(body), caller
                ).model_dump_json()
            )
            for body in bodies
        ],
        "bytes",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short CI run")
    args = parser.parse_args()
    space = workspace(args.quick)
    os.environ["BENTOML_HOME"] = str(space.bentoml_home)
    from scoring.model.scorer import CreditModel
    from scoring.records.database import RecordsDatabase
    from scoring.serving.engine import ScoringEngine
    from scoring.settings import load_settings

    folder = tempfile.mkdtemp(prefix="request-profile-")
    records = RecordsDatabase(f"sqlite:///{folder}/records.sqlite")
    model = CreditModel.from_store(space.model_tag)
    settings = load_settings()
    engine = ScoringEngine(model, records, None, settings.currency, settings.review_band)
    scale = 10 if args.quick else 1
    bodies = {
        "application": workspace_bodies(space.data, BODIES["application"] // scale),
        "history": workspace_history_bodies(space.data, BODIES["history"] // scale),
    }
    repeats = 1 if args.quick else 5
    steps = {kind: profile(found, engine, repeats) for kind, found in bodies.items()}
    sizes = {kind: answer_bytes(found, engine) for kind, found in bodies.items()}
    for kind, found in steps.items():
        print(f"{kind} bodies ({len(bodies[kind])}), median µs:")
        for step, figures in found.items():
            target = f"  (target < {TARGETS_US[step]:g})" if step in TARGETS_US else ""
            print(f"  {step:62} {figures['median']:10.1f}  p99 {figures['p99']:10.1f}{target}")
        print(f"  default /explain answer: {sizes[kind]['median']:,.0f} bytes median, "
              f"{sizes[kind]['max']:,.0f} max")  # fmt: skip
    payload = {
        "model": space.model_tag,
        "steps": steps,
        "explain_answer_bytes": sizes,
        "targets_us": TARGETS_US,
    }
    path = write_result("request_profile", payload, args.quick)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
