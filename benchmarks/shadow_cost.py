"""What shadow scoring costs a scoring call: the engine with and without a challenger, in process.

Why: with ``CREDIT_SHADOW_MODEL_TAG`` set, every real application is also scored by the
challenger and its score recorded in the inquiry's transaction; the issue asks that this
overhead be bounded and measured. Two engines on the workspace model, each with its own
SQLite records in a temporary directory, answer the same real application bodies
(``application_test`` of the default data) in interleaved rounds: ``ScoringEngine.predict``
and ``predict_batch`` of 1,000 applications. The challenger is the same store entry loaded
under another tag: a model of exactly the same size, so the figure is the shadow path's own
cost (one more ONNX run, rows built and written), not a difference between two models.

Usage: .venv/bin/python benchmarks/shadow_cost.py [--quick]
Writes benchmarks/results/shadow_cost.json (quick: results/raw/shadow_cost_quick.json):
``calls`` (per call kind and engine: median, p90, p99... in ms, see
:func:`benchmarks.common.summary`), ``overhead_ms`` (median with shadow minus median
without, per call kind), ``ratio`` (with / without) and ``rounds``.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import summary, workspace, write_result  # noqa: E402

ROUNDS = {"full": 7, "quick": 2}
CALLS = {"full": 400, "quick": 100}  # single calls per round and engine
BATCH = 1_000
BATCHES = {"full": 3, "quick": 1}  # batches per round and engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (CI)")
    args = parser.parse_args()
    size = "quick" if args.quick else "full"
    space = workspace(args.quick)
    os.environ["BENTOML_HOME"] = str(space.bentoml_home)
    engines, bodies = _engines(space.model_tag, space.data)
    samples: dict[str, dict[str, list[float]]] = {
        kind: {name: [] for name in engines} for kind in ("predict", "predict_batch")
    }
    for _ in range(ROUNDS[size]):
        for name, engine in engines.items():
            samples["predict"][name] += _predict(engine, bodies, CALLS[size])
            samples["predict_batch"][name] += _batch(engine, bodies, BATCHES[size])
    calls = {kind: {name: summary(v) for name, v in by.items()} for kind, by in samples.items()}
    overhead = {
        kind: calls[kind]["with shadow"]["median"] - calls[kind]["without"]["median"]
        for kind in calls
    }
    ratio = {
        kind: calls[kind]["with shadow"]["median"] / calls[kind]["without"]["median"]
        for kind in calls
    }
    _print(calls, overhead, ratio)
    payload = {"calls": calls, "overhead_ms": overhead, "ratio": ratio,
               "rounds": ROUNDS[size], "batch_size": BATCH}  # fmt: skip
    print(write_result("shadow_cost", payload, args.quick))


def _engines(tag: str, data: Path) -> tuple[dict[str, Any], list[Any]]:
    from scoring.model.scorer import CreditModel
    from scoring.schema import APPLICATION_TEST
    from scoring.serving.engine import ScoringEngine
    from scoring.serving.schemas import ScoringRequest
    from training.api_bodies import application_bodies
    from training.data import load_table

    served = CreditModel.from_store(tag)
    challenger = CreditModel(served.root, f"{tag.split(':')[0]}:shadow-bench", served.metadata)
    directory = Path(tempfile.mkdtemp(prefix="shadow-cost-"))
    shadows = {"without": None, "with shadow": challenger}
    engines = {
        name: ScoringEngine(served, _records(directory / name), None, shadow=shadow)
        for name, shadow in shadows.items()
    }
    frame = load_table(data / "application_test.csv", APPLICATION_TEST)
    bodies = [
        ScoringRequest.model_validate({**body, "purpose": "application"})
        for body in application_bodies(frame, BATCH)
    ]
    return engines, bodies


def _records(path: Path) -> Any:
    from scoring.records.database import RecordsDatabase

    return RecordsDatabase(f"sqlite:///{path}.sqlite")


def _predict(engine: Any, bodies: list[Any], calls: int) -> list[float]:
    from scoring.serving.callers import ADMIN_SCOPES, Caller

    caller = Caller("bench", ADMIN_SCOPES)
    for body in bodies[:50]:  # warm: connection, caches
        engine.predict(body, caller)
    gc.collect()
    timings = []
    for i in range(calls):
        start = time.perf_counter()
        engine.predict(bodies[i % len(bodies)], caller)
        timings.append((time.perf_counter() - start) * 1e3)
    return timings


def _batch(engine: Any, bodies: list[Any], batches: int) -> list[float]:
    from scoring.serving.callers import ADMIN_SCOPES, Caller
    from scoring.serving.schemas import BatchRequest

    caller = Caller("bench", ADMIN_SCOPES)
    request = BatchRequest.model_validate(
        {"applications": [{"application": b.application.model_dump(exclude_none=True)}
                          for b in bodies[:BATCH]], "purpose": "application"}
    )  # fmt: skip
    timings = []
    for _ in range(batches):
        start = time.perf_counter()
        engine.predict_batch(request, caller)
        timings.append((time.perf_counter() - start) * 1e3)
    return timings


def _print(calls: dict, overhead: dict, ratio: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("call", "engine", "p50 ms", "p99 ms", title="Shadow scoring: cost per call")
    for kind, by in calls.items():
        for name, figures in by.items():
            table.add_row(kind, name, f"{figures['median']:.3f}", f"{figures['p99']:.3f}")
        table.add_row(kind, "overhead", f"{overhead[kind]:+.3f}", f"× {ratio[kind]:.3f}")
    Console().print(table)


if __name__ == "__main__":
    main()
