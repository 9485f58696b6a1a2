"""Our drift monitor against Evidently's, on the same data and the same question, at full scale.

The question: which of the model's features drifted between the training population and a
shifted one? Reference: the feature matrix of a 307,511-client generated dataset (seed 42);
current: another 307,511 clients (seed 43) shifted by the ``downturn`` scenario
(:mod:`benchmarks.monitor_data` generates and caches both). Both tools read the same Parquet
files (the workspace model's 200 features; ours also the score, as the service counts it):

- ours: the reference bins as training builds them (``reference_bins``), the current rows
  counted into them (``Bins.count``, as ``Capture`` does), the monitor's document
  (``summary``) and its HTML report (``render_report``);
- Evidently (the ``monitor-comparison`` dependency group): ``Report([DataDriftPreset(method=
  "psi")])`` on the two data sets, then ``save_html``.

Each runs in a child process of its own: wall time (interpreter and imports included; the
child also times its reading, computing and HTML steps) and peak resident memory
(``os.wait4``); ours three times (the run of median time is reported), Evidently once (four
minutes at full scale). A watchdog stops a child past 80 % of the machine's memory (or what is free
less 1 GiB, if lower) or 30 minutes; when
Evidently is stopped or fails at full scale, it is run again on the first 100,000, then
30,000, then 10,000 rows of each population, and the largest scale it reaches is reported
with why it stopped. Then both HTML reports are opened in headless Chromium until rendered
(:mod:`benchmarks.monitor_browser`), and the two rankings are compared: the overlap of the
top 10 features by PSI, the rank correlation of all PSIs, the columns each flags.

Usage: .venv/bin/python benchmarks/monitor_evidently.py [--quick] [--clients N] [--opens N]
Writes benchmarks/results/monitor_evidently.json (quick: results/raw/monitor_evidently_quick.json):
``settings``, ``model``, ``ours`` and ``evidently`` (``runs``: one per scale tried, the last
the one measured; ``steps_s``, ``report_bytes``, ``open`` in Chromium, ``drifted``), ``ratios``
(Evidently over ours), ``agreement`` and ``targets``.
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

from benchmarks.common import source_during, source_state, summary  # noqa: E402

FULL_CLIENTS, QUICK_CLIENTS = 307_511, 5_000
CURRENT = "downturn"
FALLBACK_ROWS = (100_000, 30_000, 10_000)
TIMEOUT_S = 1_800.0
PSI_THRESHOLD = 0.1  # Evidently's default for PSI, and our "watch" level
TOP = 10
QUIET = {"DO_NOT_TRACK": "1", "EVIDENTLY_DISABLE_TELEMETRY": "1", "PYTHONWARNINGS": "ignore"}


def read_inputs(path: Path, rows: int | None, with_score: bool) -> tuple[Any, list[str]]:
    """The model's feature columns of an inputs file (and ``score`` when asked), the first
    ``rows`` rows; the names of the features."""
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    names = [c for c in table.column_names if c not in ("score", "TARGET")]
    frame = table.select([*names, *(["score"] if with_score else [])]).to_pandas()
    return (frame.head(rows) if rows else frame), names


def child_ours(reference: str, current: str, model_reference: str, rows: str, out: str) -> None:
    """Child process: our monitor from the two inputs files; ``out/result.json``."""
    began = time.perf_counter()
    from scoring.model import store
    from scoring.monitoring.bins import reference_bins
    from scoring.monitoring.summary import summary as monitor_summary
    from training.monitoring.html import render_report

    imported = time.perf_counter()
    ref, names = read_inputs(Path(reference), int(rows) or None, with_score=True)
    cur, _ = read_inputs(Path(current), int(rows) or None, with_score=True)
    read = time.perf_counter()
    bins = reference_bins(ref[names].to_numpy(), names, ref["score"].to_numpy())
    counts = bins.count(cur[names].to_numpy(), cur["score"].to_numpy())
    counted = time.perf_counter()
    importance = store.read_json(Path(model_reference))["importance"]
    document = monitor_summary("benchmark", bins, importance, [_window(len(cur), counts)])
    summarised = time.perf_counter()
    html = render_report(document, "en")
    (Path(out) / "report.html").write_text(html, encoding="utf-8")
    (Path(out) / "report.json").write_text(json.dumps(document, indent=1), encoding="utf-8")
    done = time.perf_counter()
    psi = {f["name"]: f["psi"] for f in document["features"]}
    _write_result(out, psi, {
        "import_s": imported - began, "read_s": read - imported,
        "bins_and_counts_s": counted - read, "summary_s": summarised - counted,
        "html_s": done - summarised, "in_child_s": done - began,
    }, rows=len(cur))  # fmt: skip


def _window(applications: int, counts: Any) -> Any:
    from scoring.records.drift import WindowCounts

    return WindowCounts("2026-01-01T00:00:00.000000+00:00", applications, counts)


def child_evidently(reference: str, current: str, rows: str, out: str) -> None:
    """Child process: Evidently's data drift report from the two inputs files."""
    began = time.perf_counter()
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset

    imported = time.perf_counter()
    ref, names = read_inputs(Path(reference), int(rows) or None, with_score=False)
    cur, _ = read_inputs(Path(current), int(rows) or None, with_score=False)
    read = time.perf_counter()
    definition = DataDefinition(numerical_columns=names)
    snapshot = Report([DataDriftPreset(method="psi")]).run(
        current_data=Dataset.from_pandas(cur, data_definition=definition),
        reference_data=Dataset.from_pandas(ref, data_definition=definition),
    )
    computed = time.perf_counter()
    snapshot.save_html(str(Path(out) / "report.html"))
    done = time.perf_counter()
    psi = evidently_psi(snapshot.dict())
    _write_result(out, psi, {
        "import_s": imported - began, "read_s": read - imported, "compute_s": computed - read,
        "html_s": done - computed, "in_child_s": done - began,
    }, rows=len(cur))  # fmt: skip


def evidently_psi(document: dict[str, Any]) -> dict[str, float]:
    """Each column's PSI from an Evidently snapshot's ``dict()`` (its ``ValueDrift`` metrics)."""
    return {
        metric["config"]["column"]: float(metric["value"])
        for metric in document["metrics"]
        if metric["config"].get("type", "").endswith(":ValueDrift")
    }


def _write_result(out: str, psi: dict[str, float | None], steps: dict, rows: int) -> None:
    result = {"psi": psi, "steps_s": steps, "rows": rows}
    (Path(out) / "result.json").write_text(json.dumps(result), encoding="utf-8")


def ranked(psi: dict[str, float | None]) -> list[str]:
    """Column names by PSI, highest first (ties by name, so the order is stable)."""
    return sorted((n for n, v in psi.items() if v is not None), key=lambda n: (-psi[n], n))


def agreement(ours: dict[str, float | None], theirs: dict[str, float], top: int = TOP) -> dict:
    """How far two tools' PSIs agree on the same columns: the overlap of their ``top``
    columns, Spearman's rank correlation over every common column, the columns each flags
    at :data:`PSI_THRESHOLD` and those both flag."""
    from scipy.stats import spearmanr

    common = sorted(set(ours) & set(theirs) - {n for n, v in ours.items() if v is None})
    first, second = ranked({n: ours[n] for n in common}), ranked({n: theirs[n] for n in common})
    flagged = {
        "ours": [n for n in first if ours[n] >= PSI_THRESHOLD],
        "evidently": [n for n in second if theirs[n] >= PSI_THRESHOLD],
    }
    correlation = spearmanr([ours[n] for n in common], [theirs[n] for n in common]).statistic
    return {
        "columns": len(common),
        "top": {"ours": first[:top], "evidently": second[:top]},
        "top_overlap": len(set(first[:top]) & set(second[:top])),
        "top_overlaps": {k: len(set(first[:k]) & set(second[:k])) for k in (3, 5, 10, 20)},
        "spearman": float(correlation),
        "flagged": flagged,
        "flagged_by_both": sorted(set(flagged["ours"]) & set(flagged["evidently"])),
    }


def run_tool(tool: str, inputs: dict[str, Path], rows: int, extra: list[str], work: Path,
             limit_mb: float) -> dict[str, Any]:  # fmt: skip
    """One child of ``tool`` on the first ``rows`` rows (0: all): the run and its result."""
    from benchmarks.monitor_data import run_measured, run_record

    out = work / f"{tool}-{rows or 'all'}"
    out.mkdir(parents=True, exist_ok=True)
    python = evidently_python() if tool == "evidently" else Path(sys.executable)
    command = [str(python), __file__, f"child-{tool}", str(inputs["reference"]),
               str(inputs["current"]), *extra, str(rows), str(out)]  # fmt: skip
    env = {**os.environ, **QUIET, "PYTHONPATH": str(ROOT)}
    run = run_measured(command, env, out / "child.log", limit_mb, TIMEOUT_S)
    record: dict[str, Any] = {"rows_requested": rows, **run_record(run)}
    result = out / "result.json"
    if run.exit == 0 and run.stopped is None and result.is_file():
        record.update(json.loads(result.read_text()))
        record["report_bytes"] = (out / "report.html").stat().st_size
        record["report_path"] = str(out / "report.html")
    status = "ok" if "psi" in record else run.stopped or f"exit {run.exit}"
    print(f"  {tool} on {rows or 'all'} rows: {run.wall_s:.1f} s, {run.peak_rss_mb:,.0f} MiB, "
          f"{status}", flush=True)  # fmt: skip
    return record


def evidently_python() -> Path:
    """The interpreter of a virtual environment of its own (``data/bench/evidently-venv``)
    holding the ``monitor-comparison`` group as uv.lock pins it, and pyarrow to read the
    inputs. Not the project's .venv: Evidently brings uvloop and httptools, which BentoML
    would then pick up, serving the tests and benchmarks otherwise than the image does."""
    from importlib.metadata import version

    from benchmarks.common import BENCH_DIR

    venv = BENCH_DIR / "evidently-venv"
    python = venv / "bin" / "python"
    check = [str(python), "-c", "import evidently, pyarrow"]
    if python.is_file() and subprocess.run(check, capture_output=True).returncode == 0:
        return python
    uv = Path(sys.executable).parent / "uv"
    pins = venv.with_name("evidently-requirements.txt")
    steps = [
        [str(uv), "export", "--frozen", "--only-group", "monitor-comparison", "--no-hashes",
         "--no-emit-project", "--no-header", "--quiet", "-o", str(pins)],
        [str(uv), "venv", "--quiet", "--clear", "--python", sys.executable, str(venv)],
        [str(uv), "pip", "install", "--quiet", "--python", str(python), "-r", str(pins),
         f"pyarrow=={version('pyarrow')}"],
    ]  # fmt: skip
    for step in steps:
        subprocess.run(step, cwd=ROOT, check=True)
    return python


def opened(record: dict[str, Any], opens: int, shots: Path, name: str) -> dict[str, Any]:
    """The report of ``record`` opened ``opens`` times: summaries in seconds, and the last
    opening's figures (elements, JS heap)."""
    from benchmarks.monitor_browser import open_report

    runs = open_report(Path(record["report_path"]), opens, shots / f"{name}.png")
    figures = ("rendered_ms", "load_ms", "first_contentful_paint_ms")
    return {
        **{key.replace("_ms", "_s"): summary([r[key] / 1e3 for r in runs if r[key] is not None],
                                            "s") for key in figures},
        "elements": runs[-1]["elements"], "js_heap_mb": runs[-1]["js_heap_mb"],
    }  # fmt: skip


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median wall time, with every run's wall time and the highest peak memory."""
    ordered = sorted(runs, key=lambda r: r["wall_s"])
    middle = ordered[(len(ordered) - 1) // 2]
    return {**middle, "walls_s": [r["wall_s"] for r in runs],
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs)}  # fmt: skip


def measure(clients: int, opens: int, repeats: int, space: Any, work: Path) -> dict[str, Any]:
    """Everything: the inputs, ours ``repeats`` times (it is cheap), Evidently once (falling
    back to fewer rows), the browser."""
    import psutil

    from benchmarks.monitor_data import model_inputs, population_dir
    from scoring.model import store
    from scoring.model.scorer import CreditModel

    model = CreditModel.from_store(space.model_tag)
    inputs = {"reference": model_inputs(clients, "reference", model),
              "current": model_inputs(clients, CURRENT, model)}  # fmt: skip
    memory = psutil.virtual_memory()  # what this machine leaves free, less a margin
    limit_mb = min(0.8 * memory.total, memory.available - 2**30) / 2**20
    reference_json = str(model.root / store.REFERENCE_FILE)
    runs = [run_tool("ours", inputs, 0, [reference_json], work, limit_mb) for _ in range(repeats)]
    ours = median_run(runs)
    evidently = [run_tool("evidently", inputs, 0, [], work, limit_mb)]
    for rows in (r for r in FALLBACK_ROWS if r < clients):
        if "psi" in evidently[-1]:
            break
        evidently.append(run_tool("evidently", inputs, rows, [], work, limit_mb))
    measured = evidently[-1]
    if "psi" not in ours:
        raise SystemExit(f"our monitor failed:\n{ours['log_tail']}")
    shots = population_dir(clients, "screenshots")  # kept, to see what was measured
    shots.mkdir(parents=True, exist_ok=True)
    result = {
        "model": model.tag, "clients": clients, "limit_mb": limit_mb,
        "ours": {**ours, "open": opened(ours, opens, shots, "ours")},
        "evidently": {"runs": evidently, "measured": "psi" in measured},
    }  # fmt: skip
    if "psi" in measured:
        result["evidently"]["open"] = opened(measured, opens, shots, "evidently")
        result["agreement"] = agreement(ours["psi"], measured["psi"])
        if measured["rows"] != ours["rows"]:  # compare at the same scale too
            same = run_tool("ours", inputs, measured["rows"], [reference_json], work, limit_mb)
            result["agreement_same_rows"] = agreement(same["psi"], measured["psi"])
    return result


def ratios(result: dict[str, Any]) -> dict[str, float]:
    """Evidently's figures over ours (> 1: Evidently takes more)."""
    ours, theirs = result["ours"], result["evidently"]
    if not theirs["measured"]:
        return {}
    last = theirs["runs"][-1]
    return {
        "wall": last["wall_s"] / ours["wall_s"],
        "peak_rss": last["peak_rss_mb"] / ours["peak_rss_mb"],
        "report_bytes": last["report_bytes"] / ours["report_bytes"],
        "open_rendered": theirs["open"]["rendered_s"]["median"]
        / ours["open"]["rendered_s"]["median"],
    }


def show(result: dict[str, Any]) -> None:
    """The comparison on the terminal."""
    ours, theirs = result["ours"], result["evidently"]
    print(f"\nwhich of {len(ours['psi'])} features drifted: reference {result['clients']:,} "
          f"clients vs {CURRENT}; model {result['model']}")  # fmt: skip
    print(f"{'':12} {'rows':>9} {'wall s':>8} {'peak MiB':>9} {'HTML KiB':>9} {'open s':>7}")
    rows = [("ours", ours)]
    if theirs["measured"]:
        rows.append(("Evidently", {**theirs["runs"][-1], "open": theirs["open"]}))
    for name, r in rows:
        rendered = r["open"]["rendered_s"]["median"]
        print(f"{name:12} {r['rows']:>9,} {r['wall_s']:>8.1f} {r['peak_rss_mb']:>9,.0f} "
              f"{r['report_bytes'] / 1024:>9,.0f} {rendered:>7.2f}")  # fmt: skip
    for run in theirs["runs"]:
        if "psi" not in run:
            why = run["stopped"] or f"exit {run['exit']}: {run['log_tail'][-300:]}"
            print(f"Evidently on {run['rows_requested'] or 'all'} rows did not finish: {why}")
    for name, value in result.get("ratios", {}).items():
        print(f"Evidently / ours, {name}: {value:.1f}×")
    if "agreement" in result:
        a = result["agreement"]
        overlaps = ", ".join(f"top {k}: {n}" for k, n in a["top_overlaps"].items())
        print(f"overlap {overlaps}; Spearman over {a['columns']} "
              f"columns {a['spearman']:.2f}; flagged (PSI ≥ {PSI_THRESHOLD}): ours "
              f"{len(a['flagged']['ours'])}, Evidently {len(a['flagged']['evidently'])}, "
              f"both {len(a['flagged_by_both'])}")  # fmt: skip
        print(f"  ours:      {', '.join(a['top']['ours'])}")
        print(f"  Evidently: {', '.join(a['top']['evidently'])}")


def main() -> None:
    from benchmarks.common import workspace, write_result

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_CLIENTS:,} clients")
    parser.add_argument("--clients", type=int, help=f"clients per population ({FULL_CLIENTS:,})")
    parser.add_argument("--opens", type=int, help="openings of each report (5; quick 2)")
    args = parser.parse_args()
    clients = args.clients or (QUICK_CLIENTS if args.quick else FULL_CLIENTS)
    space = workspace(args.quick)
    os.environ["BENTOML_HOME"] = str(space.bentoml_home)
    started = source_state()
    with tempfile.TemporaryDirectory(prefix="monitor-evidently-") as folder:
        opens = args.opens or (2 if args.quick else 5)
        result = measure(clients, opens, 1 if args.quick else 3, space, Path(folder))
    result["ratios"] = ratios(result)
    result["settings"] = {"current": CURRENT, "psi_threshold": PSI_THRESHOLD,
                          "fallback_rows": FALLBACK_ROWS, "timeout_s": TIMEOUT_S,
                          "evidently": _version("evidently"), **source_during(started)}  # fmt: skip
    for tool in (result["ours"], *result["evidently"]["runs"]):
        tool.pop("report_path", None)
    show(result)
    print(f"wrote {write_result('monitor_evidently', result, args.quick)}")


def _version(package: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return None


if __name__ == "__main__":
    if sys.argv[1:2] == ["child-ours"]:
        child_ours(*sys.argv[2:7])
    elif sys.argv[1:2] == ["child-evidently"]:
        child_evidently(*sys.argv[2:6])
    else:
        main()
