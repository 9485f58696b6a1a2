"""The model call alone, in process: ONNX Runtime vs native LightGBM vs the sklearn API.

Why: the service scores one application per request, where fixed costs per call dominate.
This times the served ONNX graph (with the session options that could matter for one
row: intra-op threads, spinning, graph optimisation, execution mode, memory arena), the
same trees as a native LightGBM ``Booster`` on numpy, and the "usual way" — the
scikit-learn ``LGBMClassifier.predict_proba`` on a pandas DataFrame (the pickle of
:mod:`benchmarks.baseline.model`, same trees) — on 1, 100 and 10,000 rows. Rows are real
applications of the workspace data turned into features (repeated when the data holds
fewer than 10,000): whole-catalogue rows for the served path, which selects the model's
columns itself, and those columns alone for the others (the graph, the booster and the
classifier take only the features training selected). All methods are first checked to
give the same probabilities.

Each measurement is ``repeats`` × N calls (N fills the time budget), each call timed
alone with the garbage collector off. The JSON's ``measurements`` is a flat list of
records: ``method``, ``rows``, ``options`` (dict), ``median_us``, ``p90_us``, ``p99_us``,
``iqr_us``, ``min_us`` and ``n`` over all calls; ``repeats``, ``calls_per_repeat``,
``repeat_medians_us`` and ``repeat_spread_us`` (max − min of the repeat medians);
``us_per_row`` and ``us_per_tree_row`` (median over rows, and over rows × trees); and
speed-ups (> 1 = faster): ``speedup_vs_sklearn`` (the sklearn call with default threads
on a prebuilt DataFrame of the same rows ÷ this call), ``speedup_vs_sklearn_one_thread``
(the same with ``num_threads=1``), ``speedup_per_row_vs_sklearn_one_row`` (the sklearn
one-row call ÷ this call's time per row). ``target`` says whether the served one-row call
is at least 20 times faster than sklearn's, and which ONNX options were fastest.

Usage: ``.venv/bin/python benchmarks/model_call.py [--quick]`` (quick: the 5k-client
workspace and short repeats, under a minute). Writes ``results/model_call.json``.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import Workspace, summary, workspace, write_result  # noqa: E402

SIZES = (1, 100, 10_000)
DISTINCT_INPUTS = 64  # different rows (or blocks) cycled through, so no call repeats the last
TARGET_SPEEDUP = 20.0  # ONNX one row vs sklearn one-row DataFrame
AGREEMENT_TOLERANCE = 1e-6
SKLEARN = "sklearn predict_proba (DataFrame)"
ONNX = "onnxruntime session.run"
SERVED = "CreditModel.predict_proba (served path)"
# Per quick flag: (repeats, seconds per repeat, fewest calls per repeat).
SETTINGS = {False: (7, 0.4, 5), True: (3, 0.03, 2)}


def timed_calls(call: Callable[[Any], object], inputs: Sequence[Any], quick: bool) -> np.ndarray:
    """Microseconds of each call, shape ``(repeats, calls)``; calls sized to the budget."""
    repeats, budget, fewest = SETTINGS[quick]
    call(inputs[0])
    start, probes = time.perf_counter(), 0
    while probes < 3 or time.perf_counter() - start < budget / 10:
        call(inputs[probes % len(inputs)])
        probes += 1
    calls = max(fewest, int(budget * probes / (time.perf_counter() - start)))
    samples = np.empty((repeats, calls))
    gc.collect()
    gc.disable()
    try:
        for r in range(repeats):
            for c in range(calls):
                x = inputs[(r * calls + c) % len(inputs)]
                begin = time.perf_counter_ns()
                call(x)
                samples[r, c] = time.perf_counter_ns() - begin
    finally:
        gc.enable()
    return samples / 1000.0


def measurement(
    method: str,
    rows: int,
    options: dict[str, Any],
    samples: np.ndarray,
    trees: int,
    **extra: Any,
) -> dict[str, Any]:
    """One flat record: median/p90/p99/IQR over all calls, per row and per tree·row."""
    stats = summary(samples.ravel(), "us")
    repeat_medians = np.median(samples, axis=1)
    median = float(stats["median"])
    return {
        "method": method,
        "rows": rows,
        "options": options,
        "median_us": median,
        "p90_us": stats["p90"],
        "p99_us": stats["p99"],
        "iqr_us": stats["iqr"],
        "min_us": stats["min"],
        "n": stats["n"],
        "repeats": samples.shape[0],
        "calls_per_repeat": samples.shape[1],
        "repeat_medians_us": [round(float(m), 3) for m in repeat_medians],
        "repeat_spread_us": float(repeat_medians.max() - repeat_medians.min()),
        "us_per_row": median / rows,
        "us_per_tree_row": median / (rows * trees),
        **extra,
    }


def add_ratios(records: list[dict[str, Any]]) -> None:
    """Speed-ups against the sklearn DataFrame call measured in the same run."""
    usual = {r["rows"]: r["median_us"] for r in records if _is_usual_sklearn(r)}
    single = {
        r["rows"]: r["median_us"]
        for r in records
        if r["method"] == SKLEARN and r["options"].get("num_threads") == 1
    }
    for record in records:
        rows, median = record["rows"], record["median_us"]
        record["speedup_vs_sklearn"] = usual[rows] / median if rows in usual else None
        record["speedup_vs_sklearn_one_thread"] = single[rows] / median if rows in single else None
        record["speedup_per_row_vs_sklearn_one_row"] = (
            usual[1] / record["us_per_row"] if 1 in usual else None
        )


def _is_usual_sklearn(record: dict[str, Any]) -> bool:
    """The reference: sklearn's default threads on a DataFrame already built."""
    options = record["options"]
    return (
        record["method"] == SKLEARN and options.get("frame") == "prebuilt" and ("n_jobs" in options)
    )


def feature_rows(ws: Workspace, count: int, seed: int = 0) -> np.ndarray:
    """``count`` real feature rows at model precision: every application of the workspace
    (test, then train), shuffled, repeated if there are fewer."""
    from scoring.features import build_batch
    from scoring.model.contract import as_model_input
    from training.data import load_dataset

    frames = load_dataset(ws.data)
    blocks = [
        build_batch(frames, name).values for name in ("application_test", "application_train")
    ]
    values = np.vstack(blocks)
    values = values[np.random.default_rng(seed).permutation(len(values))]
    return as_model_input(np.resize(values, (count, values.shape[1])))


def batches(values: np.ndarray, rows: int) -> list[np.ndarray]:
    """Up to :data:`DISTINCT_INPUTS` C-contiguous blocks of ``rows`` rows each."""
    starts = range(0, len(values) - rows + 1, rows)
    return [np.ascontiguousarray(values[s : s + rows]) for s in list(starts)[:DISTINCT_INPUTS]]


def onnx_variants(rows: int) -> list[dict[str, Any]]:
    """Session options to try: the full grid on one row, threads × spinning on batches."""
    base = {"threads": 1, "spinning": False, "optimisation": "ORT_ENABLE_ALL",
            "mode": "ORT_SEQUENTIAL", "memory_arena": True}  # fmt: skip
    grid = [
        {**base, "threads": threads, "spinning": spinning}
        for threads in (1, 2)
        for spinning in (False, True)
    ]
    if rows > 1:
        return grid
    return [
        *grid,
        {**base, "optimisation": "ORT_DISABLE_ALL"},
        {**base, "optimisation": "ORT_ENABLE_BASIC"},
        {**base, "mode": "ORT_PARALLEL"},
        {**base, "memory_arena": False},
    ]


def onnx_session(path: Path, variant: dict[str, Any]) -> Any:
    """An ONNX Runtime CPU session configured as ``variant`` says."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = variant["threads"]
    options.inter_op_num_threads = 1
    options.add_session_config_entry(
        "session.intra_op.allow_spinning", "1" if variant["spinning"] else "0"
    )
    options.graph_optimization_level = getattr(ort.GraphOptimizationLevel, variant["optimisation"])
    options.execution_mode = getattr(ort.ExecutionMode, variant["mode"])
    options.enable_cpu_mem_arena = variant["memory_arena"]
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def run(quick: bool) -> dict[str, Any]:
    """Load the workspace model three ways, check they agree, time every candidate."""
    ws = workspace(quick)
    os.environ["BENTOML_HOME"] = str(ws.bentoml_home)  # before anything imports BentoML
    import pickle

    import lightgbm as lgb

    from benchmarks.baseline.model import model_columns, prepare, store_path
    from scoring.features import FEATURE_NAMES
    from scoring.model.scorer import CreditModel

    model = CreditModel.from_store(ws.model_tag)
    booster = lgb.Booster(model_file=str(store_path(ws) / "model.txt"))
    classifier = pickle.loads(prepare(ws).read_bytes())
    trees = booster.num_trees()
    columns = model_columns(ws)
    values = feature_rows(ws, max(SIZES) + DISTINCT_INPUTS)
    agreement = _agreement(values[:1000], columns, model, booster, classifier)

    records = []
    for rows in SIZES:
        inputs = Inputs(batches(values, rows), columns)
        for method, options, call, data in _candidates(
            ws, rows, inputs, model, booster, classifier
        ):
            samples = timed_calls(call, data, quick)
            records.append(measurement(method, rows, options, samples, trees))
    add_ratios(records)
    return {
        "model": {
            "tag": ws.model_tag,
            "trees": trees,
            "features": len(columns),
            "catalogue_features": len(FEATURE_NAMES),
        },
        "rows_source": f"{ws.data} (application_test + application_train), shuffled",
        "settings": dict(
            zip(("repeats", "seconds_per_repeat", "fewest_calls"), SETTINGS[quick], strict=True)
        ),
        "agreement_max_abs_diff_vs_onnx": agreement,
        "target": _target(records),
        "measurements": records,
    }


def _agreement(
    values: np.ndarray, columns: np.ndarray, model: Any, booster: Any, classifier: Any
) -> dict[str, float]:
    """Largest |Δp| of the native and sklearn calls (on the model's columns) against the
    served ONNX path (on whole rows); raises if not comparable."""
    import pandas as pd

    reference = model.predict_proba(values)
    selected = values[:, columns]
    frame = pd.DataFrame(selected, columns=booster.feature_name())
    agreement = {
        "lightgbm_booster": float(np.abs(booster.predict(selected) - reference).max()),
        "sklearn": float(np.abs(classifier.predict_proba(frame)[:, 1] - reference).max()),
    }
    if max(agreement.values()) > AGREEMENT_TOLERANCE:
        raise RuntimeError(f"the methods disagree with ONNX by up to {agreement}; not comparable")
    return agreement


Candidate = tuple[str, dict[str, Any], Callable[[Any], object], Sequence[Any]]


class Inputs:
    """The same blocks of rows two ways: whole-catalogue rows (what ``CreditModel`` takes)
    and the model's columns alone (what the graph, the booster, the classifier and shap
    take), selected once, outside the timed calls."""

    def __init__(self, rows: list[np.ndarray], columns: np.ndarray) -> None:
        self.rows = rows
        self.selected = [np.ascontiguousarray(x[:, columns]) for x in rows]


def _candidates(
    ws: Workspace, rows: int, inputs: Inputs, model: Any, booster: Any, classifier: Any
) -> Iterator[Candidate]:
    """(method, options, call, inputs) of everything timed on ``rows`` rows.

    ONNX sessions are created one at a time, when their turn comes, so that no idle
    session's thread pool competes with the one being timed.
    """
    import pandas as pd

    from benchmarks.baseline.model import store_path
    from scoring.model.contract import INPUT_NAME, PROBABILITIES

    columns = booster.feature_name()
    selected = inputs.selected
    frames = [pd.DataFrame(x, columns=columns) for x in selected]
    threads = {"n_jobs": classifier.n_jobs}
    yield SKLEARN, {"frame": "prebuilt", **threads}, classifier.predict_proba, frames
    yield (
        SKLEARN,
        {"frame": "prebuilt", "num_threads": 1},
        lambda frame: classifier.predict_proba(frame, num_threads=1),
        frames,
    )
    yield (
        SKLEARN,
        {"frame": "built per call", **threads},
        lambda x: classifier.predict_proba(pd.DataFrame(x, columns=columns)),
        selected,
    )
    for count in (1, 0):
        yield (
            "lightgbm Booster.predict (numpy)",
            {"num_threads": count or "default"},
            lambda x, count=count: booster.predict(x, num_threads=count),
            selected,
        )
    for variant in onnx_variants(rows):
        session = onnx_session(store_path(ws) / "model.onnx", variant)
        yield (
            ONNX,
            variant,
            lambda x, session=session: session.run([PROBABILITIES], {INPUT_NAME: x}),
            selected,
        )
        del session
    yield SERVED, _served_options(model.session), model.predict_proba, inputs.rows


def _served_options(session: Any) -> dict[str, Any]:
    """The options :func:`scoring.model.scorer._session` gave the served session."""
    options = session.get_session_options()
    return {
        "threads": options.intra_op_num_threads,
        "spinning": options.get_session_config_entry("session.intra_op.allow_spinning") == "1",
        "optimisation": str(options.graph_optimization_level).split(".")[-1],
        "mode": str(options.execution_mode).split(".")[-1],
        "memory_arena": options.enable_cpu_mem_arena,
    }


def _target(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Best one-row ONNX configuration and whether the served path beats sklearn 20×."""
    onnx = [r for r in records if r["rows"] == 1 and r["method"] == "onnxruntime session.run"]
    best = min(onnx, key=lambda r: r["median_us"])
    served = next(r for r in records if r["rows"] == 1 and r["method"].startswith("CreditModel"))
    return {
        "required_speedup_vs_sklearn_one_row": TARGET_SPEEDUP,
        "served_speedup": served["speedup_vs_sklearn"],
        "met": served["speedup_vs_sklearn"] >= TARGET_SPEEDUP,
        "best_onnx_one_row_options": best["options"],
        "best_onnx_one_row_median_us": best["median_us"],
    }


def print_table(
    title: str,
    records: list[dict[str, Any]],
    ratio: tuple[str, str] = ("speedup_vs_sklearn", "× vs sklearn"),
) -> None:
    """The measurements as a readable table (times in µs, per tree·row in ns); the last
    column is the record field ``ratio[0]``, headed ``ratio[1]``."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, width=172)
    for column in ("method", "rows", "options", "median µs", "p90", "p99", "IQR",
                   "µs/row", "ns/tree·row", ratio[1]):  # fmt: skip
        table.add_column(column, justify="left" if column in ("method", "options") else "right")
    for r in records:
        speedup = r.get(ratio[0])
        table.add_row(
            r["method"],
            f"{r['rows']:,}",
            _short(r["options"]),
            f"{r['median_us']:,.1f}",
            f"{r['p90_us']:,.1f}",
            f"{r['p99_us']:,.1f}",
            f"{r['iqr_us']:,.1f}",
            f"{r['us_per_row']:,.2f}",
            f"{r['us_per_tree_row'] * 1000:,.2f}",
            "" if speedup is None else f"{speedup:,.1f}",
        )
    Console(width=172).print(table)


def _short(options: dict[str, Any]) -> str:
    """Options in a few words, e.g. ``2 threads, spinning, opt disable_all, no arena``."""
    words = []
    for key, value in options.items():
        if key == "threads":
            words.append(f"{value} thread{'s' * (value > 1)}")
        elif key in ("spinning", "memory_arena"):
            words.append(
                key.replace("memory_", "") if value else f"no {key.replace('memory_', '')}"
            )
        elif key in ("optimisation", "mode"):
            words.append(str(value).removeprefix("ORT_").lower())
        else:
            words.append(f"{key}={value}")
    return ", ".join(words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5k-client workspace, short runs")
    args = parser.parse_args()
    payload = run(args.quick)
    print_table(f"Model call, {payload['model']['trees']} trees (µs per call)",
                payload["measurements"])  # fmt: skip
    print(f"target: {payload['target']}")
    print(f"wrote {write_result('model_call', payload, args.quick)}")


if __name__ == "__main__":
    main()
