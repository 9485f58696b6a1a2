"""File scoring end to end: ``python -m training score`` on 100,000 applications, and the core
of ``POST /score_file``.

Why: the issue asks that a back office's file be scored at 100,000 applications a second or
more on 2 cores, end to end (read, features, ONNX, write). The file is the workspace's
applications (the training ones without TARGET, then the test ones) repeated to 100,000 rows
under fresh ``SK_ID_CURR``, written as CSV and as Parquet, each alone in a folder (no history
beside it, as a back office's file of new applications).

Measured, in process, for each format (read and written in the same one): reading and
checking the file, scoring it (features and ONNX, in chunks on a pool of 1 and of 2
threads), writing the scores, and the three together; alongside, on the same files, the
previous implementation (the whole file's features at once, one ONNX call, pandas'
``to_csv``), and the floor: the raw ONNX call on the same rows' model input. Then the
command as a user runs it, in a new process (interpreter, imports and model load included).
Last, /score_file's core on the same rows: the upload's bytes read and checked strictly,
scored, each row's inquiry committed, drift counted, the answer file written.

The command is the issue's figure: rows / median wall time of ``python -m training score``
in a new process (at least 3 runs a format, after one that warms the disk cache and writes
the bytecode any installation has, since this environment may set PYTHONDONTWRITEBYTECODE).

Usage: .venv/bin/python benchmarks/file_scoring.py [--quick]
Writes benchmarks/results/file_scoring.json (quick: results/raw/file_scoring_quick.json).
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import source_during, source_state, summary, workspace, write_result  # noqa: E402
from scoring.files import Format  # noqa: E402

SIZES = {"full": (100_000, 5), "quick": (20_000, 2)}  # rows, repeats
# The command by file size: its start (interpreter, imports, model) is paid once per file.
COMMAND_ROWS = {"full": (100_000, 1_000_000), "quick": (20_000,)}
TARGET_ROWS_PER_S = 100_000
FORMATS: tuple[Format, ...] = ("csv", "parquet")


def applications(data: Path, rows: int, folder: Path) -> dict[Format, Path]:
    """The workspace's applications repeated to ``rows`` rows, one file per format."""
    import pandas as pd

    from scoring.schema import APPLICATION_TEST, APPLICATION_TRAIN
    from training.data import load_table, write_dataset

    train = load_table(data / "application_train.csv", APPLICATION_TRAIN).drop(columns="TARGET")
    test = load_table(data / "application_test.csv", APPLICATION_TEST)
    both = pd.concat([train, test], ignore_index=True)
    frame = pd.concat([both] * (rows // len(both) + 1), ignore_index=True).head(rows)
    frame["SK_ID_CURR"] = np.arange(1_000_000, 1_000_000 + rows)
    paths: dict[Format, Path] = {}
    for fmt in FORMATS:
        write_dataset({"application_test": frame}, folder / fmt, fmt)
        paths[fmt] = folder / fmt / f"application_test.{fmt}"
    return paths


def cli_in_process(model: Any, files: dict[Format, Path], out: Path, repeats: int) -> dict:
    """Read, score and write, step by step, with 1 and 2 threads; the previous way alongside."""
    from training import file_scoring

    results: dict[str, Any] = {}
    for fmt, path in files.items():
        target = out / f"scores.{fmt}"
        timings: dict[str, list[float]] = {}
        for _ in range(repeats):
            for threads in (1, 2):
                frames = _step(timings, f"read {threads}",
                               partial(file_scoring.read_applications, path))  # fmt: skip
                score = partial(file_scoring.score_frames, model, frames, threads=threads)
                scores = _step(timings, f"score {threads}", score)
                _step(timings, f"write {threads}",
                      partial(file_scoring.write_scores, scores, target))  # fmt: skip
            _step(timings, "previous", partial(_previous, model, path, target))
        totals = [sum(timings[f"{step} 2"][i] for step in ("read", "score", "write"))
                  for i in range(repeats)]  # fmt: skip
        totals_one = [sum(timings[f"{step} 1"][i] for step in ("read", "score", "write"))
                      for i in range(repeats)]  # fmt: skip
        results[fmt] = {
            "steps_s": {name: summary(values, "s") for name, values in timings.items()},
            "total_s": summary(totals, "s"),
            "total_one_thread_s": summary(totals_one, "s"),
            "bytes": path.stat().st_size,
        }
    return results


def _previous(model: Any, path: Path, target: Path) -> None:
    """The score command as it was: the whole file's features at once, pandas' CSV."""
    from scoring.features import build_batch
    from scoring.schema import APPLICATION_TEST
    from training.data import load_table

    frame = load_table(path, APPLICATION_TEST)
    scores = model.score_matrix(build_batch({"application_test": frame}, "application_test"))
    scores.to_csv(target.with_suffix(".csv"), index=False)


def floor(model: Any, path: Path, repeats: int) -> dict[str, Any]:
    """The raw ONNX call on the model input of the same rows (features built beforehand)."""
    from scoring.features import build_batch
    from scoring.model.contract import INPUT_NAME, PROBABILITIES, as_model_input
    from scoring.schema import APPLICATION_TEST
    from training.data import load_table

    frame = load_table(path, APPLICATION_TEST)
    values = build_batch({"application_test": frame}, "application_test").values
    inputs = as_model_input(values[:, model.columns])
    run = lambda: model.session.run([PROBABILITIES], {INPUT_NAME: inputs})  # noqa: E731
    return summary([_timed(run) for _ in range(repeats)], "s")


def command(
    files: dict[Format, Path], out: Path, env: dict[str, str], tag: str, runs: int
) -> dict[Format, list[float]]:
    """Wall times of ``python -m training score`` as a user runs it, ``runs`` per format."""
    walls: dict[Format, list[float]] = {}
    for fmt, path in files.items():
        args = [sys.executable, "-m", "training", "score", "--input", str(path), "--output",
                str(out / f"command.{fmt}"), "--model", tag]  # fmt: skip
        warm = {**os.environ, **env, "PYTHONDONTWRITEBYTECODE": ""}
        subprocess.run(args, cwd=ROOT, env=warm, check=True, capture_output=True)
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(args, cwd=ROOT, env={**os.environ, **env}, check=True,
                           capture_output=True)  # fmt: skip
            walls.setdefault(fmt, []).append(time.perf_counter() - start)
    return walls


def endpoint_core(model: Any, files: dict[Format, Path], folder: Path, repeats: int) -> dict:
    """/score_file's work once the form is read: bytes in, scored file out, inquiries."""
    from scoring.records.database import RecordsDatabase
    from scoring.serving.callers import ADMIN_SCOPES, Caller
    from scoring.serving.engine import ScoringEngine
    from scoring.serving.file_upload import FileOptions, Upload, score_upload
    from scoring.serving.runtime import drift_capture
    from scoring.settings import load_settings

    settings = load_settings()
    records = RecordsDatabase(f"sqlite:///{folder / 'records.sqlite'}")
    capture = drift_capture(model, records, settings)
    assert capture is not None, "the workspace model has reference bins"
    capture.flush_seconds = 3600
    engine = ScoringEngine(model, records, None, settings.currency, settings.review_band, capture)
    caller = Caller("bench", ADMIN_SCOPES)
    results = {}
    for fmt, path in files.items():
        upload = Upload(path.name, path.read_bytes(), FileOptions(purpose="view"), fmt)
        samples = [_timed(partial(score_upload, engine, upload, caller)) for _ in range(repeats)]
        results[fmt] = summary(samples, "s")
    return results


def _step(timings: dict[str, list[float]], name: str, run: Callable[[], Any]) -> Any:
    gc.collect()
    start = time.perf_counter()
    result = run()
    timings.setdefault(name, []).append(time.perf_counter() - start)
    return result


def _timed(run: Callable[[], Any]) -> float:
    gc.collect()
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 rows, two repeats")
    args = parser.parse_args()
    rows, repeats = SIZES["quick" if args.quick else "full"]
    space = workspace(args.quick)
    os.environ["BENTOML_HOME"] = str(space.bentoml_home)
    from scoring.model.scorer import CreditModel

    start_state = source_state()
    folder = Path(tempfile.mkdtemp(prefix="file-scoring-"))
    files = applications(space.data, rows, folder)
    model = CreditModel.from_store(space.model_tag)
    document: dict[str, Any] = {"rows": rows, "repeats": repeats, "cpus": os.cpu_count()}
    document["cli"] = cli_in_process(model, files, folder, repeats)
    document["floor_onnx_s"] = floor(model, files["parquet"], repeats)
    by_rows: dict[str, dict[str, Any]] = {}
    for size in COMMAND_ROWS["quick" if args.quick else "full"]:
        sized = files if size == rows else applications(space.data, size, folder / str(size))
        runs = max(3, repeats) if size == rows else 3
        measured = command(sized, folder, space.env, space.model_tag, runs)
        by_rows[str(size)] = {fmt: summary(values, "s") for fmt, values in measured.items()}
        if size == rows:
            walls = measured
    document["command_by_rows_s"] = by_rows
    document["command_s"] = {fmt: summary(values, "s") for fmt, values in walls.items()}
    medians = {fmt: float(np.median(values)) for fmt, values in walls.items()}
    document["command_wall_s"] = medians  # the median, as the report reads it
    document["command_rows_per_s"] = {fmt: rows / wall for fmt, wall in medians.items()}
    document["endpoint_core_s"] = endpoint_core(model, files, folder, max(2, repeats // 2))
    document["target_rows_per_s"] = TARGET_ROWS_PER_S
    document["settings"] = source_during(start_state)
    _print(document)
    print(write_result("file_scoring", document, args.quick))


def _print(document: dict[str, Any]) -> None:
    rows = document["rows"]
    for fmt, figures in document["cli"].items():
        steps = figures["steps_s"]
        total = figures["total_s"]["median"]
        print(f"{fmt}: {rows:,} rows end to end in {total:.2f} s ({rows / total:,.0f} rows/s; "
              f"1 thread {rows / figures['total_one_thread_s']['median']:,.0f} rows/s) — "
              f"read {steps['read 2']['median']:.2f} s, score {steps['score 2']['median']:.2f} "
              f"s, write {steps['write 2']['median']:.2f} s; previous "
              f"{steps['previous']['median']:.2f} s; the command (new process) "
              f"{document['command_wall_s'][fmt]:.2f} s = "
              f"{document['command_rows_per_s'][fmt]:,.0f} rows/s; /score_file's core "
              f"{document['endpoint_core_s'][fmt]['median']:.2f} s")  # fmt: skip
    print(f"ONNX floor: {document['floor_onnx_s']['median']:.2f} s")
    for size, formats in document["command_by_rows_s"].items():
        for fmt, wall in formats.items():
            print(f"the command, {int(size):,} rows, {fmt}: {wall['median']:.2f} s = "
                  f"{int(size) / wall['median']:,.0f} rows/s")  # fmt: skip


if __name__ == "__main__":
    main()
