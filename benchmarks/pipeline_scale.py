"""Benchmark of the pipeline at scale: generation, features and training, time and memory.

Each stage runs as its own subprocess of the project's CLI (``python -m training generate``,
``features``, ``train``), so that its peak resident memory is its own: the parent reads the
child's ``ru_maxrss`` from ``os.wait4`` when it ends (exact, unlike polling). LightGBM and
numpy use threads, not processes, so the child's figure covers them. Training runs the very
CLI command through a small in-process wrapper (``timed-train`` below) that times each step
the pipeline reports through its progress callback, so the report shows where time goes.

Usage::

    .venv/bin/python benchmarks/pipeline_scale.py            # 20,000 / 100,000 / 307,511
    .venv/bin/python benchmarks/pipeline_scale.py --quick    # 2,000 / 5,000 / 10,000
    .venv/bin/python benchmarks/pipeline_scale.py --scales 307511 --keep

Data lives in ``data/bench/scale-N/data`` (git-ignored), is reused when present (the
generation figures measured when it was written are reported again, marked ``reused``),
rebuilt with ``--regenerate``, and deleted at the end unless ``--keep``.

Result (``benchmarks/results/pipeline_scale.json``; quick runs go to ``results/raw/``)::

    scales: list, one record per scale, smallest first:
      clients        labelled clients (application_train rows)
      rows           {table: rows} for every file of the data set
      history_rows   rows of the six history tables together
      bytes_on_disk  size of the data set's files
      stages         {generate|features|train: {wall_s, peak_rss_mb, cpu_s, ...}}
        generate:  + reused (figures from the run that wrote the data)
        features:  + build_s (feature computation alone, as the CLI reports it)
        train:     + steps_s {step: seconds}, one key per progress step, named by its
                   first word (load, building, cross-validating (with the refit),
                   exporting, explaining, evaluating, save), steps_cpu_s (the same keys:
                   CPU seconds, user + system, of all the process's threads),
                   steps_peak_rss_mb (the process's high-water mark at the step's end),
                   steps_load_1m (the machine's 1-minute load average at the step's end:
                   above 2 on this 2-core machine, other work competed with the step),
                   roc_auc_oof, roc_auc_holdout
    growth: {stage: {wall_s|peak_rss_mb: [{from, to, exponent}]}}, the log-log slope
            between consecutive scales (1 = linear in clients)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import BENCH_DIR, SEED, write_result  # noqa: E402

FULL_SCALES = (20_000, 100_000, 307_511)
QUICK_SCALES = (2_000, 5_000, 10_000)
STAGES = ("generate", "features", "train")
APPLICATION_TABLES = ("application_train", "application_test")
GENERATION_RECORD = "generation.json"
TRAIN_TIMINGS = "train_timings.json"
# The CLI's own report of the feature computation, e.g. "... × 546 features in 12.3 s".
FEATURES_REPORT = re.compile(r"features in ([0-9.]+) s")
TRAINING = [sys.executable, "-m", "training"]
# Bytecode cache of the children, outside the source tree and the venv (see child_env).
PYCACHE = BENCH_DIR / "pycache"
# What the stages import, compiled once before anything is measured.
WARM_UP = "import training.cli, training.data, training.synth, training.model.pipeline"


@dataclass(frozen=True)
class Measurement:
    """One child process: wall time, peak resident memory and CPU time (user + system)."""

    wall_s: float
    peak_rss_mb: float
    cpu_s: float


def child_env(**extra: str) -> dict[str, str]:
    """The environment of every stage: this one, with a persistent bytecode cache.

    Without it (``PYTHONDONTWRITEBYTECODE`` is set in some sandboxes and the venv ships no
    ``.pyc``) each child recompiles every imported module, tens of seconds that a user's
    second run never pays. The cache lives under ``data/bench/`` (git-ignored).
    """
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": str(PYCACHE), **extra}


def warm_up(logs: Path) -> None:
    """Fill the bytecode cache once, unmeasured, so no stage pays for compiling."""
    run_stage([sys.executable, "-c", WARM_UP], logs / "warm_up.log")


def run_stage(command: list[str], log: Path, env: dict[str, str] | None = None) -> Measurement:
    """Run ``command`` to completion, its output in ``log``; raise naming the log on failure."""
    with log.open("w") as output:
        started = time.perf_counter()
        environment = env or child_env()
        child = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=output, stderr=output)
        # wait4 rather than child.wait(): it returns the child's rusage (ru_maxrss in KiB).
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        tail = "\n".join(log.read_text().splitlines()[-15:])
        raise SystemExit(f"{' '.join(command[1:4])} failed ({child.returncode}); {log}:\n{tail}")
    return Measurement(wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)


def generate(clients: int, data: Path, regenerate: bool, logs: Path) -> dict:
    """Generate the data set unless a complete one is there; the generation figures."""
    record = data.parent / GENERATION_RECORD
    if not regenerate and _complete(data, clients) and record.is_file():
        return {**json.loads(record.read_text()), "reused": True}
    shutil.rmtree(data.parent, ignore_errors=True)
    data.parent.mkdir(parents=True)
    command = [*TRAINING, "generate", "--clients", str(clients), "--seed", str(SEED)]
    measurement = run_stage([*command, "--out", str(data)], logs / "generate.log")
    record.write_text(json.dumps(asdict(measurement)) + "\n")
    return {**asdict(measurement), "reused": False}


def _complete(data: Path, clients: int) -> bool:
    marker = data / "DATASET.json"
    if not marker.is_file():
        return False
    facts = json.loads(marker.read_text())
    return facts.get("clients") == clients and facts.get("seed") == SEED


def dataset_facts(data: Path) -> dict:
    """Rows of every table (lines minus the header) and bytes on disk."""
    files = sorted(data.glob("*.csv"))
    rows = {path.stem: _lines(path) - 1 for path in files}
    history = sum(n for name, n in rows.items() if name not in APPLICATION_TABLES)
    size = sum(path.stat().st_size for path in data.iterdir() if path.is_file())
    return {"rows": rows, "history_rows": history, "bytes_on_disk": size}


def _lines(path: Path) -> int:
    count = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 24):
            count += chunk.count(b"\n")
    return count


def features(data: Path, logs: Path) -> dict:
    """The ``features`` command: load and validate every table, then build the matrix."""
    log = logs / "features.log"
    measurement = run_stage([*TRAINING, "features", "--data", str(data)], log)
    reported = FEATURES_REPORT.search(log.read_text())
    return {**asdict(measurement), "build_s": float(reported.group(1)) if reported else None}


def train(data: Path, logs: Path) -> dict:
    """The ``train`` command in a throw-away store, through the step-timing wrapper."""
    with tempfile.TemporaryDirectory(prefix="pipeline-scale-") as scratch:
        env = child_env(BENTOML_HOME=str(Path(scratch) / "bentoml"))
        timings = Path(scratch) / TRAIN_TIMINGS
        command = [sys.executable, __file__, "timed-train", str(data), scratch, str(timings)]
        measurement = run_stage(command, logs / "train.log", env)
        steps = json.loads(timings.read_text())
        card = json.loads((Path(scratch) / "credit_scoring" / "model_card.json").read_text())
    metrics = card["metrics"]
    return {
        **asdict(measurement),
        **steps,
        "roc_auc_oof": metrics["oof"]["roc_auc"],
        "roc_auc_holdout": metrics["holdout"]["roc_auc"],
    }


def timed_train(data: str, models_dir: str, timings: str) -> None:
    """Child process: run ``training train`` unchanged; write the time and memory of each step.

    ``train_model`` reports each step through its progress callback when it starts; the
    wrapper stamps those calls, so a step lasts until the next one (or until the model is
    returned). ``load`` covers imports and loading the tables, ``save`` the store entry.
    The memory stamped at a step's end is the process's high-water mark so far.
    """
    started = time.perf_counter()
    import resource

    from training import cli
    from training.model import pipeline

    stamps: list[tuple[str, float, float, float, float]] = []

    def stamp(name: str, message: str = "") -> None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        peak_mb = usage.ru_maxrss / 1024
        cpu = usage.ru_utime + usage.ru_stime
        stamps.append((name, time.perf_counter(), cpu, peak_mb, os.getloadavg()[0]))
        line = f"{stamps[-1][1] - started:8.1f} s {peak_mb:9,.0f} MiB  {message or name}"
        print(line, file=sys.stderr, flush=True)

    train_model, save_model = pipeline.train_model, pipeline.save_model

    def timed_train_model(frames, config, progress=None):
        def step(message: str) -> None:
            stamp(message.split()[0], message)
            if progress is not None:
                progress(message)

        model = train_model(frames, config, step)
        stamp("save")
        return model

    def timed_save_model(*args, **kwargs):
        tag = save_model(*args, **kwargs)
        stamp("end")
        return tag

    stamps.append(("load", started, 0.0, 0.0, os.getloadavg()[0]))
    pipeline.train_model, pipeline.save_model = timed_train_model, timed_save_model
    cli.app(["train", "--data", data, "--models-dir", models_dir], standalone_mode=False)
    steps: dict[str, dict[str, float]] = {
        key: {} for key in ("steps_s", "steps_cpu_s", "steps_peak_rss_mb", "steps_load_1m")
    }
    for (name, start, cpu_start, _, _), (_, stop, cpu_stop, peak_mb, load) in pairwise(stamps):
        steps["steps_s"][name] = steps["steps_s"].get(name, 0.0) + stop - start
        steps["steps_cpu_s"][name] = steps["steps_cpu_s"].get(name, 0.0) + cpu_stop - cpu_start
        steps["steps_peak_rss_mb"][name] = peak_mb
        steps["steps_load_1m"][name] = load
    Path(timings).write_text(json.dumps(steps) + "\n")


def measure_scale(clients: int, regenerate: bool, keep: bool, logs: Path) -> dict:
    """Every stage at one scale; the data set is deleted afterwards unless ``keep``."""
    data = BENCH_DIR / f"scale-{clients}" / "data"
    scale_logs = logs / f"scale-{clients}"
    scale_logs.mkdir(parents=True, exist_ok=True)
    print(f"[{time.strftime('%H:%M:%S')}] {clients:,} clients (logs in {scale_logs})", flush=True)
    try:
        stages = {"generate": generate(clients, data, regenerate, scale_logs)}
        facts = dataset_facts(data)
        stages["features"] = features(data, scale_logs)
        stages["train"] = train(data, scale_logs)
    finally:
        if not keep:
            shutil.rmtree(data.parent, ignore_errors=True)
    return {"clients": clients, **facts, "stages": stages}


def growth(records: list[dict]) -> dict:
    """Log-log slope of each stage's time and memory between consecutive scales."""
    return {
        stage: {
            metric: [
                {"from": low["clients"], "to": high["clients"], "exponent": exponent}
                for low, high in pairwise(records)
                if (exponent := _slope(low, high, stage, metric)) is not None
            ]
            for metric in ("wall_s", "peak_rss_mb")
        }
        for stage in STAGES
    }


def _slope(low: dict, high: dict, stage: str, metric: str) -> float | None:
    low_value, high_value = low["stages"][stage][metric], high["stages"][stage][metric]
    if low_value <= 0 or high_value <= 0 or low["clients"] == high["clients"]:
        return None
    return math.log(high_value / low_value) / math.log(high["clients"] / low["clients"])


def print_report(records: list[dict], slopes: dict) -> None:
    """Stage figures per scale, where training spends its time, and the growth exponents."""
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 120)
    table = Table(title="Pipeline at scale: wall time (s) and peak RSS (MiB) per stage")
    table.add_column("clients", justify="right")
    table.add_column("history rows", justify="right")
    table.add_column("disk MiB", justify="right")
    for stage in STAGES:
        table.add_column(f"{stage} s", justify="right")
        table.add_column(f"{stage} MiB", justify="right")
    for record in records:
        cells = [f"{record['clients']:,}", f"{record['history_rows']:,}"]
        cells.append(f"{record['bytes_on_disk'] / 2**20:,.0f}")
        for stage in STAGES:
            figures = record["stages"][stage]
            reused = "*" if figures.get("reused") else ""
            cells += [f"{figures['wall_s']:,.1f}{reused}", f"{figures['peak_rss_mb']:,.0f}"]
        table.add_row(*cells)
    if any(r["stages"]["generate"].get("reused") for r in records):
        table.caption = "* data reused: figures of the run that generated it"
    console.print(table)
    steps = Table(title="Training steps: wall s / CPU s / peak RSS so far (MiB) / load")
    steps.add_column("step")
    for record in records:
        steps.add_column(f"{record['clients']:,}", justify="right")
    names = dict.fromkeys(n for r in records for n in r["stages"]["train"]["steps_s"])
    for name in names:
        cells = [_step_cell(r["stages"]["train"], name) for r in records]
        steps.add_row(name, *cells)
    for key in ("roc_auc_oof", "roc_auc_holdout"):
        steps.add_row(key, *(f"{r['stages']['train'][key]:.4f}" for r in records))
    console.print(steps)
    if len(records) > 1:
        exponents = Table(title="Growth exponent: d log(y) / d log(clients), 1 = linear")
        for column in ("stage", "between", "wall time", "peak RSS"):
            exponents.add_column(column, justify="left" if column == "stage" else "right")
        for stage, metrics in slopes.items():
            for wall, rss in zip(metrics["wall_s"], metrics["peak_rss_mb"], strict=True):
                between = f"{wall['from']:,} → {wall['to']:,}"
                row = [f"{wall['exponent']:.2f}", f"{rss['exponent']:.2f}"]
                exponents.add_row(stage, between, *row)
        console.print(exponents)


def _step_cell(train: dict, name: str) -> str:
    seconds, cpu = train["steps_s"].get(name, 0.0), train["steps_cpu_s"].get(name, 0.0)
    peak, load = train["steps_peak_rss_mb"].get(name, 0.0), train["steps_load_1m"].get(name, 0.0)
    return f"{seconds:,.1f} / {cpu:,.1f} / {peak:,.0f} / {load:.1f}"


def main() -> None:
    """Parse options, measure every scale, print the report and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"scales {QUICK_SCALES}")
    parser.add_argument("--scales", type=int, nargs="+", help="clients per scale")
    parser.add_argument("--regenerate", action="store_true", help="regenerate reused data")
    parser.add_argument("--keep", action="store_true", help="keep the data for the next run")
    args = parser.parse_args()
    scales = sorted(args.scales or (QUICK_SCALES if args.quick else FULL_SCALES))
    if any(n < 100 for n in scales):
        parser.error("--scales: each scale needs at least 100 clients (the generator's minimum)")
    logs = Path(tempfile.mkdtemp(prefix="pipeline-scale-logs-"))
    warm_up(logs)
    records = [measure_scale(n, args.regenerate, args.keep, logs) for n in scales]
    slopes = growth(records)
    print_report(records, slopes)
    path = write_result("pipeline_scale", {"scales": records, "growth": slopes}, args.quick)
    print(f"written {path}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["timed-train"]:
        timed_train(*sys.argv[2:5])
    else:
        main()
