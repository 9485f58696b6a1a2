"""How long `python -m dashboard` takes to answer its login page, against Panel's own floor.

Why: the dashboard promises to start in under 3 s on a 2-core machine, without loading the
model's stack. Each start is timed from launching the process until ``GET /login`` answers
200, then the process group is killed (``devtools.servers.stop``). Panel's floor, a one-pane
app behind the same login (``benchmarks/baseline/panel_login.py``), is started the same way
in turn with it, so the ratio says how much of the start is the dashboard's own.

Bytecode decides the start, so each case has a bytecode cache of its own
(``PYTHONPYCACHEPREFIX`` into a temporary folder, whatever the venv holds):
``all_cached`` has every module's bytecode, written by a warm-up start; ``venv_cached`` runs
with ``PYTHONDONTWRITEBYTECODE=1`` and the venv's bytecode only, as ``make setup`` compiles
it, so the project's own modules compile at every start; ``nothing_cached`` has no bytecode
for the venv or the project (the standard library keeps its own).

The import cost is ``python -X importtime -c "import dashboard.app"`` in a fresh interpreter
per case: the total, each package's cumulative time, and the heavy modules it loaded.

Usage: .venv/bin/python benchmarks/dashboard_start.py [--quick] [--repeats N]
Writes benchmarks/results/dashboard_start.json (quick: results/raw/dashboard_start_quick.json).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import source_state, summary, write_result  # noqa: E402
from devtools.servers import free_port, stop  # noqa: E402

PY = sys.executable
APPS = {
    "dashboard": ["-m", "dashboard"],
    "panel_floor": ["-m", "benchmarks.baseline.panel_login"],
}
CASES = {
    "all_cached": "every module's bytecode cached",
    "venv_cached": "venv's bytecode only, PYTHONDONTWRITEBYTECODE=1",
    "nothing_cached": "no bytecode for the venv or the project, PYTHONDONTWRITEBYTECODE=1",
}
# `make setup` then `make dashboard`: the venv is compiled, and the first start writes the
# project's bytecode (Python's default), so every later start is `all_cached`.
DEPLOYMENT = "all_cached"
TARGET_S = 3.0
HEAVY = ("bentoml", "onnxruntime", "lightgbm", "sklearn", "scipy", "datashader", "numba", "pyarrow")
IMPORT_CODE = (
    f"import sys, dashboard.app; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
)
POLL_S, START_TIMEOUT_S = 0.01, 120.0
LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S+)$")


def mirror(prefix: Path, path: Path) -> Path:
    """Where ``PYTHONPYCACHEPREFIX=prefix`` keeps the bytecode of the sources under ``path``."""
    return prefix / path.relative_to(path.anchor)


def case_envs(work: Path, base: dict[str, str]) -> dict[str, dict[str, str]]:
    """The environment of each case; its bytecode folder is filled by :func:`fill_caches`."""
    return {
        case: {
            **base,
            "PYTHONPYCACHEPREFIX": str(work / case),
            **({} if case == "all_cached" else {"PYTHONDONTWRITEBYTECODE": "1"}),
        }
        for case in CASES
    }


def fill_caches(work: Path) -> None:
    """Copy the warmed ``all_cached`` folder into the others, less what each must lack."""
    full, venv = work / "all_cached", Path(sys.prefix)
    for case, keep_venv in (("venv_cached", True), ("nothing_cached", False)):
        shutil.copytree(full, work / case)
        project = mirror(work / case, ROOT)
        for child in project.iterdir() if project.is_dir() else []:
            if not (keep_venv and child == mirror(work / case, venv)):
                shutil.rmtree(child)
        if not keep_venv:
            shutil.rmtree(mirror(work / case, venv), ignore_errors=True)


def time_start(http: httpx.Client, app: str, env: dict[str, str], log: Path) -> float:
    """Seconds from launching ``app`` until its ``/login`` answers 200; then stop it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/login"
    with log.open("ab") as out:
        begin = time.perf_counter()
        command = [PY, *APPS[app], "--port", str(port)]
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    try:
        while time.perf_counter() - begin < START_TIMEOUT_S:
            if process.poll() is not None:
                tail = log.read_text(errors="replace")[-2000:]
                if process.returncode < 0:  # a signal from outside, e.g. a broad pkill
                    raise InterruptedError(f"{app} killed by signal {-process.returncode}")
                raise SystemExit(f"{app} exited with {process.returncode}:\n{tail}")
            try:
                if http.get(url).status_code == 200:
                    return time.perf_counter() - begin
            except httpx.TransportError:
                pass
            time.sleep(POLL_S)
        raise SystemExit(f"{app}: {url} not 200 within {START_TIMEOUT_S:g} s")
    finally:
        stop(process)


def start_once(http: httpx.Client, app: str, env: dict[str, str], log: Path) -> float:
    """:func:`time_start`, again if something outside killed the process (three tries)."""
    for attempt in range(3):
        try:
            return time_start(http, app, env, log)
        except InterruptedError as error:
            print(f"{error}; starting again ({attempt + 1}/3)", flush=True)
    raise SystemExit(f"{app} killed from outside three times in a row")


def parse_importtime(stderr: str) -> tuple[float, dict[str, dict[str, float]]]:
    """Total seconds and, per top-level package, its cumulative and own seconds.

    A package's cumulative time is that of its outermost imports: the package with every
    dependency it was the first to import. Its own time sums its modules' self times.
    ``imported_by`` is the module whose import first brought the package in.
    """
    entries = [(int(m[1]), int(m[2]), len(m[3]) // 2, m[4])
               for line in stderr.splitlines() if (m := LINE.match(line))]  # fmt: skip
    packages: dict[str, dict] = {}
    stack: list[tuple[int, str]] = []  # ancestors of the entry, as (depth, module)
    for own, cumulative, depth, module in reversed(entries):  # parents before children
        while stack and stack[-1][0] >= depth:
            stack.pop()
        package = module.split(".")[0]
        parent = stack[-1][1] if stack else "-c"  # the -c code itself
        figures = packages.setdefault(package, {"cumulative_s": 0.0, "self_s": 0.0})
        figures["self_s"] += own / 1e6
        if all(package != outer.split(".")[0] for _, outer in stack):
            figures["cumulative_s"] += cumulative / 1e6
            figures["imported_by"] = parent  # the earliest such import is seen last
        stack.append((depth, module))
    return sum(e[0] for e in entries) / 1e6, packages


def importtime(env: dict[str, str]) -> dict:
    """One fresh interpreter's ``-X importtime -c 'import dashboard.app'``."""
    done = subprocess.run([PY, "-X", "importtime", "-c", IMPORT_CODE], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)  # fmt: skip
    total, packages = parse_importtime(done.stderr)
    modules = sum(1 for line in done.stderr.splitlines() if LINE.match(line))
    heavy = [m for m in done.stdout.strip().split(",") if m]
    return {"total_s": total, "packages": packages, "modules": modules, "heavy_loaded": heavy}


def import_cost(runs: list[dict]) -> dict[str, object]:
    """Medians over runs of :func:`importtime`; packages by cumulative time, costliest first."""
    names = set.intersection(*(set(run["packages"]) for run in runs))
    packages = {
        name: {**{key: statistics.median(run["packages"][name][key] for run in runs)
                  for key in ("cumulative_s", "self_s")},
               "imported_by": runs[0]["packages"][name]["imported_by"]}
        for name in names
    }  # fmt: skip
    ranked = dict(sorted(packages.items(), key=lambda item: -item[1]["cumulative_s"]))
    return {
        "total_s": statistics.median(run["total_s"] for run in runs),
        "totals_s": [run["total_s"] for run in runs],
        "modules": runs[-1]["modules"],
        "heavy_loaded": runs[-1]["heavy_loaded"],
        "packages": ranked,
    }


def venv_bytecode() -> dict[str, int]:
    """How many of the venv's sources have bytecode beside them (``make setup`` compiles)."""
    counts = {"py": 0, "pyc": 0}
    for _, _, files in os.walk(Path(sys.prefix) / "lib"):
        counts["py"] += sum(f.endswith(".py") for f in files)
        counts["pyc"] += sum(f.endswith(".pyc") for f in files)
    return counts


def measure_starts(work: Path, envs: dict[str, dict[str, str]], repeats: int) -> tuple:
    """Seconds to the login page of each app in each case, and the load after each round."""
    samples: dict[str, dict[str, list[float]]] = {c: {a: [] for a in APPS} for c in CASES}
    load: list[float] = []
    with httpx.Client(timeout=5) as http:
        for app in APPS:  # writes every module's bytecode into the all_cached folder
            start_once(http, app, envs["all_cached"], work / f"{app}.log")
        fill_caches(work)
        for case in CASES:
            for app in APPS:  # warms the page cache too, untimed
                start_once(http, app, envs[case], work / f"{app}.log")
        for run in range(repeats):  # interleaved, so other work slows every case alike
            for case in CASES:
                for app in APPS:
                    seconds = start_once(http, app, envs[case], work / f"{app}.log")
                    samples[case][app].append(seconds)
            load.append(os.getloadavg()[0])
            times = ", ".join(f"{c} {s['dashboard'][-1]:.2f}/{s['panel_floor'][-1]:.2f} s"
                              for c, s in samples.items())  # fmt: skip
            print(f"run {run + 1}/{repeats}: {times}; load {load[-1]:.1f}", flush=True)
    return samples, load


def show(start: dict, ratio: dict, imports: dict) -> None:
    """The figures on the terminal."""
    print(f"\nto the login page, s      {'dashboard p50/p99':>18} {'floor p50/p99':>14}  ratio")
    for case, s in start.items():
        ours, floor = s["dashboard"], s["panel_floor"]
        print(f"{case:24} {ours['median']:8.2f} / {ours['p99']:5.2f} "
              f"{floor['median']:6.2f} / {floor['p99']:5.2f}  {ratio[case]:5.2f}×")  # fmt: skip
    for case, cost in imports.items():
        top = list(cost["packages"].items())[:10]
        listed = ", ".join(f"{n} {p['cumulative_s']:.2f}" for n, p in top)
        print(f"import dashboard.app, {case}: {cost['total_s']:.2f} s; top: {listed}")
    heavy = ", ".join(imports[DEPLOYMENT]["heavy_loaded"]) or "none"
    print(f"heavy modules loaded by the import: {heavy} (of {', '.join(HEAVY)})")
    deployed = start[DEPLOYMENT]["dashboard"]["median"]
    print(f"target < {TARGET_S:g} s ({DEPLOYMENT}): {'met' if deployed < TARGET_S else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="CI: 5 starts of each")
    parser.add_argument("--repeats", type=int, help="starts of each app per case (15; quick 5)")
    args = parser.parse_args()
    repeats = args.repeats or (5 if args.quick else 15)
    import_runs = 2 if args.quick else 5
    work = Path(tempfile.mkdtemp(prefix="dashboard_start_"))
    drop = ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")
    base = {k: v for k, v in os.environ.items() if k not in drop} | {
        "DASHBOARD_COOKIE_SECRET": "bench-cookie-secret-0123456789abcdef",
        "CREDIT_API_URL": f"http://127.0.0.1:{free_port()}",  # closed: /login needs no API
        "CREDIT_API_TOKEN": "bench-token-0123456789",
    }  # fmt: skip
    envs = case_envs(work, base)
    load = [os.getloadavg()[0]]
    runs: dict[str, list[dict]] = {c: [] for c in CASES}
    try:
        samples, run_load = measure_starts(work, envs, repeats)
        for _ in range(import_runs):  # interleaved too
            for case in CASES:
                runs[case].append(importtime(envs[case]))
        load.append(os.getloadavg()[0])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    imports = {case: import_cost(found) for case, found in runs.items()}
    start = {c: {a: summary(s, "s") for a, s in apps.items()} for c, apps in samples.items()}
    ratio = {c: s["dashboard"]["median"] / s["panel_floor"]["median"] for c, s in start.items()}
    show(start, ratio, imports)
    payload = {
        "target_s": TARGET_S, "deployment_case": DEPLOYMENT, "cases": CASES, "repeats": repeats,
        "import_runs": import_runs, "heavy_checked": HEAVY, "venv_bytecode": venv_bytecode(),
        "source": source_state(("dashboard", "scoring", "devtools")),
        "load_average_1min_before_after": load, "load_average_1min_per_run": run_load,
        "start_s": start, "ratio_to_floor": ratio, "import": imports, "samples_s": samples,
    }  # fmt: skip
    print(f"wrote {write_result('dashboard_start', payload, args.quick)}")


if __name__ == "__main__":
    main()
