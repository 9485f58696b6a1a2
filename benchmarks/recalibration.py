"""Recalibration study: does a recalibration that keeps TreeSHAP exactly additive in log-odds
make the probabilities of default better?

Why: the model card's decile table shows middle deciles predicted below their observed
default rate. Advisors are shown the probability, and each explanation adds up to its
log-odds, so only a map affine in log-odds keeps the explanation exact: with
``logit' = a·logit + b`` every contribution is multiplied by ``a`` and the base value becomes
``a·base + b``. This benchmark says, with numbers, whether such a map helps.

For each data set and seed, the training pipeline's own steps are run up to the refit
(:func:`training.model.pipeline.train_model`: hold-out by keyed hash of the client id,
feature selection, monotone cross-validation with early stopping, refit, float32
alignment): the seed draws the folds and the bagging, and the hold-out too: the first seed
keeps the pipeline's rule (the model card's hold-out), each other one hashes under a key of
its own (:func:`holdout_rule`), so that the hold-out's sampling noise shows across seeds.
Four maps are fitted on the out-of-fold log-odds of the training rows (``cv.oof``, the
scores the threshold is chosen on) and judged on the hold-out, scored by the refit model:

- ``none``: the model as served;
- ``intercept``: ``logit + b``, ``b`` the maximum-likelihood shift (mean predicted = rate);
- ``affine``: ``a·logit + b``, Platt scaling in log-odds (unpenalised logistic regression);
- ``isotonic``: for comparison only; it breaks additivity (a step function of p, clipped to
  [1e-4, 1 - 1e-4] so that log loss stays finite).

On the hold-out: ECE (:func:`training.model.evaluate.ece`, 10 quantile bins), its noise
floor (the median ECE of the same probabilities against labels drawn from them: what a
perfectly calibrated model scores on this many rows), Brier score, log loss, ROC AUC, and
the decile table with the Wilson 95 % interval of each observed rate. A decile is "outside"
when its mean predicted probability falls outside that interval; with calibrated scores
about 1 decile in 20 is. Deciles 5-8 together give one more test: observed minus predicted
defaults over the square root of the binomial variance (a z score). The affine map's
additivity is checked the way the pipeline checks it (:func:`check_additivity`) on hold-out
rows: ``a·base + a·Σ contributions + b`` against the recalibrated log-odds.

Data: synthetic populations (``--clients``, generated in memory with seed 42, 20,000 by
default; or directories written by ``generate``, ``--synthetic``) and the real sample's
``application_train`` alone (``train --application-only``; from ``CREDIT_REAL_SAMPLE_DIR``;
skipped when absent). Only derived statistics are written.

Usage: .venv/bin/python benchmarks/recalibration.py [--quick] [--clients N ...]
       [--synthetic DIR ...] [--seeds N] [--real DIR | --no-real] [--real-seeds N]
Writes benchmarks/results/recalibration.json (quick: results/raw/recalibration_quick.json):
``settings``, then per data set ``runs`` (per seed: fitted ``a`` and ``b``, per map the
hold-out metrics; decile tables for the first seed) and ``summary`` (per map, medians over
seeds, the seeds a map beat ``none`` on, deciles outside their intervals).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import write_result  # noqa: E402

METHODS = ("none", "intercept", "affine", "isotonic")
SEEDS = {"full": 5, "quick": 2}
# The real sample is small (5,000 rows: about 80 defaults in a hold-out) and quick to fit.
REAL_SEEDS = {"full": 20, "quick": 2}
FIRST_SEED = 42  # the pipeline's default seed; with the pipeline's hold-out rule
QUICK_CLIENTS = 5_000
BINS = 10
MIDDLE = (5, 8)  # the deciles the model card flags, inclusive
ISOTONIC_CLIP = 1e-4
NOISE_DRAWS = 200
EXPLAINED_ROWS = 1_000


def fit_maps(z_oof: np.ndarray, y_oof: np.ndarray) -> dict[str, Any]:
    """The four maps fitted on out-of-fold log-odds: ``{name: callable(z) -> p}`` and the
    parameters ``a`` and ``b`` of the intercept and affine maps."""
    from scipy.optimize import brentq
    from scipy.special import expit
    from sklearn.isotonic import IsotonicRegression
    from sklearn.linear_model import LogisticRegression

    # Maximum likelihood of logit + b: the score equation Σ expit(z + b) = Σ y.
    shift = brentq(lambda b: expit(z_oof + b).sum() - y_oof.sum(), -10.0, 10.0, xtol=1e-12)
    platt = LogisticRegression(C=np.inf, tol=1e-10, max_iter=1_000)
    platt.fit(z_oof[:, None], y_oof)
    a, b = float(platt.coef_[0, 0]), float(platt.intercept_[0])
    isotonic = IsotonicRegression(
        y_min=ISOTONIC_CLIP, y_max=1 - ISOTONIC_CLIP, out_of_bounds="clip"
    ).fit(expit(z_oof), y_oof)
    return {
        "maps": {
            "none": expit,
            "intercept": lambda z: expit(z + shift),
            "affine": lambda z: expit(a * z + b),
            "isotonic": lambda z: isotonic.predict(expit(z)),
        },
        "parameters": {"intercept": {"a": 1.0, "b": float(shift)}, "affine": {"a": a, "b": b}},
    }


def decile_table(y: np.ndarray, p: np.ndarray) -> list[dict[str, Any]]:
    """:func:`calibration_table` with each observed rate's Wilson 95 % interval, and whether
    the mean predicted probability lies outside it."""
    from scipy.stats import binomtest

    from training.model.evaluate import calibration_table

    rows = calibration_table(y, p, BINS)
    for row in rows:
        defaults = round(row["observed_rate"] * row["n"])
        low, high = binomtest(defaults, row["n"]).proportion_ci(0.95, method="wilson")
        row.update(wilson_low=float(low), wilson_high=float(high))
        row["outside"] = not low <= row["mean_predicted"] <= high
    return rows


def holdout_metrics(y: np.ndarray, p: np.ndarray, rng: np.random.Generator) -> dict[str, Any]:
    """Probability quality on the hold-out, the decile table and the middle deciles' test."""
    from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

    from training.model.evaluate import ece

    table = decile_table(y, p)
    # The middle deciles, cut on these probabilities' own quantiles as in the table.
    edges = np.unique(np.quantile(p, np.linspace(0.0, 1.0, BINS + 1)))
    decile = np.searchsorted(edges[1:-1], p, side="right") + 1
    middle = (decile >= MIDDLE[0]) & (decile <= MIDDLE[1])
    expected, observed = p[middle].sum(), y[middle].sum()
    noise = [ece(rng.binomial(1, p), p, BINS) for _ in range(NOISE_DRAWS)]
    return {
        "ece": ece(y, p, BINS),
        "ece_noise_floor": float(np.median(noise)),
        "brier": float(brier_score_loss(y, p)),
        "log_loss": float(log_loss(y, p, labels=[0, 1])),
        "roc_auc": float(roc_auc_score(y, p)),
        "mean_predicted": float(p.mean()),
        "default_rate": float(y.mean()),
        "bins": len(table),
        "deciles_outside": sum(row["outside"] for row in table),
        "middle": {
            "n": int(middle.sum()),
            "mean_predicted": float(expected / middle.sum()),
            "observed_rate": float(observed / middle.sum()),
            "z": float((observed - expected) / np.sqrt((p[middle] * (1 - p[middle])).sum())),
            "deciles_outside": sum(row["outside"] for row in table[MIDDLE[0] - 1 : MIDDLE[1]]),
        },
        "deciles": table,
    }


def features(frames: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The feature catalogue's matrix (model input precision), the target and client ids."""
    from scoring.features import build_batch
    from scoring.model.contract import as_model_input

    values = as_model_input(build_batch(frames).values)
    applications = frames["application_train"]
    return values, applications["TARGET"].to_numpy(), applications["SK_ID_CURR"].to_numpy()


def holdout_rule(rule: Any, seed: int) -> Any:
    """The pipeline's hold-out rule for the first seed (the model card's and the gate's
    hold-out); for the others, the same rule under another hash key: a fresh hold-out."""
    return rule if seed == FIRST_SEED else replace(rule, key=f"recalibration{seed % 1000:03d}")


def scores(values: np.ndarray, target: np.ndarray, ids: np.ndarray, seed: int) -> dict[str, Any]:
    """The training pipeline's steps up to the float32-aligned refit; the out-of-fold and
    hold-out log-odds, and the refit model for the additivity check."""
    from scipy.special import logit

    from scoring.features import FEATURES
    from training.model.fit import DEFAULT_PARAMS, cross_validate
    from training.model.onnx_export import align_to_float32
    from training.model.pipeline import MONOTONE_METHOD, TrainingConfig
    from training.model.selection import monotone_constraints, select_features

    config = TrainingConfig(seed=seed)
    train, holdout = holdout_rule(config.holdout, seed).split(ids)
    params = {**DEFAULT_PARAMS, **config.params}
    catalogue = [f.name for f in FEATURES]
    selection = select_features(
        values[train], target[train], catalogue, params, seed, config.max_features
    )
    columns = list(selection.columns)
    names = [catalogue[i] for i in columns]
    params.update(
        monotone_constraints=monotone_constraints(names),
        monotone_constraints_method=MONOTONE_METHOD,
    )
    x_train, x_holdout = values[train][:, columns], values[holdout][:, columns]
    cv = cross_validate(x_train, target[train], params, config.folds, seed, names, refit=True)
    booster = align_to_float32(cv.final)
    return {
        "z_oof": logit(cv.oof),
        "y_oof": target[train],
        "z_holdout": booster.predict(x_holdout, raw_score=True),
        "y_holdout": target[holdout],
        "x_holdout": x_holdout,
        "booster": booster,
        "features": len(columns),
        "rounds": cv.best_rounds,
    }


def affine_additivity(fitted: dict[str, Any], a: float, b: float) -> float:
    """The pipeline's additivity check of the affine map's explanation: base ``a·base + b``,
    contributions times ``a``, against the recalibrated probabilities."""
    from scipy.special import expit

    from scoring.model.explainer import Explanation, TreeShapExplainer, check_additivity

    rows = fitted["x_holdout"][:EXPLAINED_ROWS]
    raw = TreeShapExplainer(fitted["booster"].model_to_string()).explain(rows)
    scaled = Explanation(a * raw.base_value + b, a * raw.contributions)
    return check_additivity(scaled, expit(a * fitted["z_holdout"][:EXPLAINED_ROWS] + b))


def study(name: str, frames: dict[str, Any], seeds: list[int]) -> dict[str, Any]:
    """Every seed of one data set, then the medians over seeds."""
    start = time.perf_counter()
    values, target, ids = features(frames)
    print(
        f"{name}: {len(target):,} applications, features in {time.perf_counter() - start:.0f} s",
        flush=True,
    )
    runs = []
    for seed in seeds:
        began = time.perf_counter()
        fitted = scores(values, target, ids, seed)
        fit = fit_maps(fitted["z_oof"], fitted["y_oof"])
        rng = np.random.default_rng(seed)
        y, z = fitted["y_holdout"], fitted["z_holdout"]
        methods = {m: holdout_metrics(y, fit["maps"][m](z), rng) for m in METHODS}
        if runs:  # decile tables of the first seed only; the others keep their counts
            for metrics in methods.values():
                del metrics["deciles"]
        affine = fit["parameters"]["affine"]
        runs.append(
            {
                "seed": seed,
                "train_rows": len(fitted["y_oof"]),
                "holdout_rows": len(y),
                "features": fitted["features"],
                "rounds": fitted["rounds"],
                "parameters": fit["parameters"],
                "affine_additivity_max_abs_error": affine_additivity(fitted, **affine),
                "oof_ece": {
                    m: _oof_ece(fitted["y_oof"], fit["maps"][m](fitted["z_oof"])) for m in METHODS
                },
                "methods": methods,
                "seconds": round(time.perf_counter() - began, 1),
            }
        )
        line = ", ".join(f"{m} {methods[m]['ece']:.4f}" for m in METHODS)
        print(
            f"  seed {seed}: a {affine['a']:.3f} b {affine['b']:+.3f}; holdout ECE {line} "
            f"({runs[-1]['seconds']:.0f} s)",
            flush=True,
        )
    return {"applications": len(target), "runs": runs, "summary": summarise(runs)}


def _oof_ece(y: np.ndarray, p: np.ndarray) -> float:
    """In-sample ECE of a map on the rows it was fitted on (how far the fit can go)."""
    from training.model.evaluate import ece

    return ece(y, p, BINS)


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Per map: medians over seeds, paired gains over ``none``, deciles outside intervals."""
    summary: dict[str, Any] = {}
    for method in METHODS:
        per_seed = [run["methods"][method] for run in runs]
        base = [run["methods"]["none"] for run in runs]

        def median(key: str, rows: list[dict[str, Any]] = per_seed) -> float:
            return float(np.median([row[key] for row in rows]))

        gains = {
            key: [b[key] - m[key] for b, m in zip(base, per_seed, strict=True)]
            for key in ("ece", "brier", "log_loss")
        }
        summary[method] = {
            **{
                key: median(key)
                for key in (
                    "ece",
                    "ece_noise_floor",
                    "brier",
                    "log_loss",
                    "roc_auc",
                    "mean_predicted",
                )
            },
            "default_rate": median("default_rate"),
            "gain_over_none": {k: float(np.median(v)) for k, v in gains.items()},
            "seeds_better_than_none": {k: sum(g > 0 for g in v) for k, v in gains.items()},
            "deciles_outside": sum(row["deciles_outside"] for row in per_seed),
            "deciles_tested": BINS * len(runs),
            "middle_deciles_outside": sum(row["middle"]["deciles_outside"] for row in per_seed),
            "middle_deciles_tested": (MIDDLE[1] - MIDDLE[0] + 1) * len(runs),
            "middle_z_median": float(np.median([row["middle"]["z"] for row in per_seed])),
            "middle_gap_median": float(
                np.median(
                    [r["middle"]["observed_rate"] - r["middle"]["mean_predicted"] for r in per_seed]
                )
            ),
        }
        if method in ("intercept", "affine"):
            for key in ("a", "b"):
                values = [run["parameters"][method][key] for run in runs]
                summary[method][key] = float(np.median(values))
                summary[method][f"{key}_range"] = [float(min(values)), float(max(values))]
    return summary


def print_report(document: dict[str, Any]) -> None:
    """One summary table over data sets and maps, then each data set's deciles (first seed)."""
    from rich.console import Console
    from rich.table import Table

    console = Console(width=180)
    table = Table(
        title="Recalibration fitted out-of-fold, judged on the hold-out (medians over seeds)",
        width=180,
    )
    columns = (
        "data",
        "map",
        "a",
        "b",
        "ECE",
        "ECE noise",
        "Brier",
        "log loss",
        "AUC",
        "Δ log loss",
        "seeds log loss better",
        "deciles outside",
        "5-8 outside",
        "5-8 gap",
        "5-8 z",
    )
    for column in columns:
        table.add_column(column, justify="left" if column in ("data", "map") else "right")
    for name, result in document["data"].items():
        for method, row in result["summary"].items():
            table.add_row(
                name if method == "none" else "",
                method,
                f"{row['a']:.3f}" if "a" in row else "",
                f"{row['b']:+.3f}" if "b" in row else "",
                f"{row['ece']:.4f}",
                f"{row['ece_noise_floor']:.4f}",
                f"{row['brier']:.5f}",
                f"{row['log_loss']:.5f}",
                f"{row['roc_auc']:.4f}",
                "" if method == "none" else f"{-row['gain_over_none']['log_loss']:+.5f}",
                ""
                if method == "none"
                else f"{row['seeds_better_than_none']['log_loss']}/{len(result['runs'])}",
                f"{row['deciles_outside']}/{row['deciles_tested']}",
                f"{row['middle_deciles_outside']}/{row['middle_deciles_tested']}",
                f"{row['middle_gap_median']:+.2%}",
                f"{row['middle_z_median']:+.2f}",
            )
        table.add_section()
    console.print(table)
    for name, result in document["data"].items():
        run = result["runs"][0]
        deciles = Table(
            title=f"{name}, seed {run['seed']}: hold-out deciles "
            f"({run['holdout_rows']:,} rows), none → affine",
            width=120,
        )
        for column in (
            "decile",
            "n",
            "predicted",
            "observed",
            "Wilson 95 %",
            "outside",
            "affine predicted",
            "affine outside",
        ):
            deciles.add_column(column, justify="right")
        after = run["methods"]["affine"]["deciles"]
        for row, fixed in zip(run["methods"]["none"]["deciles"], after, strict=False):
            deciles.add_row(
                str(row["bin"]),
                f"{row['n']:,}",
                f"{row['mean_predicted']:.1%}",
                f"{row['observed_rate']:.1%}",
                f"{row['wilson_low']:.1%}-{row['wilson_high']:.1%}",
                "yes" if row["outside"] else "",
                f"{fixed['mean_predicted']:.1%}",
                "yes" if fixed["outside"] else "",
            )
        console.print(deciles)


def datasets(args: argparse.Namespace) -> dict[str, tuple[Any, int]]:
    """The data sets asked for: each one's loader (called when its turn comes) and seeds."""
    from training.config import REAL_SAMPLE_DIR
    from training.data import load_dataset
    from training.synth import generate_dataset

    size = "quick" if args.quick else "full"
    seeds = args.seeds or SEEDS[size]
    chosen: dict[str, tuple[Any, int]] = {}
    for directory in args.synthetic or []:
        chosen[f"synthetic ({directory})"] = (lambda d=directory: load_dataset(d), seeds)
    default = [] if args.synthetic else [QUICK_CLIENTS if args.quick else 20_000]
    for clients in args.clients or default:
        generate = lambda n=clients: generate_dataset(n, FIRST_SEED)  # noqa: E731
        chosen[f"synthetic {clients:,}"] = (generate, seeds)
    real = args.real or REAL_SAMPLE_DIR
    if not args.no_real and (real / "application_train.csv").exists():
        load = lambda: load_dataset(real, ["application_train"])  # noqa: E731
        chosen["real sample (application only)"] = (load, args.real_seeds or REAL_SEEDS[size])
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 clients, 2 seeds")
    parser.add_argument(
        "--clients",
        type=int,
        nargs="+",
        help="synthetic populations generated in memory (20,000; quick 5,000)",
    )
    parser.add_argument("--synthetic", type=Path, nargs="+", help="generated data directories")
    parser.add_argument("--seeds", type=int, help="seeds per synthetic data set (5; quick 2)")
    parser.add_argument("--real", type=Path, help="real sample (CREDIT_REAL_SAMPLE_DIR)")
    parser.add_argument("--real-seeds", type=int, help="seeds on the real sample (20; quick 2)")
    parser.add_argument("--no-real", action="store_true", help="skip the real sample")
    args = parser.parse_args()
    chosen = datasets(args)
    document: dict[str, Any] = {
        "settings": {"bins": BINS, "middle": MIDDLE, "noise_draws": NOISE_DRAWS},
        "data": {},
    }
    for source, (load, count) in chosen.items():
        frames = load()
        name = source.split(" (")[0]
        if name == "synthetic":
            name = f"synthetic {len(frames['application_train']):,}"
        seeds = list(range(FIRST_SEED, FIRST_SEED + count))
        document["data"][name] = {"source": source, **study(name, frames, seeds)}
    path = write_result("recalibration", document, args.quick)
    print_report(document)
    print(f"Wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
