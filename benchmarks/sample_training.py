"""What training on a client sample costs in AUC, measured at 1× the Kaggle scale.

At 10× the Kaggle scale a model trains on a sample of partitions (docs/scaling.md). This
benchmark measures that strategy's cost where the whole data still fits: the 1× data is
partitioned by client, its features are built once on a local Dask cluster, and the
unchanged training pipeline (selection, cross-validation, ONNX export, explainer, every
check) runs on each share of the partitions. Every model is then scored by its ONNX graph
on the same clients: all the 1× holdout clients (the keyed-hash rule of
``training/model/split.py``, which no model trained on). The AUC cost is the full-data
model's holdout AUC minus the sample model's, with a paired bootstrap interval.

Usage::

    .venv/bin/python benchmarks/sample_training.py                    # shares 1, 0.5, 0.25, 0.1
    .venv/bin/python benchmarks/sample_training.py --shares 1 0.1 --repeats 2

Result (``benchmarks/results/sample_training.json``)::

    data, partitions, holdout_clients, features_s (Dask, all partitions)
    runs: share, seed, partitions, clients, train_s, peak_rss_mb (this process so far),
          auc_holdout (all 1× holdout clients), auc_card_holdout (the run's own holdout),
          auc_oof, cost (full-data AUC minus this one), cost_ci95 (paired bootstrap)
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import BENCH_DIR, source_state, write_result  # noqa: E402

DATA = BENCH_DIR / "monitor-307511" / "reference" / "data"
PARTS = BENCH_DIR / "dask-scale" / "parts-307511-20"
PARTITIONS = 20  # a share of 5 % steps
SHARES = (1.0, 0.5, 0.25, 0.1)
BOOTSTRAP = 200


def partitioned(data: Path, parts: Path):
    """The 1× data, partitioned once and kept for the next run."""
    from training.distributed.convert import partition_dataset
    from training.distributed.layout import is_partitioned, read_layout

    if is_partitioned(parts):
        return read_layout(parts)
    return partition_dataset(data, parts, PARTITIONS, lambda step: print(step, flush=True))


def holdout_scores(model, values: np.ndarray) -> np.ndarray:
    """The store entry's ONNX graph on catalogue rows: what the service would answer."""
    import onnxruntime as ort

    from scoring.features import FEATURE_NAMES
    from scoring.model.contract import INPUT_NAME, PROBABILITIES, as_model_input

    position = {name: i for i, name in enumerate(FEATURE_NAMES)}
    columns = [position[f["name"]] for f in model.artefacts.features]
    session = ort.InferenceSession(model.artefacts.onnx_model, providers=["CPUExecutionProvider"])
    inputs = as_model_input(values[:, columns])
    return session.run([PROBABILITIES], {INPUT_NAME: inputs})[0][:, 1]


def paired_bootstrap(y: np.ndarray, full: np.ndarray, other: np.ndarray, seed: int) -> list:
    """95 % interval of AUC(full) - AUC(other) over resampled holdout clients."""
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(seed)
    differences = []
    for _ in range(BOOTSTRAP):
        rows = rng.integers(0, len(y), len(y))
        differences.append(roc_auc_score(y[rows], full[rows]) - roc_auc_score(y[rows], other[rows]))
    return [float(v) for v in np.percentile(differences, [2.5, 97.5])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shares", type=float, nargs="+", default=list(SHARES))
    parser.add_argument("--repeats", type=int, default=1, help="seeds per share below 1")
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    if 1.0 not in args.shares:
        parser.error("--shares must include 1 (the full-data model every sample is compared with)")
    from sklearn.metrics import roc_auc_score

    from training.distributed.cluster import dask_client
    from training.distributed.layout import partition_of
    from training.distributed.sample import sample_partitions, training_sample
    from training.model.pipeline import TrainingConfig, train_model
    from training.model.split import HoldoutRule

    source = source_state(("scoring", "training"))
    layout = partitioned(args.data, PARTS)
    started = time.perf_counter()
    with dask_client() as client:
        frames, matrix = training_sample(layout, client, list(range(layout.partitions)))
    features_s = time.perf_counter() - started
    applications = frames["application_train"]
    ids, target = matrix.client_ids, applications["TARGET"].to_numpy()
    held_out = HoldoutRule().held_out(ids)
    y_holdout, x_holdout = target[held_out], matrix.values[held_out]
    owner = partition_of(ids, layout.partitions)
    print(f"features of {len(ids):,} clients on Dask in {features_s:.0f} s", flush=True)
    runs, full_scores = [], None
    for share in sorted(args.shares, reverse=True):
        for seed in range(1 if share >= 1 else args.repeats):
            chosen = sample_partitions(layout, share, seed)
            rows = np.flatnonzero(np.isin(owner, chosen))
            sub = type(matrix)(ids[rows], matrix.values[rows])
            start = time.perf_counter()
            sample = {"application_train": applications.iloc[rows].reset_index(drop=True)}
            model = train_model(sample, TrainingConfig(), feature_matrix=sub)
            seconds = time.perf_counter() - start
            scores = holdout_scores(model, x_holdout)
            auc = float(roc_auc_score(y_holdout, scores))
            if full_scores is None:
                full_scores, full_auc = scores, auc
            metrics = model.card["metrics"]
            run = {
                "share": share, "seed": seed, "partitions": len(chosen), "clients": len(rows),
                "train_s": seconds,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "auc_holdout": auc, "auc_card_holdout": metrics["holdout"]["roc_auc"],
                "auc_oof": metrics["oof"]["roc_auc"], "cost": full_auc - auc,
                "cost_ci95": paired_bootstrap(y_holdout, full_scores, scores, seed),
                "n_features": model.card["model"]["n_features"],
            }  # fmt: skip
            runs.append(run)
            print(f"share {share:.2f} seed {seed}: {len(rows):,} clients, {seconds:.0f} s, "
                  f"holdout AUC {auc:.4f} (cost {run['cost']:+.4f})", flush=True)  # fmt: skip
            del model, sub
    payload = {"settings": {"source": source, "data": str(args.data)},
               "partitions": layout.partitions, "clients": len(ids),
               "holdout_clients": int(held_out.sum()), "features_s": features_s,
               "runs": runs}  # fmt: skip
    path = write_result("sample_training", payload, quick=False)
    plot(runs, path.with_suffix(".png"))
    print(f"written {path}")


def plot(runs: list[dict], path: Path) -> None:
    """Holdout AUC against the share of clients trained on, with the bootstrap interval."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from benchmarks.report_parts import BASELINE, OURS

    figure, axis = plt.subplots(figsize=(6, 3.4))
    full = next(r for r in runs if r["share"] >= 1)["auc_holdout"]
    shares = [r["clients"] for r in runs]
    errors = [[r["cost_ci95"][1] - r["cost"] for r in runs],
              [r["cost"] - r["cost_ci95"][0] for r in runs]]  # fmt: skip
    axis.errorbar(shares, [r["auc_holdout"] for r in runs], yerr=errors, fmt="o", color=OURS,
                  capsize=3, label="trained on a sample of partitions")  # fmt: skip
    axis.axhline(full, color=BASELINE, lw=1, label=f"all clients: {full:.4f}")
    axis.set(xscale="log", xlabel="labelled clients trained on",
             ylabel="ROC AUC, all 1× holdout clients")  # fmt: skip
    axis.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


if __name__ == "__main__":
    main()
