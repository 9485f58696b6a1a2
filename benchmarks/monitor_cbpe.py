"""Performance without outcomes: NannyML's confidence-based estimation (CBPE) against our mean
probability, and both against the outcomes the populations really had.

Why: a vintage's defaults are known months after its loans are granted. Until then the
monitor's expected default rate is the mean probability of the granted applications
(:mod:`scoring.monitoring.performance`: the model is calibrated). NannyML's CBPE goes further:
it re-calibrates the probabilities on a labelled reference and estimates the confusion matrix
and the ROC AUC of an unlabelled period. Does it serve here, and how much better is it?

Populations: 307,511 clients of another seed than the model's training data (43), unchanged,
shifted by ``downturn`` (incomes fall and 4 in 100 repaying clients default: the rise is not
in the inputs) or by ``product_mix`` (more revolving loans, younger applicants: a change of
inputs only), all scored by the benchmark workspace's model (:mod:`benchmarks.monitor_data`).
The first half of the unchanged clients, with their labels, is CBPE's reference; the second
half of each population is analysed (:func:`split`: no client on both sides). For each: the
default rate (all applications, and the granted ones) and the AUC, estimated by CBPE and by
us, and realised (``TARGET``); the AUC's naive estimate is the reference's.

NannyML pins LightGBM below 4.6 and the project locks 4.7, so it cannot join the project's
lock: it is installed in a throw-away virtual environment (``data/bench/nannyml-venv``, with
statsmodels, which NannyML imports without declaring it) and runs there, in a child process
whose wall time and peak memory are measured (``os.wait4``).

Usage: .venv/bin/python benchmarks/monitor_cbpe.py [--quick] [--clients N]
Writes benchmarks/results/monitor_cbpe.json (quick: results/raw/monitor_cbpe_quick.json):
``settings``, ``model``, ``install``, ``run`` (the CBPE child), ``reference`` and
``populations`` (per population: ``realised``, ``ours``, ``cbpe`` and ``errors``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FULL_CLIENTS, QUICK_CLIENTS = 307_511, 5_000
ANALYSED = ("unchanged", "downturn", "product_mix")
NANNYML = ("nannyml==0.13.1", "statsmodels")  # statsmodels: imported, not declared by 0.13.1
QUIET = {"NML_DISABLE_USAGE_LOGGING": "1", "PYTHONWARNINGS": "ignore"}


def child(reference: str, threshold: str, out: str, *analysed: str) -> None:
    """Child process (NannyML's venv): CBPE fitted on ``reference``, estimated on each of
    ``analysed`` (all rows, then the granted ones); ``out`` gets the estimates as JSON."""
    began = time.perf_counter()
    import nannyml as nml
    import pandas as pd

    imported = time.perf_counter()
    cut = float(threshold)

    def frame(path: str) -> pd.DataFrame:
        data = pd.read_parquet(path, columns=["score", "TARGET"])
        return data.assign(refused=(data["score"] >= cut).astype(int))

    estimator = nml.CBPE(y_pred_proba="score", y_pred="refused", y_true="TARGET",
                         problem_type="classification_binary", chunk_number=1,
                         metrics=["roc_auc", "confusion_matrix"],
                         normalize_confusion_matrix="all")  # fmt: skip
    estimator.fit(frame(reference))
    fitted = time.perf_counter()
    estimates = {}
    for path in analysed:
        data = frame(path).drop(columns=["TARGET"])
        estimates[path] = {
            "all": cbpe_figures(estimator.estimate(data).filter(period="analysis").to_df()),
            "granted": cbpe_figures(
                estimator.estimate(data[data["refused"] == 0]).filter(period="analysis").to_df()
            ),
        }
    done = time.perf_counter()
    steps = {"import_s": imported - began, "fit_s": fitted - imported,
             "estimate_s": done - fitted, "in_child_s": done - began}  # fmt: skip
    versions = {"nannyml": nml.__version__, "pandas": pd.__version__}
    Path(out).write_text(json.dumps({"estimates": estimates, "steps_s": steps,
                                     "versions": versions}))  # fmt: skip


def cbpe_figures(frame: Any) -> dict[str, float]:
    """The estimated AUC (with its sampling error) and default rate from one chunk's CBPE
    results (``to_df()``, columns like ``("roc_auc", "value")``): defaults are the estimated
    true positives plus false negatives (confusion matrix normalised over all rows)."""
    row = frame.iloc[0]
    return {
        "auc": float(row[("roc_auc", "value")]),
        "auc_sampling_error": float(row[("roc_auc", "sampling_error")]),
        "default_rate": float(row[("true_positive", "value")] + row[("false_negative", "value")]),
    }


def realised(scores: Any, target: Any, threshold: float) -> dict[str, float | None]:
    """What happened: the default rate of all and of the granted, and the AUC."""
    from scoring.monitoring.performance import auc

    granted = scores < threshold
    return {
        "default_rate": float(target.mean()),
        "default_rate_granted": float(target[granted].mean()),
        "auc": auc(scores, target == 1),
        "granted_share": float(granted.mean()),
    }


def ours(scores: Any, threshold: float) -> dict[str, float]:
    """Our estimate: the mean probability, of all and of the granted (the monitor's)."""
    return {
        "default_rate": float(scores.mean()),
        "default_rate_granted": float(scores[scores < threshold].mean()),
    }


def errors(truth: dict, mine: dict, cbpe: dict | None, reference_auc: float) -> dict:
    """Estimate minus realised, in points (×100) of default rate and of AUC; the AUC's naive
    estimate is the reference's (no change assumed)."""
    out = {
        "ours_default_rate_pts": 100 * (mine["default_rate"] - truth["default_rate"]),
        "ours_granted_pts": 100 * (mine["default_rate_granted"] - truth["default_rate_granted"]),
        "reference_auc_pts": 100 * (reference_auc - truth["auc"]),
    }
    if cbpe is not None:
        out |= {
            "cbpe_default_rate_pts": 100 * (cbpe["all"]["default_rate"] - truth["default_rate"]),
            "cbpe_granted_pts": 100
            * (cbpe["granted"]["default_rate"] - truth["default_rate_granted"]),
            "cbpe_auc_pts": 100 * (cbpe["all"]["auc"] - truth["auc"]),
        }
    return out


def nannyml_python() -> tuple[Path | None, dict[str, Any]]:
    """NannyML's interpreter, installed on first use with uv; what the installation did."""
    from benchmarks.common import BENCH_DIR

    venv = BENCH_DIR / "nannyml-venv"
    python = venv / "bin" / "python"
    check = [str(python), "-c", "import nannyml; print(nannyml.__version__)"]
    began = time.perf_counter()
    if python.is_file() and subprocess.run(check, capture_output=True).returncode == 0:
        return python, {"installed": "reused", "packages": list(NANNYML)}
    uv = Path(sys.executable).parent / "uv"
    steps = [[str(uv), "venv", "--quiet", "--clear", "--python", sys.executable, str(venv)],
             [str(uv), "pip", "install", "--quiet", "--python", str(python), *NANNYML]]  # fmt: skip
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode != 0:
            return None, {"installed": False, "error": done.stderr[-2000:]}
    ok = subprocess.run(check, capture_output=True, text=True)
    if ok.returncode != 0:
        return None, {"installed": False, "error": ok.stderr[-2000:]}
    seconds = time.perf_counter() - began
    return python, {"installed": True, "seconds": seconds, "packages": list(NANNYML)}


def split(frames: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """The labelled reference and the analysed populations, from populations of the same
    clients (one seed, shifted or not, rows in the same order): the first half of the
    unchanged one is the reference, the second half of each is analysed, so no client is in
    both and none was in the model's training data (another seed)."""
    half = len(frames["unchanged"]) // 2
    analysed = {name: frame.iloc[half:].reset_index(drop=True) for name, frame in frames.items()}
    return frames["unchanged"].iloc[:half].reset_index(drop=True), analysed


def measure(clients: int, space: Any, work: Path) -> dict[str, Any]:
    """Inputs, our figures and the realised ones, then CBPE in its own environment."""
    import pandas as pd

    from benchmarks.monitor_data import model_inputs, run_measured, run_record
    from scoring.model.scorer import CreditModel

    model = CreditModel.from_store(space.model_tag)
    cut = model.threshold
    reference, frames = split({
        name: pd.read_parquet(model_inputs(clients, name, model), columns=["score", "TARGET"])
        for name in ANALYSED
    })  # fmt: skip
    paths = {name: work / f"{name}.parquet" for name in ("reference", *ANALYSED)}
    for name, frame in {"reference": reference, **frames}.items():
        frame.to_parquet(paths[name])
    truth = {n: realised(f["score"].to_numpy(), f["TARGET"].to_numpy(), cut)
             for n, f in {"reference": reference, **frames}.items()}  # fmt: skip
    python, install = nannyml_python()
    result: dict[str, Any] = {
        "model": model.tag, "threshold": cut, "clients": clients, "install": install,
        "reference_rows": len(reference), "analysed_rows": len(frames["unchanged"]),
        "reference": truth["reference"],
    }  # fmt: skip
    estimates: dict[str, Any] = {}
    if python is not None:
        out = work / "cbpe.json"
        command = [str(python), __file__, "child", str(paths["reference"]), str(cut), str(out),
                   *(str(paths[n]) for n in ANALYSED)]  # fmt: skip
        run = run_measured(command, {**os.environ, **QUIET}, work / "cbpe.log", 16_000, 1_800)
        result["run"] = run_record(run)
        if run.exit == 0 and out.is_file():
            found = json.loads(out.read_text())
            estimates = {n: found["estimates"][str(paths[n])] for n in ANALYSED}
            result["run"] |= {"steps_s": found["steps_s"], "versions": found["versions"]}
    result["populations"] = {}
    for name in ANALYSED:
        mine = ours(frames[name]["score"].to_numpy(), cut)
        result["populations"][name] = {
            "realised": truth[name], "ours": mine, "cbpe": estimates.get(name),
            "errors": errors(truth[name], mine, estimates.get(name), truth["reference"]["auc"]),
        }  # fmt: skip
    return result


def show(result: dict[str, Any]) -> None:
    """The comparison on the terminal."""
    ref = result["reference"]
    print(f"\nreference ({result['reference_rows']:,} clients): default rate "
          f"{ref['default_rate']:.2%}, AUC {ref['auc']:.3f}; model {result['model']}, "
          f"threshold {result['threshold']:.3f}; {result['analysed_rows']:,} clients analysed "
          "per population")  # fmt: skip
    if "run" in result:
        run = result["run"]
        print(f"CBPE: {run['wall_s']:.1f} s, {run['peak_rss_mb']:,.0f} MiB peak "
              f"({run.get('versions', {})})")  # fmt: skip
    else:
        print(f"CBPE not run: NannyML could not be installed: {result['install'].get('error')}")
    print(f"{'population':12} {'':10} {'default all':>12} {'granted':>9} {'AUC':>7}")
    for name, p in result["populations"].items():
        r, o, c = p["realised"], p["ours"], p["cbpe"]
        print(f"{name:12} {'realised':10} {r['default_rate']:>12.2%} "
              f"{r['default_rate_granted']:>9.2%} {r['auc']:>7.3f}")  # fmt: skip
        print(f"{'':12} {'ours':10} {o['default_rate']:>12.2%} "
              f"{o['default_rate_granted']:>9.2%} {'—':>7}")  # fmt: skip
        if c:
            print(f"{'':12} {'CBPE':10} {c['all']['default_rate']:>12.2%} "
                  f"{c['granted']['default_rate']:>9.2%} {c['all']['auc']:>7.3f}")  # fmt: skip
        e = p["errors"]
        listed = ", ".join(f"{k} {v:+.2f}" for k, v in e.items())
        print(f"{'':12} errors (points): {listed}")


def main() -> None:
    from benchmarks.common import source_during, source_state, workspace, write_result

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_CLIENTS:,} clients")
    parser.add_argument("--clients", type=int, help=f"clients per population ({FULL_CLIENTS:,})")
    args = parser.parse_args()
    clients = args.clients or (QUICK_CLIENTS if args.quick else FULL_CLIENTS)
    space = workspace(args.quick)
    os.environ["BENTOML_HOME"] = str(space.bentoml_home)
    started = source_state()
    with tempfile.TemporaryDirectory(prefix="monitor-cbpe-") as folder:
        result = measure(clients, space, Path(folder))
    result["settings"] = {"analysed": ANALYSED, "nannyml": NANNYML, **source_during(started)}
    show(result)
    print(f"wrote {write_result('monitor_cbpe', result, args.quick)}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        child(*sys.argv[2:])
    else:
        main()
