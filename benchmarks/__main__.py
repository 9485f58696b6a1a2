"""`make bench`: run every benchmark in turn, each in a process of its own, then the report.

Each benchmark is a script that can also be run alone (see its docstring). A failing one does
not stop the others; the run exits non-zero and the report marks it as missing.

Usage: .venv/bin/python -m benchmarks [--quick] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from benchmarks.common import BENCH_DIR, ROOT

FULL_SCALE = BENCH_DIR / "scale-307511"
NOT_QUICK = {"dask_scale_10x"}  # no short version: the CI run leaves it out
# In order: the cheap in-process ones first, the long pipeline run last but one, so the
# dashboard benchmark can serve the full-scale clients it keeps.
BENCHMARKS = {
    "features": ["feature_engine.py"],
    "model_call": ["model_call.py"],
    "explain_call": ["explain_call.py"],
    "request_profile": ["request_profile.py"],
    "inquiry_cost": ["inquiry_cost.py"],
    "shadow_cost": ["shadow_cost.py"],
    "batch_scoring": ["batch_scoring.py"],
    "file_scoring": ["file_scoring.py"],
    "monitor_capture": ["monitor_capture.py"],
    "monitor_scale": ["monitor_scale.py"],
    "drift_scenarios": ["drift_scenarios.py"],
    "recalibration": ["recalibration.py"],
    "http_load": ["http_load.py"],
    "decisions_load": ["decisions_load.py"],
    # Four 307,511-client populations, generated once into data/bench/monitor-307511 (~35 min).
    "monitor_evidently": ["monitor_evidently.py"],
    "monitor_cbpe": ["monitor_cbpe.py"],
    "pipeline_scale": ["pipeline_scale.py", "--keep"],
    # Features and batch scoring in memory vs Dask, and the partitioned generator (~10 min).
    "dask_scale": ["dask_scale.py"],
    # 10x the Kaggle scale on Dask: features, batch scores, a 10 % sample trained (~8 min;
    # the first run also generates the data, ~6 min and 4.2 GB, kept for the next).
    "dask_scale_10x": ["dask_scale.py", "--ten-x"],
    "dashboard": ["dashboard_speed.py"],
    "dashboard_start": ["dashboard_start.py"],
}


def command(name: str, quick: bool) -> list[str]:
    script, *extra = BENCHMARKS[name]
    if name == "pipeline_scale" and quick:
        extra = []
    if name == "dashboard" and not quick and FULL_SCALE.is_dir():
        extra = ["--data", str(FULL_SCALE / "data")]
    return [sys.executable, str(ROOT / "benchmarks" / script), *extra, *(["--quick"] * quick)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short CI version (a few minutes)")
    parser.add_argument("--only", nargs="+", choices=list(BENCHMARKS), help="run just these")
    args = parser.parse_args()
    failed = []
    for name in args.only or [n for n in BENCHMARKS if not (args.quick and n in NOT_QUICK)]:
        print(f"\n=== {name} ===", flush=True)
        start = time.perf_counter()
        if subprocess.run(command(name, args.quick), cwd=ROOT).returncode != 0:
            failed.append(name)
        print(f"=== {name}: {time.perf_counter() - start:.0f} s ===", flush=True)
    report = [sys.executable, "-m", "benchmarks.report", *(["--quick"] * args.quick)]
    if subprocess.run(report, cwd=ROOT).returncode != 0:
        failed.append("report")
    if failed:
        sys.exit(f"benchmarks failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
