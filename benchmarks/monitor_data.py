"""The populations the monitor comparisons run on, and how a tool under test is measured.

A population is a generated dataset (``python -m training generate``), shifted or not by a
scenario of :mod:`training.synth.scenarios`, with its feature matrix (``python -m training
features``), cached under ``data/bench/monitor-<clients>/<population>/`` (git-ignored): at
full scale (307,511 clients) each takes about 8 minutes and 11 GB to generate. A dataset is
reused while its clients, seed and scenario match; a feature matrix while the feature code
that built it is unchanged. From them, the inputs of one model: its features, its score and
the label, one Parquet file per population and model version.

A tool runs in a child process of its own (:func:`run_measured`), so its peak resident memory
is its own (``os.wait4``); a watchdog stops it past a memory or time limit, so that a tool
that cannot cope says so instead of taking the machine down. The child is started by a small
launcher (:data:`LAUNCHER`), not by the benchmark itself: on Linux a child's ``ru_maxrss``
counts the memory of the process it was forked from (the kernel keeps the high-water mark of
the address space it replaces at ``exec``), and the benchmark holds gigabytes of data.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from contextlib import suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import BENCH_DIR, ROOT

# name -> (seed, scenario): the training population and independent ones, shifted or not.
POPULATIONS: dict[str, tuple[int, str | None]] = {
    "reference": (42, None),
    "unchanged": (43, None),
    "downturn": (43, "downturn"),
    "product_mix": (43, "product_mix"),
}
FEATURE_SOURCES = ("scoring/features", "scoring/schema")
WATCH_EVERY_S = 0.2
# python -S -c LAUNCHER OUT COMMAND...: run COMMAND from a process of a few MiB, write its
# peak RSS (KiB) to OUT, exit with its status.
LAUNCHER = """import os, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
open(sys.argv[1], "w").write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status) % 256)"""


def population_dir(clients: int, name: str) -> Path:
    """Where population ``name`` at ``clients`` lives."""
    return BENCH_DIR / f"monitor-{clients}" / name


def dataset_matches(marker: dict[str, Any], clients: int, seed: int, scenario: str | None) -> bool:
    """Whether a dataset's ``DATASET.json`` says it has these clients, seed and scenario."""
    return (
        marker.get("clients") == clients
        and marker.get("seed") == seed
        and marker.get("scenario") == scenario
    )


def population(clients: int, name: str) -> Path:
    """The feature matrix (Parquet) of population ``name``, generated and built if needed."""
    from training.provenance import source_digest

    seed, scenario = POPULATIONS[name]
    folder = population_dir(clients, name)
    data, features, stamp = folder / "data", folder / "features.parquet", folder / "features.json"
    marker = data / "DATASET.json"
    if not (marker.is_file() and dataset_matches(json.loads(marker.read_text()), clients,
                                                 seed, scenario)):  # fmt: skip
        print(f"generating {name} ({clients:,} clients, seed {seed})", flush=True)
        command = ["generate", "--clients", str(clients), "--seed", str(seed), "--out", str(data)]
        _training([*command, *(["--scenario", scenario] if scenario else [])], folder)
        features.unlink(missing_ok=True)
    digest = source_digest(FEATURE_SOURCES)
    if not (features.is_file() and stamp.is_file() and json.loads(stamp.read_text()) == digest):
        print(f"building the features of {name}", flush=True)
        _training(["features", "--data", str(data), "--out", str(features)], folder)
        stamp.write_text(json.dumps(digest) + "\n")
    return features


def _training(arguments: list[str], folder: Path) -> None:
    """``python -m training ARGUMENTS``, its output in ``folder/<command>.log``."""
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / f"{arguments[0]}.log"
    with log.open("w") as out:
        done = subprocess.run([sys.executable, "-m", "training", *arguments], cwd=ROOT,
                              stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
    if done.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        raise SystemExit(f"training {arguments[0]} failed ({done.returncode}), {log}:\n{tail}")


def model_inputs(clients: int, name: str, model: Any) -> Path:
    """Parquet of the model's features, ``score`` (its probability) and ``TARGET`` for every
    client of population ``name``; cached per model version."""
    import pandas as pd

    features = population(clients, name)
    version = model.tag.split(":")[-1]
    path = population_dir(clients, name) / f"inputs-{version}.parquet"
    if path.is_file() and path.stat().st_mtime >= features.stat().st_mtime:
        return path
    matrix = pd.read_parquet(features)
    names = [str(matrix.columns[i]) for i in model.columns]
    frame = matrix[names].astype("float64")
    frame["score"] = model.predict_proba(matrix.to_numpy(dtype="float64"))
    labels = pd.read_csv(population_dir(clients, name) / "data" / "application_train.csv",
                         usecols=["SK_ID_CURR", "TARGET"]).set_index("SK_ID_CURR")  # fmt: skip
    frame["TARGET"] = labels.loc[matrix.index, "TARGET"].to_numpy()
    frame.reset_index(drop=True).to_parquet(path)
    return path


@dataclass(frozen=True)
class Run:
    """One child process: how long, how much memory, and how it ended."""

    wall_s: float
    peak_rss_mb: float
    exit: int
    stopped: str | None  # why the watchdog stopped it, None when it ended by itself
    log_tail: str


def run_measured(command: list[str], env: dict[str, str], log: Path, limit_mb: float,
                 timeout_s: float) -> Run:  # fmt: skip
    """Run ``command`` through the launcher; its peak RSS as ``os.wait4`` reports it (or, when
    the watchdog stopped it, the highest it saw); stopped (SIGKILL to its process group) when
    its memory passes ``limit_mb`` or its time ``timeout_s``."""
    import psutil

    stopped, seen_mb = None, 0.0
    peak_file = log.with_suffix(".maxrss")
    peak_file.unlink(missing_ok=True)
    launched = [sys.executable, "-S", "-c", LAUNCHER, str(peak_file), *command]
    with log.open("w") as out:
        began = time.perf_counter()
        child = subprocess.Popen(launched, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                 start_new_session=True)  # fmt: skip
        watched = psutil.Process(child.pid)
        while child.poll() is None:
            seen_mb = max(seen_mb, _rss_mb(watched))
            if seen_mb > limit_mb:
                stopped = f"memory above {limit_mb:,.0f} MiB"
            elif time.perf_counter() - began > timeout_s:
                stopped = f"time above {timeout_s:,.0f} s"
            if stopped:
                os.killpg(child.pid, 9)
                child.wait()
                break
            with suppress(subprocess.TimeoutExpired):  # returns as soon as the child ends
                child.wait(WATCH_EVERY_S)
        wall = time.perf_counter() - began
    tail = "\n".join(log.read_text(errors="replace").splitlines()[-12:])
    peak = int(peak_file.read_text()) / 1024 if peak_file.is_file() else seen_mb
    peak_file.unlink(missing_ok=True)
    return Run(wall, peak, child.returncode, stopped, tail)


def _rss_mb(process: Any) -> float:
    """Resident memory of ``process`` and its children (0 when it is gone)."""
    import psutil

    try:
        family = [process, *process.children(recursive=True)]
        return sum(p.memory_info().rss for p in family) / 2**20
    except psutil.Error:
        return 0.0


def run_record(run: Run) -> dict[str, Any]:
    """A :class:`Run` for the results file."""
    return asdict(run)
