"""What every benchmark shares: summary statistics, machine facts, where results go, and a
workspace holding the default data and a model trained on it.

The workspace lives under ``data/bench/`` (git-ignored) with its own BentoML store, so a
benchmark never touches the user's store or the committed model card, and a second run
reuses the data and model of the first.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
# Quick (CI) results go here, git-ignored, so they never replace the committed figures.
RAW = RESULTS / "raw"
BENCH_DIR = ROOT / "data" / "bench"
DEFAULT_CLIENTS = 20_000
QUICK_CLIENTS = 5_000
SEED = 42
MODEL_NAME = "credit_scoring"
_LOAD_AT_START = os.getloadavg()  # when the benchmark's process started (1, 5, 15 min)
PACKAGES = ("numpy", "lightgbm", "onnxruntime", "bentoml", "shap", "pandas", "locust")


def summary(samples: list[float] | np.ndarray, unit: str = "ms") -> dict[str, float | int | str]:
    """Median and spread of repeated measurements (the report quotes median and p99)."""
    values = np.asarray(samples, dtype=np.float64)
    q25, p50, q75, p90, p99 = np.percentile(values, [25, 50, 75, 90, 99])
    return {
        "unit": unit,
        "n": int(values.size),
        "median": float(p50),
        "p90": float(p90),
        "p99": float(p99),
        "iqr": float(q75 - q25),
        "min": float(values.min()),
        "max": float(values.max()),
    }


def machine() -> dict[str, object]:
    """The facts a reader needs to compare figures across machines."""
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        # Each benchmark runs in a process of its own and imports this module first.
        "load_average_at_start": [round(x, 2) for x in _LOAD_AT_START],
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "packages": {name: version(name) for name in PACKAGES},
    }


def source_state(paths: tuple[str, ...] = ("scoring", "service.py", "devtools")) -> dict:
    """The commit measured, and which of the product's files (``paths``) differed from it,
    with a digest of their differences and of the new files: the exact code measured."""
    git = ["git", "-C", str(ROOT)]
    head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True)
    status = [*git, "status", "--porcelain", "--", *paths]
    changed = subprocess.run(status, capture_output=True, text=True).stdout.splitlines()
    digest = hashlib.sha256(
        subprocess.run([*git, "diff", "HEAD", "--", *paths], capture_output=True).stdout
    )
    untracked = [*git, "ls-files", "--others", "--exclude-standard", "--", *paths]
    new_files = subprocess.run(untracked, capture_output=True, text=True).stdout.splitlines()
    for name in sorted(new_files):
        digest.update(name.encode() + b"\0" + (ROOT / name).read_bytes())
    return {
        "commit": head.stdout.strip() or None,
        "uncommitted_product_files": len(changed),
        "changed": [line[3:] for line in changed],
        "diff_sha256": digest.hexdigest() if changed else None,
    }


def source_during(start: dict) -> dict:
    """``{"source": start}`` (see :func:`source_state`), with ``source_at_end`` when the code
    changed while the benchmark measured it."""
    end = source_state()
    return {"source": start} if end == start else {"source": start, "source_at_end": end}


def results_path(name: str, quick: bool) -> Path:
    """``results/<name>.json``, or ``results/raw/<name>_quick.json`` for quick runs."""
    path = RAW / f"{name}_quick.json" if quick else RESULTS / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_result(name: str, payload: dict, quick: bool) -> Path:
    """Write one benchmark's results with the machine facts; return the file."""
    path = results_path(name, quick)
    document = {"benchmark": name, "quick": quick, "machine": machine(), **payload}
    path.write_text(json.dumps(document, indent=1, default=float) + "\n")
    return path


@dataclass(frozen=True)
class Workspace:
    """Default synthetic data and a model trained on it, in a store of its own."""

    clients: int
    data: Path
    bentoml_home: Path
    model_tag: str

    @property
    def env(self) -> dict[str, str]:
        """Environment for a subprocess (e.g. `bentoml serve`) that should use this model."""
        return {"BENTOML_HOME": str(self.bentoml_home), "CREDIT_MODEL_TAG": self.model_tag}


def workspace(quick: bool = False) -> Workspace:
    """Generate the data and train the model once (about 40 s); reuse them afterwards.

    A model trained by other training code (its card's code digest differs) is trained
    again: a benchmark measures the model this code trains, with the inputs it selects.
    """
    from training.provenance import MODEL_SOURCES, source_digest

    clients = QUICK_CLIENTS if quick else DEFAULT_CLIENTS
    root = BENCH_DIR / f"clients-{clients}"
    data, home, tag_file = root / "data", root / "bentoml", root / "model_tag.txt"
    if tag_file.exists() and _code_digest(home, tag_file) != source_digest(MODEL_SOURCES):
        tag_file.unlink()
    if not tag_file.exists():
        # The workspace's runs go to its own MLflow database, not the project's experiments.
        tracking = f"sqlite:///{root / 'mlflow.db'}"
        env = {**os.environ, "BENTOML_HOME": str(home), "MLFLOW_TRACKING_URI": tracking}
        training = [sys.executable, "-m", "training"]
        generate = ["generate", "--clients", str(clients), "--seed", str(SEED), "--out", str(data)]
        if not (data / "DATASET.json").exists():
            subprocess.run([*training, *generate], cwd=ROOT, env=env, check=True)
        train = ["train", "--data", str(data), "--models-dir", str(root / "models")]
        subprocess.run([*training, *train], cwd=ROOT, env=env, check=True)
        latest = "import bentoml; print(bentoml.models.get('credit_scoring:latest').tag)"
        tag = subprocess.run(
            [sys.executable, "-c", latest], env=env, check=True, capture_output=True, text=True
        ).stdout.strip()
        tag_file.write_text(tag + "\n")
    return Workspace(clients, data, home, tag_file.read_text().strip())


def _code_digest(home: Path, tag_file: Path) -> str:
    """The training-code digest in the card of the workspace model (empty if unreadable)."""
    name, version = tag_file.read_text().strip().split(":")
    card = home / "models" / name / version / "model_card.json"
    try:
        return str(json.loads(card.read_text())["model"]["code_digest"])
    except (OSError, ValueError, KeyError):
        return ""
