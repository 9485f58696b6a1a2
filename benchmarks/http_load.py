"""HTTP load: our BentoML service against the usual Flask + gunicorn baseline, cell by cell.

For 1 and 2 workers, both systems are served side by side: ours with `bentoml serve`
(token, audit log to a throw-away database), the baseline (:mod:`benchmarks.baseline`, a
pickled ``LGBMClassifier`` trained like ours, no auth, no audit) with gunicorn. Each cell,
an endpoint (/predict, /explain, /predict_batch of 100 applications) at a concurrency
(1, 8, 32 back-to-back locust users), is run on ours and then at once on the baseline, with
the same bodies (applications of the workspace's ``application_test``) and the same load
tool, so both see the same machine conditions. Locust shares the cores with the server: its
own CPU time is reported per cell.

The baseline builds a SHAP explainer per /explain request (tens of milliseconds): its
/explain cells stop once they have enough samples for a p99, within a time cap.

Usage: ``.venv/bin/python benchmarks/http_load.py [--quick]`` (about 12 minutes; quick: a CI
run of 2 to 3 minutes, 2 workers only, concurrency 1 and 8, 3-second cells).

Writes ``benchmarks/results/http_load.json`` (quick: ``results/raw/http_load_quick.json``)
holding ``cells``: one per system, workers, endpoint
and concurrency, with ``p50_ms``, ``p99_ms`` (latency of the answered requests), ``rps``
(answered requests per second), ``rows_per_s`` (applications scored per second),
``errors`` (failed requests; ``error_kinds`` by kind), ``n`` (answered requests),
``seconds`` (length of the cell) and ``load_tool_cpu_s`` (locust's CPU time); then
``comparisons`` (per cell: baseline p50 / ours p50, ours rps / baseline rps) and ``targets``.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.baseline.model import prepare  # noqa: E402
from benchmarks.common import Workspace, workspace, write_result  # noqa: E402
from benchmarks.loadgen.payloads import workspace_bodies  # noqa: E402
from benchmarks.loadgen.run import Mix, run_load  # noqa: E402
from benchmarks.loadgen.workers import (  # noqa: E402
    BENTOML_WORKER,
    kill_all,
    wait_until_accepting,
    worker_processes,
)
from tests.serving import free_port, start_service, stop, wait_ready  # noqa: E402

SYSTEMS = ("ours", "baseline")
ENDPOINTS = ("predict", "explain", "predict_batch")
BATCH_SIZE = 100
BODIES = 1000  # distinct applications sent, cycled through
WARM_UP = {"predict": 20, "explain": 10, "predict_batch": 3}  # requests before measuring
TARGET_P50_MS = {"predict": 3.0, "explain": 8.0}  # ours, at concurrency 1
TARGET_SPEEDUP = 10.0  # baseline p50 / ours p50, at concurrency 1


@dataclass(frozen=True)
class Settings:
    """Which cells run and for how long."""

    workers: tuple[int, ...]
    concurrency: tuple[int, ...]
    seconds: int  # per cell
    slow_cap_s: int  # the baseline's /explain cells: at most this long ...
    slow_samples: int  # ... and no longer than needed for this many answers


FULL = Settings(workers=(1, 2), concurrency=(1, 8, 32), seconds=10, slow_cap_s=40,
                slow_samples=300)  # fmt: skip
# CI: one server pair (start-ups dominate) and short cells; locust itself needs 2-4 s to start.
QUICK = Settings(workers=(2,), concurrency=(1, 8), seconds=3, slow_cap_s=6, slow_samples=40)


@dataclass(frozen=True)
class Server:
    """One system being served: where, how to authenticate, and how to find its workers."""

    system: str
    port: int
    process: subprocess.Popen
    token: str
    worker_marker: str | None  # in the workers' command line; None: every child

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def start_ours(space: Workspace, workers: int, audit_dir: Path) -> Server:
    """`bentoml serve` of the workspace model, with a token and a throw-away audit log."""
    token, port = secrets.token_urlsafe(32), free_port()
    env = {
        **space.env,
        "CREDIT_API_TOKEN": token,
        "CREDIT_WORKERS": str(workers),
        "CREDIT_AUDIT_DB_URL": f"sqlite:///{audit_dir / f'audit-{workers}.sqlite'}",
    }
    return Server("ours", port, start_service(env, port), token, BENTOML_WORKER)


def start_baseline(model_path: Path, workers: int) -> Server:
    """gunicorn serving the baseline Flask app, in a process group of its own."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "benchmarks.baseline.app:app"],
        cwd=ROOT,
        env={**os.environ, "BASELINE_MODEL_PATH": str(model_path)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    return Server("baseline", port, process, "", None)


@contextmanager
def both_systems(space: Workspace, model_path: Path, workers: int) -> Iterator[list[Server]]:
    """Both systems started together, every worker serving; all of them killed afterwards."""
    servers: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="http-load-audit-") as audit_dir:
        try:
            servers.append(start_ours(space, workers, Path(audit_dir)))
            servers.append(start_baseline(model_path, workers))
            for server in servers:
                wait_ready(server.url, server.process, timeout=300)
                started = worker_processes(server.process, server.worker_marker)
                if len(wait_until_accepting(server.port, started, timeout=300)) < workers:
                    raise RuntimeError(f"{server.system}: not all {workers} workers serve")
            yield servers
        finally:
            for server in servers:
                spawned = worker_processes(server.process, server.worker_marker)
                stop(server.process)
                kill_all(spawned)


def warm_up(server: Server, bodies: list[dict]) -> None:
    """A few requests per endpoint, so that no cell pays for lazy initialisation."""
    headers = {"Authorization": f"Bearer {server.token}"} if server.token else {}
    batch = {"applications": bodies[:BATCH_SIZE]}
    with httpx.Client(base_url=server.url, headers=headers, timeout=120) as client:
        for endpoint, count in WARM_UP.items():
            for i in range(count):
                body = batch if endpoint == "predict_batch" else bodies[i % len(bodies)]
                response = client.post(f"/{endpoint}", json=body)
                if response.status_code != 200:
                    raise RuntimeError(f"{server.system} /{endpoint}: {response.text[:500]}")


def measure(
    server: Server, workers: int, endpoint: str, users: int, bodies: list[dict], settings: Settings
) -> dict[str, Any]:
    """One cell: ``users`` back-to-back users on one endpoint of one system."""
    slow = server.system == "baseline" and endpoint == "explain"
    result = run_load(
        server.url,
        server.token,
        Mix.only(endpoint, BATCH_SIZE),
        users,
        settings.slow_cap_s if slow else settings.seconds,
        bodies,
        max_requests=settings.slow_samples if slow else 0,
    )
    rows = BATCH_SIZE if endpoint == "predict_batch" else 1
    return {
        "system": server.system,
        "workers": workers,
        "endpoint": endpoint,
        "concurrency": users,
        "p50_ms": result.percentile(50),
        "p99_ms": result.percentile(99),
        "rps": result.rps,
        "rows_per_s": result.rps * rows,
        "errors": result.error_count,
        "error_kinds": dict(result.errors),
        "n": int(result.latencies().size),
        "seconds": result.duration_s,
        "load_tool_cpu_s": result.load_tool_cpu_s,
    }


def compare(cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per cell: how many times lower ours' p50 is, how many times higher its rps."""
    by_key = {(c["system"], c["workers"], c["endpoint"], c["concurrency"]): c for c in cells}
    comparisons = []
    for (system, workers, endpoint, users), ours in by_key.items():
        baseline = by_key.get(("baseline", workers, endpoint, users))
        if system != "ours" or baseline is None:
            continue
        comparisons.append({
            "workers": workers,
            "endpoint": endpoint,
            "concurrency": users,
            "p50_ratio": baseline["p50_ms"] / ours["p50_ms"],
            "rps_ratio": ours["rps"] / baseline["rps"] if baseline["rps"] else float("inf"),
        })  # fmt: skip
    return comparisons


def check_targets(
    cells: list[dict[str, Any]], comparisons: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The service targets at concurrency 1, for each worker count measured."""
    targets = []
    for cell in cells:
        if cell["system"] == "ours" and cell["concurrency"] == 1:
            limit = TARGET_P50_MS.get(cell["endpoint"])
            if limit is not None:
                targets.append({
                    "target": f"/{cell['endpoint']} p50 < {limit:g} ms "
                              f"(c=1, {cell['workers']} worker(s))",
                    "measured": cell["p50_ms"],
                    "passed": cell["p50_ms"] < limit,
                })  # fmt: skip
    for comparison in comparisons:
        if comparison["concurrency"] == 1 and comparison["endpoint"] in TARGET_P50_MS:
            targets.append({
                "target": f"/{comparison['endpoint']} p50 >= {TARGET_SPEEDUP:g}x faster than "
                          f"the baseline (c=1, {comparison['workers']} worker(s))",
                "measured": comparison["p50_ratio"],
                "passed": comparison["p50_ratio"] >= TARGET_SPEEDUP,
            })  # fmt: skip
    return targets


def run(settings: Settings, quick: bool) -> dict[str, Any]:
    """Every cell of ``settings``, ours then the baseline, with the comparisons."""
    space = workspace(quick)
    model_path = prepare(space)
    bodies = workspace_bodies(space.data, BODIES)
    cells = []
    for workers in settings.workers:
        with both_systems(space, model_path, workers) as servers:
            for server in servers:
                warm_up(server, bodies)
            for endpoint in ENDPOINTS:
                for users in settings.concurrency:
                    for server in servers:
                        cells.append(measure(server, workers, endpoint, users, bodies, settings))
                        print(_cell_line(cells[-1]), flush=True)
    comparisons = compare(cells)
    return {
        "settings": {
            **asdict(settings),
            "batch_size": BATCH_SIZE,
            "bodies": len(bodies),
            "workspace_clients": space.clients,
            "model_tag": space.model_tag,
        },
        "cells": cells,
        "comparisons": comparisons,
        "targets": check_targets(cells, comparisons),
    }


def _cell_line(cell: dict[str, Any]) -> str:
    return (
        f"{cell['system']:>8} w={cell['workers']} {cell['endpoint']:>13} "
        f"c={cell['concurrency']:<2} p50 {cell['p50_ms']:8.2f} ms  p99 {cell['p99_ms']:8.2f} ms  "
        f"{cell['rps']:8.1f} req/s  errors {cell['errors']}  n {cell['n']}"
    )


def print_report(document: dict[str, Any]) -> None:
    """The cells side by side, then the targets."""
    from rich.console import Console
    from rich.table import Table

    cells = {
        (c["system"], c["workers"], c["endpoint"], c["concurrency"]): c for c in document["cells"]
    }
    table = Table(title="HTTP load: ours vs the Flask + gunicorn baseline (p50/p99 in ms)")
    for header in ("workers", "endpoint", "c", "ours p50", "base p50", "p50 ×", "ours p99",
                   "base p99", "ours req/s", "base req/s", "req/s ×", "ours rows/s",
                   "base rows/s", "errors o/b", "locust CPU s"):  # fmt: skip
        table.add_column(header, justify="right")
    for comparison in document["comparisons"]:
        key = (comparison["workers"], comparison["endpoint"], comparison["concurrency"])
        ours, base = cells[("ours", *key)], cells[("baseline", *key)]
        table.add_row(
            str(key[0]), key[1], str(key[2]),
            f"{ours['p50_ms']:.2f}", f"{base['p50_ms']:.2f}", f"{comparison['p50_ratio']:.1f}",
            f"{ours['p99_ms']:.2f}", f"{base['p99_ms']:.2f}",
            f"{ours['rps']:.0f}", f"{base['rps']:.0f}", f"{comparison['rps_ratio']:.1f}",
            f"{ours['rows_per_s']:.0f}", f"{base['rows_per_s']:.0f}",
            f"{ours['errors']}/{base['errors']}",
            f"{ours['load_tool_cpu_s']:.1f}/{base['load_tool_cpu_s']:.1f}",
        )  # fmt: skip
    console = Console(width=None if sys.stdout.isatty() else 180)
    console.print(table)
    for target in document["targets"]:
        outcome = "[green]pass[/green]" if target["passed"] else "[red]FAIL[/red]"
        console.print(f"{outcome}  {target['target']}: {target['measured']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short CI run, fewer cells")
    args = parser.parse_args()
    document = run(QUICK if args.quick else FULL, args.quick)
    path = write_result("http_load", document, args.quick)
    print_report(document)
    print(f"Wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
