"""The monitor over a month of captured requests: its cost at 10,000, 100,000 and 1,000,000.

Why: issue 14 asks for the monitor over one million captured requests in ≤ 10 s. Requests are
counted into the reference bins when they are scored (:mod:`scoring.monitoring.capture`), so
the monitor reads one row of counts per day and worker whatever the traffic: its cost should
not grow with requests. Each scale shows it on a records database of its own (SQLite, in a
temporary directory): ``requests`` applications over 30 daily windows and 2 workers, counted
through the service's ``Capture`` and ``DriftCounts`` (:mod:`benchmarks.monitor_traffic`; rows
of the workspace's feature matrix resampled, drifting day by day towards the ``downturn``
scenario, scored by the workspace's model). Then the monitor runs:

- ``cli``: ``python -m training monitor`` in a subprocess, end to end (interpreter, imports,
  model store, records, summary, report.json and report.html written): wall time and peak
  resident memory (``os.wait4``, through :func:`benchmarks.monitor_data.run_measured`), the
  sizes of both reports, and ``--help`` (the interpreter and the CLI's imports) beside it;
- ``in_process``: the same steps once imported: ``monitor()`` (reading the counts and the
  decisions, the summary), the JSON and the HTML rendering, each timed.

Then, as a control, the same with one decision per application (``--decisions``, on by
default): the monitor's performance by vintage reads every decision of the period, row by
row, so that part of its cost does grow with traffic. Decisions are inserted straight into
the ``decisions`` table (no hash chain: the monitor never verifies it), without outcomes
(a month-old loan has none yet).

Usage: .venv/bin/python benchmarks/monitor_scale.py [--quick] [--no-decisions]
Writes benchmarks/results/monitor_scale.json (quick: results/raw/monitor_scale_quick.json):
``settings``, ``model``, ``scales`` (one record per number of requests: ``counting_s``,
``drift_rows``, ``database_bytes``, ``cli`` and ``in_process`` summaries, ``report_bytes``,
and ``with_decisions`` the same for the control), ``growth`` (each figure at the largest scale
over the smallest) and ``targets``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import monitor_traffic as traffic  # noqa: E402
from benchmarks.common import (  # noqa: E402
    SEED,
    source_during,
    source_state,
    summary,
    workspace,
    write_result,
)
from benchmarks.monitor_data import run_measured  # noqa: E402

TARGET_S = 10.0  # issue 14: the monitor over 1,000,000 captured requests
DAYS, WORKERS = 30, 2
SCENARIO = "downturn"
SCALES = {"full": (10_000, 100_000, 1_000_000), "quick": (10_000, 100_000)}
RUNS = {"full": {"cli": 5, "in_process": 10}, "quick": {"cli": 2, "in_process": 3}}
OK_EXITS = (0, 3, 4, 5)  # stable, watch, act, no data: the monitor ran


MONITOR = [sys.executable, "-m", "training", "monitor"]


def run_cli(arguments: list[str], env: dict) -> dict[str, Any]:
    """``python -m training monitor ARGUMENTS`` once: wall seconds, peak RSS (MiB), exit
    status (through :func:`benchmarks.monitor_data.run_measured`, so the figure is the
    monitor's own memory, not this process's)."""
    with tempfile.TemporaryDirectory(prefix="monitor-cli-") as folder:
        log = Path(folder) / "monitor.log"
        run = run_measured([*MONITOR, *arguments], env, log, float("inf"), 600.0)
    if run.exit not in OK_EXITS:
        raise SystemExit(f"training monitor {' '.join(arguments[:1])} failed ({run.exit}):\n"
                         f"{run.log_tail}")  # fmt: skip
    return {"wall_s": run.wall_s, "peak_rss_mb": run.peak_rss_mb, "exit": run.exit}


def run_in_process(database: Any, tag: str, period: tuple) -> dict[str, float]:
    """The monitor's steps once imported, each timed (seconds)."""
    from training.monitoring.html import render_report
    from training.monitoring.run import monitor

    began = time.perf_counter()
    document = monitor(database, tag, period[0], period[1])
    summarised = time.perf_counter()
    text = traffic.dumps(document)
    dumped = time.perf_counter()
    render_report(document, "en")
    rendered = time.perf_counter()
    return {
        "monitor_s": summarised - began,
        "json_s": dumped - summarised,
        "html_s": rendered - dumped,
        "total_s": rendered - began,
        "applications": document["applications"],
        "json_bytes": len(text.encode()),
    }


def monitor_runs(database: Any, url: str, tag: str, days: tuple, runs: dict, env: dict,
                 out: Path) -> dict[str, Any]:  # fmt: skip
    """The CLI ``runs["cli"]`` times, each followed by its start-up floor (``--help``: the
    interpreter and the CLI's imports), then the in-process steps ``runs["in_process"]`` times."""
    arguments = ["--model", tag, "--url", url, "--out", str(out),
                 "--since", days[0].isoformat(), "--until", days[1].isoformat()]  # fmt: skip
    cli, floor = [], []
    for _ in range(runs["cli"]):
        cli.append(run_cli(arguments, env))
        floor.append(run_cli(["--help"], env))
    steps = [run_in_process(database, tag, days) for _ in range(runs["in_process"])]
    return {
        "cli": {
            "wall_s": summary([r["wall_s"] for r in cli], "s"),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in cli),
            "exit": cli[-1]["exit"],
            "help_wall_s": summary([r["wall_s"] for r in floor], "s"),
        },
        "in_process": {
            key: summary([s[key] for s in steps], "s")
            for key in ("monitor_s", "json_s", "html_s", "total_s")
        },
        "applications": steps[-1]["applications"],
        "report_bytes": {
            "json": (out / "report.json").stat().st_size,
            "html": (out / "report.html").stat().st_size,
        },
    }


def database_bytes(path: Path) -> int:
    """Size of a SQLite database in WAL mode: its file and its write-ahead log."""
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def measure_scale(requests: int, context: dict[str, Any], decisions: bool) -> dict[str, Any]:
    """Count ``requests`` applications into a new records database, then run the monitor;
    again after adding one decision per application when ``decisions``."""
    from scoring.records.database import RecordsDatabase

    plan = traffic.day_plan(requests, DAYS, WORKERS)
    start = traffic.first_day(DAYS)
    days = (start, start + timedelta(days=DAYS))
    tag, runs = context["tag"], context["runs"]
    with tempfile.TemporaryDirectory(prefix="monitor-scale-") as folder:
        path = Path(folder) / "records.sqlite"
        url = f"sqlite:///{path}"
        database = RecordsDatabase(url)  # created on first use, as the service does
        counting = traffic.capture_counts(database, tag, context["bins"], plan,
                                          context["pools"], start, SEED)  # fmt: skip
        record = {
            "requests": requests,
            "counting_s": counting,
            "drift_rows": traffic.drift_rows(database),
            "database_bytes": database_bytes(path),
            **monitor_runs(database, url, tag, days, runs, context["env"], Path(folder) / "out"),
        }
        print(f"  {requests:>9,} requests: monitor CLI "
              f"{record['cli']['wall_s']['median']:.2f} s, in process "
              f"{record['in_process']['total_s']['median']:.3f} s", flush=True)  # fmt: skip
        if decisions:
            chunks = traffic.decision_rows(plan, context["pools"], start, tag,
                                           context["threshold"], SEED)  # fmt: skip
            began = time.perf_counter()
            written = traffic.record_decisions(database, chunks)
            record["with_decisions"] = {
                "decisions": written,
                "inserting_s": time.perf_counter() - began,
                "database_bytes": database_bytes(path),
                **monitor_runs(database, url, tag, days, runs, context["env"],
                               Path(folder) / "out-decisions"),
            }  # fmt: skip
            print(f"  {'':>9}  + {written:,} decisions: monitor CLI "
                  f"{record['with_decisions']['cli']['wall_s']['median']:.2f} s, in process "
                  f"{record['with_decisions']['in_process']['total_s']['median']:.3f} s",
                  flush=True)  # fmt: skip
        database.engine().dispose()
    return record


def growth(scales: list[dict[str, Any]], part: str | None = None) -> dict[str, float]:
    """Each median at the largest scale over the smallest (1 = flat), for ``part`` (e.g.
    ``with_decisions``) or the counts-only run."""
    low, high = (s[part] if part else s for s in (scales[0], scales[-1]))
    return {
        "requests": scales[-1]["requests"] / scales[0]["requests"],
        "cli_wall": high["cli"]["wall_s"]["median"] / low["cli"]["wall_s"]["median"],
        "in_process_total": high["in_process"]["total_s"]["median"]
        / low["in_process"]["total_s"]["median"],
        "cli_peak_rss": high["cli"]["peak_rss_mb"] / low["cli"]["peak_rss_mb"],
    }


def targets(scales: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The issue's target at the largest scale measured (1,000,000 in the full run)."""
    top = scales[-1]
    out = [{"target": f"monitor over {top['requests']:,} captured requests ≤ {TARGET_S:g} s "
            "(CLI, end to end)", "measured": top["cli"]["wall_s"]["median"],
            "passed": top["cli"]["wall_s"]["median"] <= TARGET_S}]  # fmt: skip
    if "with_decisions" in top:
        wall = top["with_decisions"]["cli"]["wall_s"]["median"]
        out.append({"target": f"the same with {top['requests']:,} decisions ≤ {TARGET_S:g} s",
                    "measured": wall, "passed": wall <= TARGET_S})  # fmt: skip
    return out


HEADER = ("requests", "decisions", "CLI s p50", "--help s", "CLI MiB", "in-proc s",
          "JSON KiB", "HTML KiB", "count s")  # fmt: skip


def table_row(scale: dict[str, Any], part: dict[str, Any], decisions: int) -> list[str]:
    """One line of the terminal table: the counts-only run or its decisions control."""
    cli = part["cli"]
    return [
        f"{scale['requests']:,}", f"{decisions:,}", f"{cli['wall_s']['median']:.2f}",
        f"{cli['help_wall_s']['median']:.2f}", f"{cli['peak_rss_mb']:.0f}",
        f"{part['in_process']['total_s']['median']:.3f}",
        f"{part['report_bytes']['json'] / 1024:.0f}", f"{part['report_bytes']['html'] / 1024:.0f}",
        "" if decisions else f"{scale['counting_s']:.1f}",
    ]  # fmt: skip


def show(result: dict[str, Any]) -> None:
    """The table on the terminal."""
    print(f"\nmonitor over {DAYS} daily windows × {WORKERS} workers; model {result['model']}")
    rows = [list(HEADER)]
    for scale in result["scales"]:
        rows.append(table_row(scale, scale, 0))
        if control := scale.get("with_decisions"):
            rows.append(table_row(scale, control, control["decisions"]))
    for row in rows:
        print(" ".join(f"{cell:>10}" for cell in row))
    for name, ratios in result["growth"].items():
        print(f"growth {name} ({ratios['requests']:.0f}× requests): CLI {ratios['cli_wall']:.2f}×, "
              f"in process {ratios['in_process_total']:.2f}×, "
              f"peak RSS {ratios['cli_peak_rss']:.2f}×")  # fmt: skip
    for target in result["targets"]:
        print(f"target {target['target']}: {target['measured']:.2f} s, "
              f"{'met' if target['passed'] else 'MISSED'}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"scales {SCALES['quick']}")
    parser.add_argument("--no-decisions", action="store_true", help="skip the decisions control")
    args = parser.parse_args()
    mode = "quick" if args.quick else "full"
    space = workspace(args.quick)
    os.environ["BENTOML_HOME"] = str(space.bentoml_home)
    from scoring.model import store
    from scoring.model.scorer import CreditModel
    from scoring.monitoring.bins import Bins

    started = source_state()
    model = CreditModel.from_store(space.model_tag)
    reference = store.read_json(model.root / store.REFERENCE_FILE)
    print(f"building the populations ({space.clients:,} clients, and {SCENARIO})", flush=True)
    context = {
        "tag": model.tag, "bins": Bins.from_reference(reference, model.tag),
        "pools": traffic.pools(space.data, model, SCENARIO, SEED), "runs": RUNS[mode],
        "threshold": model.threshold,
        "env": {**os.environ, **space.env, "PYTHONDONTWRITEBYTECODE": ""},
    }  # fmt: skip
    scales = [measure_scale(n, context, not args.no_decisions) for n in SCALES[mode]]
    result: dict[str, Any] = {
        "model": model.tag,
        "settings": {"days": DAYS, "workers": WORKERS, "scenario": SCENARIO,
                     "window_seconds": 86_400, "runs": RUNS[mode],
                     "workspace_clients": space.clients, **source_during(started)},
        "scales": scales,
        "growth": {"counts": growth(scales)}
        | ({"with_decisions": growth(scales, "with_decisions")} if not args.no_decisions else {}),
    }  # fmt: skip
    result["targets"] = targets(scales)
    show(result)
    print(f"wrote {write_result('monitor_scale', result, args.quick)}")


if __name__ == "__main__":
    main()
