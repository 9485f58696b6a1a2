"""/predict_batch per worker: batches of 10,000 applications, in process and over HTTP.

Why: the issue asks for at least 50,000 applications a second per worker on 10,000-row
batches (a batch took about 0.70 s, 14,000 rows/s, though the model alone scores it in
~84 ms). In process, the endpoint's work once BentoML has the body (read and check the body,
features, ONNX, ratings, input hashes, the inquiries committed, drift counts, the answer's
JSON) is timed whole and step by step, against the previous implementation kept in
``benchmarks/baseline/row_batch.py`` (the request model item by item, models per row) on the
same bodies in the same process, and against the raw ONNX call on the same rows (the floor).
Over HTTP, a real ``bentoml serve`` with one worker gets the same bodies back to back: this
code, then the code of commit ``--before`` (extracted with ``git archive``) served alike.

Two kinds of body: ``example``, the API page's example application (25 fields) under 10,000
distinct ``SK_ID_CURR`` (the body the first batch figures were timed on); ``real``, rows of
the workspace's applications with every known field (~90). Six distinct bodies of each kind
are cycled, so the drift capture counts every application as new, as in production.

Usage: .venv/bin/python benchmarks/batch_scoring.py [--quick] [--before 245b595] [--no-http]
Writes benchmarks/results/batch_scoring.json (quick: results/raw/batch_scoring_quick.json).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import source_during, source_state, summary, workspace, write_result  # noqa: E402
from devtools.servers import free_port, stop, wait_ready  # noqa: E402

TOKEN = "benchmark-token"
BEFORE = "245b595"  # the last commit with the item-by-item /predict_batch
DISTINCT = 6  # bodies of each kind cycled: more than the capture's 50,000 recent digests
SIZES = {"full": (10_000, 7, 12), "quick": (2_000, 2, 3)}  # rows, rounds, HTTP requests
TARGET_ROWS_PER_S = 50_000


def bodies(data: Path, rows: int) -> dict[str, list[bytes]]:
    """``DISTINCT`` JSON bodies of each kind, ``rows`` applications each, ids all distinct."""
    import pandas as pd

    from scoring.schema import APPLICATION_TEST, APPLICATION_TRAIN
    from scoring.serving.schemas import APPLICATION_EXAMPLE
    from training.api_bodies import application_bodies
    from training.data import load_table

    train = load_table(data / "application_train.csv", APPLICATION_TRAIN).drop(columns="TARGET")
    test = load_table(data / "application_test.csv", APPLICATION_TEST)
    real = application_bodies(pd.concat([train, test], ignore_index=True), rows)
    out: dict[str, list[bytes]] = {"example": [], "real": []}
    for copy in range(DISTINCT):
        first = 10_000_000 * (copy + 1)
        out["example"].append(_body([{**APPLICATION_EXAMPLE, "SK_ID_CURR": first + i}
                                     for i in range(rows)]))  # fmt: skip
        out["real"].append(_body([{**b["application"], "SK_ID_CURR": first + i}
                                  for i, b in enumerate(real)]))  # fmt: skip
    return out


def _body(applications: list[dict[str, Any]]) -> bytes:
    items = [{"application": application} for application in applications]
    return json.dumps({"applications": items, "purpose": "application"}).encode()


def engine(tag: str, folder: Path, name: str) -> Any:
    """An engine as a worker has it: the model, records of its own, drift capture on."""
    from scoring.model.scorer import CreditModel
    from scoring.records.database import RecordsDatabase
    from scoring.serving.engine import ScoringEngine
    from scoring.serving.runtime import drift_capture
    from scoring.settings import load_settings

    settings = load_settings()
    model = CreditModel.from_store(tag)
    records = RecordsDatabase(f"sqlite:///{folder / name}.sqlite")
    capture = drift_capture(model, records, settings)
    assert capture is not None, "the workspace model has reference bins"
    capture.flush_seconds = 3600  # no flush thread writing in the middle of a measurement
    return ScoringEngine(model, records, None, settings.currency, settings.review_band, capture)


def in_process(texts: dict[str, list[bytes]], tag: str, rounds: int) -> dict[str, Any]:
    """Ours and the previous implementation, alternated on the same bodies; the floor."""
    from benchmarks.baseline import row_batch
    from scoring.serving.batches import collector_paused, read_batch
    from scoring.serving.callers import ADMIN_SCOPES, Caller

    caller = Caller("bench", ADMIN_SCOPES)
    folder = Path(tempfile.mkdtemp(prefix="batch-scoring-"))
    engines = {"ours": engine(tag, folder, "ours"), "previous": engine(tag, folder, "previous")}

    def ours(text: bytes) -> bytes:  # as the endpoint runs it (service.py)
        with collector_paused():
            return engines["ours"].score_batch(read_batch(text), caller).to_json()

    paths: dict[str, Callable[[bytes], object]] = {
        "ours": ours,
        "previous": lambda t: row_batch.predict_batch(engines["previous"], t, caller),
    }
    results: dict[str, Any] = {}
    for kind, cycle in texts.items():
        samples: dict[str, list[float]] = {name: [] for name in paths}
        for call in range(rounds * DISTINCT):
            for name, path in paths.items():
                samples[name].append(_timed(path, cycle[call % DISTINCT]))
        rows = _rows(cycle[0])
        results[kind] = {
            "rows": rows,
            "body_bytes": len(cycle[0]),
            "calls_ms": {name: summary(s) for name, s in samples.items()},
            "steps_ms": steps(engines["ours"], cycle, caller),
            "floor_onnx_ms": summary(_floor(engines["ours"], cycle[0])),
        }
    return results


def steps(scorer: Any, cycle: list[bytes], caller: Any) -> dict[str, Any]:
    """Each step of ours timed alone, as ScoringEngine.score_batch chains them."""
    from scoring.serving.batches import collector_paused

    timings: dict[str, list[float]] = {}

    def step(name: str, run: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        result = run()
        timings.setdefault(name, []).append((time.perf_counter() - start) * 1e3)
        return result

    for text in cycle:
        with collector_paused():
            _steps(step, scorer, text, caller)
    return {name: summary(samples) for name, samples in timings.items()}


def _steps(step: Callable[[str, Callable[[], Any]], Any], scorer: Any, text: bytes,
           caller: Any) -> None:  # fmt: skip
    from scoring.records.clock import utc_now
    from scoring.records.inquiries import InquiryBatch
    from scoring.serving.batches import read_batch
    from scoring.serving.columnar import DECODER
    from scoring.serving.scored import ScoredBatch

    step("decode and type-check the JSON (in the read below)", lambda: DECODER.decode(text))
    batch = step("read and check the body, input hashes", lambda: read_batch(text))
    values = step("features", batch.features)
    probabilities = step("ONNX", lambda: scorer.model.predict_proba(values))
    probabilities = np.asarray(probabilities, dtype=np.float64)
    scored = step("ratings, recommendations, ids", lambda: ScoredBatch.of(
        scorer.model, scorer.review_band, batch, probabilities, None))  # fmt: skip
    inquiries = InquiryBatch(
        "predict_batch", batch.purpose, caller.actor, scorer.model.tag, scorer.model.threshold,
        batch.language, utc_now(), scored.request_ids, batch.digests, batch.client_ids,
        probabilities.tolist(), scored.recommendations,
    )  # fmt: skip
    step("inquiries committed", lambda: scorer.inquiries.record(inquiries))
    rows = values[:, scorer.model.columns].astype(np.float32)
    fresh = [digest + "x" for digest in batch.digests]  # counted, as new applications are
    step("drift counts", lambda: scorer.capture.add(rows, probabilities, fresh))
    step("answer JSON", scored.to_json)


def _floor(scorer: Any, text: bytes) -> list[float]:
    """The raw ONNX session.run on the model's float32 input of the same rows."""
    from scoring.model.contract import INPUT_NAME, PROBABILITIES, as_model_input
    from scoring.serving.batches import read_batch

    values = read_batch(text).features()
    inputs = as_model_input(values[:, scorer.model.columns])
    session = scorer.model.session
    return [_timed(lambda: session.run([PROBABILITIES], {INPUT_NAME: inputs}), None)
            for _ in range(7)]  # fmt: skip


def _timed(call: Callable[..., object], argument: Any) -> float:
    gc.collect()
    start = time.perf_counter()
    call(argument) if argument is not None else call()
    return (time.perf_counter() - start) * 1e3


def _rows(text: bytes) -> int:
    return text.count(b'"application":')


def over_http(texts: dict[str, list[bytes]], space: Any, requests: int, before: str | None
              ) -> dict[str, Any]:  # fmt: skip
    """p50/p99 of /predict_batch on one worker: this code, then commit ``before``."""
    trees = {"ours": ROOT}
    if before:
        trees["before"] = _archive(before)
    results: dict[str, Any] = {}
    for name, tree in trees.items():
        folder = Path(tempfile.mkdtemp(prefix=f"batch-http-{name}-"))
        env = {**space.env, "CREDIT_API_TOKEN": TOKEN, "CREDIT_WORKERS": "1",
               "CREDIT_AUDIT_DB_URL": f"sqlite:///{folder / 'audit.sqlite'}",
               "CREDIT_PORTFOLIO_DB_URL": f"sqlite:///{folder / 'none.sqlite'}"}  # fmt: skip
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "bentoml", "serve", "service:CreditScoring", "--port",
             str(port)], cwd=tree, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, start_new_session=True,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            wait_ready(url, process, timeout=180)
            results[name] = _post_all(url, texts, requests)
        finally:
            stop(process)
    return results


def _post_all(url: str, texts: dict[str, list[bytes]], requests: int) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    figures: dict[str, Any] = {}
    with httpx.Client(base_url=url, headers=headers, timeout=300) as client:
        for kind, cycle in texts.items():
            client.post("/predict_batch", content=cycle[-1]).raise_for_status()  # warm-up
            samples = []
            for call in range(requests):
                start = time.perf_counter()
                client.post("/predict_batch", content=cycle[call % DISTINCT]).raise_for_status()
                samples.append((time.perf_counter() - start) * 1e3)
            figures[kind] = {"rows": _rows(cycle[0]), "ms": summary(samples)}
    return figures


def _archive(commit: str) -> Path:
    """The tree of ``commit`` in a temporary folder (git archive: the checkout is untouched)."""
    folder = Path(tempfile.mkdtemp(prefix=f"tree-{commit}-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], check=True,
                             capture_output=True).stdout  # fmt: skip
    with tarfile.open(fileobj=__import__("io").BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def rows_per_second(rows: int, milliseconds: float) -> float:
    return rows / (milliseconds / 1e3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000-row batches, few rounds")
    parser.add_argument("--before", default=BEFORE, help="commit served as the previous code")
    parser.add_argument("--no-http", action="store_true", help="in process only")
    args = parser.parse_args()
    rows, rounds, requests = SIZES["quick" if args.quick else "full"]
    space = workspace(args.quick)
    os.environ["BENTOML_HOME"] = str(space.bentoml_home)
    start_state = source_state()
    texts = bodies(space.data, rows)
    document: dict[str, Any] = {"batch_rows": rows, "rounds": rounds, "distinct": DISTINCT}
    document["in_process"] = in_process(texts, space.model_tag, rounds)
    if not args.no_http:
        document["http"] = over_http(texts, space, requests, args.before)
        document["before"] = args.before
    document["target_rows_per_s"] = TARGET_ROWS_PER_S
    document["settings"] = source_during(start_state)
    _print(document)
    print(write_result("batch_scoring", document, args.quick))


def _print(document: dict[str, Any]) -> None:
    for kind, figures in document["in_process"].items():
        rows = figures["rows"]
        calls = figures["calls_ms"]
        ours, previous = calls["ours"]["median"], calls["previous"]["median"]
        print(f"in process, {kind} ({rows:,} rows, {figures['body_bytes'] / 1e6:.1f} MB): ours "
              f"{ours:.0f} ms p50 / {calls['ours']['p99']:.0f} ms p99 "
              f"({rows_per_second(rows, ours):,.0f} rows/s), previous {previous:.0f} ms "
              f"({rows_per_second(rows, previous):,.0f} rows/s), x{previous / ours:.1f}; "
              f"ONNX floor {figures['floor_onnx_ms']['median']:.0f} ms")  # fmt: skip
        for step, timing in figures["steps_ms"].items():
            print(f"    {step}: {timing['median']:.1f} ms")
    for tree, kinds in document.get("http", {}).items():
        for kind, figures in kinds.items():
            ms = figures["ms"]
            print(f"HTTP, 1 worker, {tree}, {kind}: p50 {ms['median']:.0f} ms, p99 "
                  f"{ms['p99']:.0f} ms, {rows_per_second(figures['rows'], ms['median']):,.0f} "
                  "rows/s")  # fmt: skip


if __name__ == "__main__":
    main()
