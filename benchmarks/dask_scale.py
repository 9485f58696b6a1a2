"""Benchmark of features and batch scoring against scale: in memory vs Dask, plus the
partitioned generator's throughput and the 10× estimate it gives.

Each stage runs as its own subprocess of the project's CLI (``python -m training features``,
``score``, ``partition``, ``generate --partitions``) or of this script (``score-dask``, the
batch-scoring core ``score_partitions`` on a local cluster). Its memory is the sum of the
resident sets of the whole process tree (client, scheduler, nannies, workers), polled every
0.1 s: shared pages count once per process, so it overstates a little, the same way for
both paths. ``max_rss_mb`` is the largest single process's own high-water mark.

Usage::

    .venv/bin/python benchmarks/dask_scale.py                 # 20,000 / 100,000 / 307,511
    .venv/bin/python benchmarks/dask_scale.py --quick         # 2,000 / 5,000
    .venv/bin/python benchmarks/dask_scale.py --scales 20000 --generator-clients 100000

Result (``benchmarks/results/dask_scale.json``; quick runs go to ``results/raw/``)::

    scales: one record per scale: clients, rows {table: rows}, history_rows, csv_bytes,
            parquet_bytes, partitions, stages {name: {wall_s, peak_rss_mb, max_rss_mb}} for
            partition, features_memory (CSV), features_memory_parquet, features_dask,
            score_memory, score_dask
    generator: clients, partitions, wall_s, applications, applications_per_s, history_rows,
               bytes, bytes_per_application, peak_rss_mb
    estimate_10x: what 10× the Kaggle scale would take (see docs/scaling.md), and its basis

``--ten-x`` writes ``results/dask_scale_10x.json`` instead. The report's section
(``benchmarks/report_scale.py``) reads both and draws ``results/dask_scale.png``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import BENCH_DIR, SEED, source_state, write_result  # noqa: E402
from benchmarks.pipeline_scale import child_env, warm_up  # noqa: E402
from scoring.model.store import CARD_FILE  # noqa: E402

FULL_SCALES = (20_000, 100_000, 307_511)
QUICK_SCALES = (2_000, 5_000)
KAGGLE_CLIENTS = 307_511
TEN_X = 10 * KAGGLE_CLIENTS
WORK = BENCH_DIR / "dask-scale"
TRAINING = [sys.executable, "-m", "training"]
TEN_X_SAMPLE = 0.1  # of the partitions: about the clients of the Kaggle scale
# Data sets generated already (same generator, clients and seed): the monitoring
# benchmark's full-scale one, which it keeps, and this benchmark's own.
KNOWN_DATA = ("monitor-{n}/reference/data", "dask-scale/csv-{n}")
MODEL_CLIENTS = 20_000


def run_polled(command: list[str], log: Path, env: dict[str, str] | None = None) -> dict:
    """Run ``command``; its wall time, polled process-tree RSS peak and largest own peak."""
    with log.open("w") as output:
        started = time.perf_counter()
        child = subprocess.Popen(
            command, cwd=ROOT, env=env or child_env(), stdout=output, stderr=output
        )
        peak = {"sum": 0.0, "max": 0.0}
        done = threading.Event()
        poller = threading.Thread(target=_poll, args=(child.pid, peak, done), daemon=True)
        poller.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        poller.join()
    if os.waitstatus_to_exitcode(status) != 0:
        tail = "\n".join(log.read_text().splitlines()[-15:])
        raise SystemExit(f"{' '.join(command[1:4])} failed; {log}:\n{tail}")
    own = max(usage.ru_maxrss / 1024, peak["max"])
    return {"wall_s": wall, "peak_rss_mb": peak["sum"] / 2**20, "max_rss_mb": own}


def _poll(pid: int, peak: dict[str, float], done: threading.Event) -> None:
    """Largest sum of RSS over ``pid`` and all its descendants, every 0.1 s."""
    try:
        root = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    while not done.is_set():
        total = 0.0
        try:
            processes = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        for process in processes:
            try:
                rss = float(process.memory_info().rss)
            except psutil.Error:
                continue
            total += rss
            peak["max"] = max(peak["max"], rss / 2**20)
        peak["sum"] = max(peak["sum"], total)
        done.wait(0.1)


def csv_data(clients: int, logs: Path) -> Path:
    """A CSV data set of ``clients`` (seed 42): one already generated, or a new one."""
    for pattern in KNOWN_DATA:
        candidate = BENCH_DIR / pattern.format(n=clients)
        marker = candidate / "DATASET.json"
        if marker.is_file():
            facts = json.loads(marker.read_text())
            if facts.get("clients") == clients and facts.get("seed") == SEED:
                return candidate
    target = WORK / f"csv-{clients}"
    shutil.rmtree(target, ignore_errors=True)
    command = [*TRAINING, "generate", "--clients", str(clients), "--seed", str(SEED)]
    run_polled([*command, "--out", str(target)], logs / f"generate-{clients}.log")
    return target


def model(logs: Path) -> tuple[dict[str, str], str]:
    """Environment and tag of the model to score with, trained once in a store of its own
    (its quality does not matter here: scoring time barely depends on it)."""
    tag_file, home = WORK / "model_tag.txt", WORK / "bentoml"
    env = child_env(BENTOML_HOME=str(home), MLFLOW_TRACKING_URI=f"sqlite:///{WORK / 'mlflow.db'}")
    if not tag_file.is_file():
        data = csv_data(MODEL_CLIENTS, logs)
        train = [*TRAINING, "train", "--data", str(data), "--folds", "2"]
        run_polled(train, logs / "train.log", env)
        latest = "import bentoml; print(bentoml.models.get('credit_scoring:latest').tag)"
        tag = subprocess.run([sys.executable, "-c", latest], env=env, check=True,
                             capture_output=True, text=True).stdout.strip()  # fmt: skip
        tag_file.write_text(tag + "\n")
    return env, tag_file.read_text().strip()


def measure_scale(clients: int, env: dict[str, str], tag: str, logs: Path) -> dict:
    """Partition, then features and scoring both ways, at one scale."""
    print(f"[{time.strftime('%H:%M:%S')}] {clients:,} clients (logs in {logs})", flush=True)
    csv = csv_data(clients, logs)
    scratch = Path(tempfile.mkdtemp(prefix=f"dask-scale-{clients}-", dir=WORK))
    parts, single = scratch / "parts", scratch / "single"
    try:
        stages = {"partition": run_polled(
            [*TRAINING, "partition", "--data", str(csv), "--out", str(parts)],
            logs / f"partition-{clients}.log")}  # fmt: skip
        run_polled([*TRAINING, "partition", "--data", str(csv), "--out", str(single),
                    "--partitions", "1"], logs / f"single-{clients}.log")  # fmt: skip
        layout = json.loads((parts / "_partitioning.json").read_text())
        features = [*TRAINING, "features", "--data"]
        stages["features_memory"] = run_polled([*features, str(csv)], logs / "f-mem.log")
        stages["features_memory_parquet"] = run_polled(
            [*features, str(single / "part-00000")], logs / "f-parquet.log"
        )
        stages["features_dask"] = run_polled([*features, str(parts)], logs / "f-dask.log")
        score = [*TRAINING, "score", "--model", tag, "--output", str(scratch / "memory.csv")]
        stages["score_memory"] = run_polled(
            [*score, "--input", str(csv / "application_test.csv")], logs / "s-mem.log", env
        )
        dask_score = [sys.executable, __file__, "score-dask", str(parts), tag]
        stages["score_dask"] = run_polled(
            [*dask_score, str(scratch / "dask.csv")], logs / "s-dask.log", env
        )
        rows = layout["rows"]
        return {
            "clients": clients,
            "rows": rows,
            "history_rows": sum(n for t, n in rows.items() if not t.startswith("application")),
            "csv_bytes": sum(p.stat().st_size for p in csv.glob("*.csv")),
            "parquet_bytes": _bytes(parts),
            "partitions": layout["partitions"],
            "stages": stages,
        }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _bytes(directory: Path) -> int:
    return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())


def score_dask(parts: str, tag: str, output: str) -> None:
    """Child process: the batch-scoring core on a local cluster, written as the CLI would."""
    from scoring.model.scorer import CreditModel
    from training.distributed.cluster import dask_client
    from training.distributed.layout import read_layout
    from training.distributed.score import score_partitions

    scorer = CreditModel.from_store(tag)
    with dask_client() as client:
        scores = score_partitions(read_layout(Path(parts)), client, scorer)
    scores.to_csv(output, index=False)
    print(f"scored {len(scores):,} applications", flush=True)


def measure_generator(clients: int, partitions: int, logs: Path) -> dict:
    """The partitioned generator on a local cluster: its throughput and bytes per application."""
    out = WORK / f"generated-{clients}"
    shutil.rmtree(out, ignore_errors=True)
    command = [*TRAINING, "generate", "--clients", str(clients), "--seed", str(SEED),
               "--partitions", str(partitions), "--out", str(out)]  # fmt: skip
    try:
        measured = run_polled(command, logs / "generate-partitioned.log")
        rows = json.loads((out / "_partitioning.json").read_text())["rows"]
        size = _bytes(out)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    applications = rows["application_train"] + rows["application_test"]
    return {
        "clients": clients,
        "partitions": partitions,
        **measured,
        "applications": applications,
        "applications_per_s": applications / measured["wall_s"],
        "history_rows": sum(n for t, n in rows.items() if not t.startswith("application")),
        "bytes": size,
        "bytes_per_application": size / applications,
    }


def estimate_10x(generator: dict, scales: list[dict]) -> dict:
    """10× Kaggle, computed from the measured throughputs (linear: fixed-size partitions)."""
    applications = round(generator["applications"] * TEN_X / generator["clients"])
    largest = max(scales, key=lambda r: r["clients"]) if scales else None
    estimate = {
        "clients": TEN_X,
        "applications": applications,
        "history_rows": round(generator["history_rows"] * TEN_X / generator["clients"]),
        "partitions": math.ceil(TEN_X / 50_000),
        "generate_s": applications / generator["applications_per_s"],
        "disk_bytes": applications * generator["bytes_per_application"],
        "basis": f"generator throughput measured on {generator['partitions']} partitions of "
        f"{generator['clients'] // generator['partitions']:,} clients, 2 workers",
    }
    if largest is not None:
        factor = TEN_X / largest["clients"]
        for stage in ("features_dask", "score_dask"):
            estimate[f"{stage}_s"] = largest["stages"][stage]["wall_s"] * factor
        estimate["basis"] += f"; features and scoring scaled linearly from {largest['clients']:,}"
    return estimate


def measure_ten_x(env: dict[str, str], tag: str, logs: Path) -> dict:
    """10× the Kaggle scale, measured: generated partition by partition, then features and
    batch scoring on the local cluster. The data is kept in ``WORK/parts-10x`` (git-ignored)
    and reused by the next run, its generation figures with it."""
    out, record = WORK / "parts-10x", WORK / "parts-10x.generation.json"
    reused = (out / "_partitioning.json").is_file() and record.is_file()
    if not reused:
        shutil.rmtree(out, ignore_errors=True)
        print(f"[{time.strftime('%H:%M:%S')}] 10×: generating {TEN_X:,} clients", flush=True)
        command = [*TRAINING, "generate", "--clients", str(TEN_X), "--seed", str(SEED),
                   "--partitions", str(math.ceil(TEN_X / 50_000)), "--out", str(out)]  # fmt: skip
        record.write_text(json.dumps(run_polled(command, logs / "generate-10x.log")) + "\n")
    layout = json.loads((out / "_partitioning.json").read_text())
    stages = {"generate": {**json.loads(record.read_text()), "reused": reused}}
    print(f"[{time.strftime('%H:%M:%S')}] 10×: features on Dask", flush=True)
    shutil.rmtree(WORK / "features-10x", ignore_errors=True)  # the last run's: refused as --out
    features = [*TRAINING, "features", "--data", str(out), "--out", str(WORK / "features-10x")]
    stages["features_dask"] = run_polled(features, logs / "f-dask-10x.log")
    print(f"[{time.strftime('%H:%M:%S')}] 10×: scoring on Dask", flush=True)
    scores = WORK / "scores-10x.csv"
    stages["score_dask"] = run_polled(
        [sys.executable, __file__, "score-dask", str(out), tag, str(scores)],
        logs / "s-dask-10x.log",
        env,
    )
    stages["train_sample"] = train_sample(out, logs)
    rows = layout["rows"]
    return {
        "clients": TEN_X,
        "rows": rows,
        "history_rows": sum(n for t, n in rows.items() if not t.startswith("application")),
        "parquet_bytes": _bytes(out),
        "features_bytes": _bytes(WORK / "features-10x"),
        "partitions": layout["partitions"],
        "stages": stages,
    }


def train_sample(parts: Path, logs: Path) -> dict:
    """``train --sample 0.1`` on the 10× partitions (docs/scaling.md: the sampling that stands
    for distributed training), in a store of its own, thrown away after: its time, memory,
    the clients it trained on and its holdout ROC AUC (from the card)."""
    home = Path(tempfile.mkdtemp(prefix="train-10x-", dir=WORK))
    env = child_env(BENTOML_HOME=str(home / "bentoml"),
                    MLFLOW_TRACKING_URI=f"sqlite:///{home / 'mlflow.db'}")  # fmt: skip
    try:
        print(f"[{time.strftime('%H:%M:%S')}] 10×: training on a 10 % sample", flush=True)
        command = [*TRAINING, "train", "--data", str(parts), "--sample", str(TEN_X_SAMPLE),
                   "--seed", str(SEED)]  # fmt: skip
        measured = run_polled(command, logs / "train-10x.log", env)
        card = json.loads(next(home.glob(f"bentoml/**/{CARD_FILE}")).read_text())
        metrics = card["metrics"]
        labelled = metrics["oof"]["n"] + metrics["holdout"]["n"]
        return {**measured, "sample": TEN_X_SAMPLE, "clients": labelled,
                "holdout_roc_auc": metrics["holdout"]["roc_auc"],
                "oof_roc_auc": metrics["oof"]["roc_auc"]}  # fmt: skip
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    """Parse options, measure, print a summary, write the JSON (the report draws the plot)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"scales {QUICK_SCALES}")
    parser.add_argument("--scales", type=int, nargs="*", help="clients per scale")
    parser.add_argument("--generator-clients", type=int, help="default 200,000 (quick: 10,000)")
    parser.add_argument("--generator-partitions", type=int, help="default: 50,000 clients each")
    parser.add_argument(
        "--ten-x",
        action="store_true",
        help=f"only the measured 10× run ({TEN_X:,} clients, Dask only)",
    )
    args = parser.parse_args()
    if args.ten_x:
        WORK.mkdir(parents=True, exist_ok=True)
        logs = Path(tempfile.mkdtemp(prefix="dask-scale-10x-logs-"))
        source = source_state(("scoring", "training"))
        env, tag = model(logs)
        ten_x = measure_ten_x(env, tag, logs)
        print(json.dumps(ten_x, indent=1))
        payload = {"settings": {"source": source, "model": tag}, "ten_x": ten_x}
        print(f"written {write_result('dask_scale_10x', payload, False)}")
        return
    scales = sorted(QUICK_SCALES if args.quick else FULL_SCALES if args.scales is None
                    else args.scales)  # fmt: skip
    generator_clients = args.generator_clients or (10_000 if args.quick else 200_000)
    partitions = args.generator_partitions or max(1, math.ceil(generator_clients / 50_000))
    WORK.mkdir(parents=True, exist_ok=True)
    logs = Path(tempfile.mkdtemp(prefix="dask-scale-logs-"))
    source = source_state(("scoring", "training"))
    warm_up(logs)
    env, tag = model(logs)
    records = [measure_scale(n, env, tag, logs) for n in scales]
    print(f"[{time.strftime('%H:%M:%S')}] generator: {generator_clients:,} clients", flush=True)
    generator = measure_generator(generator_clients, partitions, logs)
    estimate = estimate_10x(generator, records)
    for record in records:
        cells = [f"{k} {v['wall_s']:.1f} s / {v['peak_rss_mb']:,.0f} MiB"
                 for k, v in record["stages"].items()]  # fmt: skip
        print(f"{record['clients']:>9,}: " + "; ".join(cells))
    print(json.dumps({"generator": generator, "estimate_10x": estimate}, indent=1))
    payload = {"settings": {"source": source, "model": tag}, "scales": records,
               "generator": generator, "estimate_10x": estimate}  # fmt: skip
    path = write_result("dask_scale", payload, args.quick)
    print(f"written {path}; `python -m benchmarks.report` draws its plot")


if __name__ == "__main__":
    if sys.argv[1:2] == ["score-dask"]:
        score_dask(*sys.argv[2:5])
    else:
        main()
