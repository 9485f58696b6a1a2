"""HTTP load: our BentoML service against the usual Flask + gunicorn baseline, cell by cell.

For 1 and 2 workers, three systems are served side by side:

- ``ours``: `bentoml serve` (token, audit log to a throw-away database);
- ``baseline``: :mod:`benchmarks.baseline.app` under gunicorn, the usual habits (pickled
  ``LGBMClassifier`` trained like ours on the model's selected features, plain-pandas
  features, a SHAP explainer per request, no auth, no audit);
- ``baseline_numpy``: the same app with ``BASELINE_FEATURES=numpy`` (our feature engine,
  every other habit kept), measured at concurrency 1 only: the decomposition of the gap
  into features and the rest.

A cell is one endpoint (/predict, /explain, /predict_batch of 100 applications), one kind of
body and one concurrency (back-to-back locust users), run on each system in turn, with the
same bodies and the same load tool, so that all see the same machine conditions. Bodies
(:mod:`benchmarks.loadgen.payloads`, from the workspace's ``application_test`` clients):
``application`` (the application alone) and ``history`` (the application with every row of
the client's six history tables inline). /predict and /explain are measured with both at
concurrency 1 and with ``history`` for the sweep (1, 8, 32); /predict_batch sends
``application`` bodies. Locust shares the cores with the servers: its CPU time is reported.

The baseline's slow cells (/explain, and any ``history`` body: tens to hundreds of
milliseconds a request) stop once they have enough samples for a p99, within a time cap.

Before any cell, the systems are checked to answer alike: on the first bodies of each kind,
every baseline's /explain must give ours' probability (within 1e-6) and the very same
principal reasons (codes and sentences). The bytes of those answers (the default /explain,
and /predict) are recorded: the default /explain answer must stay small.

Usage: ``.venv/bin/python benchmarks/http_load.py [--quick]`` (about 12 minutes; quick: a CI
run under 3 minutes, 2 workers only, concurrency 1 and 8, 2-second cells).

Writes ``benchmarks/results/http_load.json`` (quick: ``results/raw/http_load_quick.json``):

- ``settings``: the cells' lengths and caps, batch size, bodies sent, workspace, model tag;
- ``cells``: one per system, workers, endpoint, body and concurrency, with ``p50_ms`` and
  ``p99_ms`` (latency of the answered requests; null when none was answered), ``rps``
  (answered requests per second), ``rows_per_s`` (applications scored per second),
  ``errors`` (failed requests; ``error_kinds`` by kind), ``n`` (answered requests),
  ``seconds`` (length of the cell) and ``load_tool_cpu_s`` (locust's CPU time);
- ``comparisons``: per cell of ours and per baseline system measured alike (``baseline``
  names it), ``p50_ratio`` (baseline p50 / ours p50) and ``rps_ratio`` (ours rps /
  baseline rps), null when undefined;
- ``agreement``: per baseline system and body, the bodies compared, the largest |Δp|
  against ours and how many answers gave other reasons (0, or the run stops);
- ``response_bytes``: per system, endpoint and body, the ``median`` and ``max`` size in
  bytes of the answers to those bodies (the body of the HTTP response, as sent);
- ``targets``: ``target`` (text), ``measured``, ``passed`` and ``unit`` (``ms``, ``x`` or
  ``bytes``): /predict p50 < 3 ms and /explain p50 ≤ 3 ms at concurrency 1, and ≥ 10×
  lower p50 than ``baseline``, per worker count, endpoint and body; the default /explain
  answer ≤ 10 KB (10,000 bytes, the largest one measured), per body.
"""

from __future__ import annotations

import argparse
import math
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
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.baseline.model import prepare  # noqa: E402
from benchmarks.common import Workspace, workspace, write_result  # noqa: E402
from benchmarks.loadgen.payloads import workspace_bodies, workspace_history_bodies  # noqa: E402
from benchmarks.loadgen.run import Mix, run_load  # noqa: E402
from benchmarks.loadgen.workers import (  # noqa: E402
    BENTOML_WORKER,
    kill_all,
    wait_until_accepting,
    worker_processes,
)
from devtools.servers import free_port, start_service, stop, wait_ready  # noqa: E402

BASELINES = {"baseline": "pandas", "baseline_numpy": "numpy"}  # system -> BASELINE_FEATURES
SINGLE = ("predict", "explain")
BATCH_SIZE = 100
BODIES = {"application": 1000, "history": 200}  # distinct bodies sent, cycled through
WARM_UP = {"predict": 10, "explain": 5, "predict_batch": 3}  # per body kind, before measuring
TARGET_P50_MS = {"predict": ("<", 3.0), "explain": ("≤", 3.0)}  # ours, at concurrency 1
TARGET_SPEEDUP = 10.0  # baseline p50 / ours p50, at concurrency 1
TARGET_EXPLAIN_BYTES = 10_000  # the default /explain answer (groups, facts, reasons)
AGREEMENT_TOLERANCE = 1e-6  # |Δp| between ours and a baseline, as in model_call


@dataclass(frozen=True)
class Settings:
    """Which cells run and for how long."""

    workers: tuple[int, ...]
    concurrency: tuple[int, ...]
    seconds: int  # per cell
    slow_cap_s: int  # the baseline's slow cells: at most this long ...
    slow_samples: int  # ... and no longer than needed for this many answers

    checked: int  # bodies of each kind whose answers are compared and weighed


FULL = Settings(workers=(1, 2), concurrency=(1, 8, 32), seconds=8, slow_cap_s=15,
                slow_samples=200, checked=40)  # fmt: skip
# CI: one set of servers (start-ups dominate) and short cells; locust needs 2-4 s to start.
QUICK = Settings(workers=(2,), concurrency=(1, 8), seconds=2, slow_cap_s=4, slow_samples=40,
                 checked=8)  # fmt: skip


@dataclass(frozen=True)
class Cell:
    """What one measurement loads: an endpoint, with one kind of body, at a concurrency."""

    endpoint: str
    body: str
    concurrency: int
    systems: tuple[str, ...]


def plan(settings: Settings) -> list[Cell]:
    """Every cell, in the order run: both bodies at c=1, then the sweep on ``history``."""
    every, first = ("ours", *BASELINES), ("ours", "baseline")
    cells = []
    for endpoint in SINGLE:
        cells.append(Cell(endpoint, "application", 1, every))
        cells.extend(
            Cell(endpoint, "history", users, every if users == 1 else first)
            for users in settings.concurrency
        )
    cells.extend(
        Cell("predict_batch", "application", users, every if users == 1 else first)
        for users in settings.concurrency
    )
    return cells


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


def start_baseline(system: str, model_path: Path, workers: int) -> Server:
    """gunicorn serving the baseline Flask app, in a process group of its own."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "benchmarks.baseline.app:app"],
        cwd=ROOT,
        env={**os.environ, "BASELINE_MODEL_PATH": str(model_path),
             "BASELINE_FEATURES": BASELINES[system]},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    return Server(system, port, process, "", None)


@contextmanager
def all_systems(space: Workspace, model_path: Path, workers: int) -> Iterator[dict[str, Server]]:
    """Every system started together, every worker serving; all of them killed afterwards."""
    servers: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="http-load-audit-") as audit_dir:
        try:
            servers.append(start_ours(space, workers, Path(audit_dir)))
            servers.extend(start_baseline(system, model_path, workers) for system in BASELINES)
            for server in servers:
                wait_ready(server.url, server.process, timeout=300)
                started = worker_processes(server.process, server.worker_marker)
                if len(wait_until_accepting(server.port, started, timeout=300)) < workers:
                    raise RuntimeError(f"{server.system}: not all {workers} workers serve")
            yield {server.system: server for server in servers}
        finally:
            for server in servers:
                spawned = worker_processes(server.process, server.worker_marker)
                stop(server.process)
                kill_all(spawned)


def warm_up(server: Server, bodies: dict[str, list[dict]]) -> None:
    """A few requests per endpoint and body, so that no cell pays for lazy initialisation."""
    headers = _headers(server)
    batch = {"applications": bodies["application"][:BATCH_SIZE]}
    requests = [(endpoint, body) for endpoint in SINGLE for body in bodies.items()]
    requests.append(("predict_batch", ("application", [batch])))
    with httpx.Client(base_url=server.url, headers=headers, timeout=120) as client:
        for endpoint, (kind, sent) in requests:
            for i in range(WARM_UP[endpoint]):
                response = client.post(f"/{endpoint}", json=sent[i % len(sent)])
                if response.status_code != 200:
                    raise RuntimeError(f"{server.system} /{endpoint} ({kind}): "
                                       f"{response.text[:500]}")  # fmt: skip


def _headers(server: Server) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.token}"} if server.token else {}


def answers(server: Server, endpoint: str, bodies: list[dict]) -> list[httpx.Response]:
    """The answers of ``server`` to each body, one request after the other."""
    with httpx.Client(base_url=server.url, headers=_headers(server), timeout=120) as client:
        found = [client.post(f"/{endpoint}", json=body) for body in bodies]
    for response in found:
        if response.status_code != 200:
            raise RuntimeError(f"{server.system} /{endpoint}: {response.text[:500]}")
    return found


def check_answers(
    servers: dict[str, Server], bodies: dict[str, list[dict]], count: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every baseline's /explain against ours on the first ``count`` bodies of each kind:
    the same probability (within :data:`AGREEMENT_TOLERANCE`) and the same reasons, or
    ``RuntimeError`` (the comparison would not be fair); and the size of every system's
    answers, per endpoint and body."""
    agreement: dict[str, Any] = {}
    sizes: dict[str, Any] = {}
    for kind, sent in bodies.items():
        sent = sent[:count]
        found = {
            (system, endpoint): answers(server, endpoint, sent)
            for system, server in servers.items()
            for endpoint in SINGLE
        }
        for (system, endpoint), responses in found.items():
            weights = np.array([len(r.content) for r in responses])
            sizes.setdefault(system, {}).setdefault(endpoint, {})[kind] = {
                "median": float(np.median(weights)),
                "max": int(weights.max()),
                "n": len(responses),
            }
        ours = [r.json() for r in found[("ours", "explain")]]
        for system in BASELINES:
            theirs = [r.json() for r in found[(system, "explain")]]
            pairs = list(zip(ours, theirs, strict=True))
            delta = max(abs(a["probability"] - b["probability"]) for a, b in pairs)
            other = sum(_reasons(a) != _reasons(b) for a, b in pairs)
            agreement.setdefault(system, {})[kind] = {
                "bodies": len(sent),
                "max_abs_diff_probability": delta,
                "other_reasons": other,
            }
            if delta > AGREEMENT_TOLERANCE or other:
                raise RuntimeError(
                    f"{system} and ours answer /explain differently on {kind} bodies "
                    f"(|Δp| up to {delta:.3g}, other reasons in {other} of {len(sent)}); "
                    "the comparison would not be fair"
                )
    return agreement, sizes


def _reasons(answer: dict[str, Any]) -> list[tuple[str, str]]:
    return [(reason["code"], reason["text"]) for reason in answer["reasons"]]


def measure(
    server: Server, workers: int, cell: Cell, bodies: list[dict], settings: Settings
) -> dict[str, Any]:
    """One cell on one system: ``cell.concurrency`` back-to-back users on one endpoint."""
    slow = server.system in BASELINES and (cell.endpoint == "explain" or cell.body == "history")
    result = run_load(
        server.url,
        server.token,
        Mix.only(cell.endpoint, BATCH_SIZE),
        cell.concurrency,
        settings.slow_cap_s if slow else settings.seconds,
        bodies,
        max_requests=settings.slow_samples if slow else 0,
    )
    rows = BATCH_SIZE if cell.endpoint == "predict_batch" else 1
    return {
        "system": server.system,
        "workers": workers,
        "endpoint": cell.endpoint,
        "body": cell.body,
        "concurrency": cell.concurrency,
        "p50_ms": _finite(result.percentile(50)),
        "p99_ms": _finite(result.percentile(99)),
        "rps": result.rps,
        "rows_per_s": result.rps * rows,
        "errors": result.error_count,
        "error_kinds": dict(result.errors),
        "n": int(result.latencies().size),
        "seconds": result.duration_s,
        "load_tool_cpu_s": result.load_tool_cpu_s,
    }


def _finite(value: float | None) -> float | None:
    """The value, or None (JSON null) for NaN and infinities, which JSON cannot hold."""
    return None if value is None or not math.isfinite(value) else value


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return _finite(numerator / denominator)


def _key(cell: dict[str, Any]) -> tuple:
    return cell["workers"], cell["endpoint"], cell["body"], cell["concurrency"]


def compare(cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per cell of ours and baseline system: how many times lower ours' p50, higher its rps."""
    ours = {_key(c): c for c in cells if c["system"] == "ours"}
    return [
        {
            **dict(zip(("workers", "endpoint", "body", "concurrency"), _key(base), strict=True)),
            "baseline": base["system"],
            "p50_ratio": _ratio(base["p50_ms"], ours[_key(base)]["p50_ms"]),
            "rps_ratio": _ratio(ours[_key(base)]["rps"], base["rps"]),
        }
        for base in cells
        if base["system"] in BASELINES and _key(base) in ours
    ]


def check_targets(
    cells: list[dict[str, Any]], comparisons: list[dict[str, Any]], sizes: dict[str, Any]
) -> list[dict[str, Any]]:
    """The service targets at concurrency 1, per worker count, endpoint and body, and the
    size of the default /explain answer, per body."""
    targets = []
    for cell in cells:
        endpoint, p50 = cell["endpoint"], cell["p50_ms"]
        if cell["system"] == "ours" and cell["concurrency"] == 1 and endpoint in TARGET_P50_MS:
            sign, limit = TARGET_P50_MS[endpoint]
            met = p50 is not None and (p50 < limit if sign == "<" else p50 <= limit)
            text = f"/{endpoint} p50 {sign} {limit:g} ms"
            targets.append(_target(text, _context(cell), p50, met, "ms"))
    for comparison in comparisons:
        ratio = comparison["p50_ratio"]
        if (
            comparison["baseline"] == "baseline"
            and comparison["concurrency"] == 1
            and comparison["endpoint"] in TARGET_P50_MS
        ):
            text = f"/{comparison['endpoint']} p50 >= {TARGET_SPEEDUP:g}x faster than the baseline"
            met = ratio is not None and ratio >= TARGET_SPEEDUP
            targets.append(_target(text, _context(comparison), ratio, met, "x"))
    for body, weight in sizes["ours"]["explain"].items():
        text = f"/explain default answer ≤ {TARGET_EXPLAIN_BYTES / 1000:g} KB"
        context = f"{body} body, largest of {weight['n']}"
        met = weight["max"] <= TARGET_EXPLAIN_BYTES
        targets.append(_target(text, context, weight["max"], met, "bytes"))
    return targets


def _context(where: dict[str, Any]) -> str:
    return f"{where['body']} body, c=1, {where['workers']} worker(s)"


def _target(text: str, context: str, measured: float | None, met: bool, unit: str) -> dict:
    return {"target": f"{text} ({context})", "measured": measured, "passed": met, "unit": unit}


def load_bodies(space: Workspace) -> dict[str, list[dict]]:
    """The bodies of each kind, validated by the API's request model."""
    return {
        "application": workspace_bodies(space.data, BODIES["application"]),
        "history": workspace_history_bodies(space.data, BODIES["history"]),
    }


def run(settings: Settings, quick: bool) -> dict[str, Any]:
    """Every cell of ``settings`` on its systems, with the comparisons and targets."""
    space = workspace(quick)
    model_path = prepare(space)
    bodies = load_bodies(space)
    cells: list[dict[str, Any]] = []
    agreement: dict[str, Any] = {}
    sizes: dict[str, Any] = {}
    for workers in settings.workers:
        with all_systems(space, model_path, workers) as servers:
            for server in servers.values():
                warm_up(server, bodies)
            if not agreement:
                agreement, sizes = check_answers(servers, bodies, settings.checked)
                print(f"answers agree: {agreement}", flush=True)
            for cell in plan(settings):
                for system in cell.systems:
                    sent = bodies[cell.body]
                    cells.append(measure(servers[system], workers, cell, sent, settings))
                    print(_cell_line(cells[-1]), flush=True)
    comparisons = compare(cells)
    history_rows = [sum(map(len, body["history"].values())) for body in bodies["history"]]
    return {
        "settings": {
            **asdict(settings),
            "batch_size": BATCH_SIZE,
            "bodies": {kind: len(sent) for kind, sent in bodies.items()},
            "history_rows_per_body_median": float(np.median(history_rows)),
            "workspace_clients": space.clients,
            "model_tag": space.model_tag,
        },
        "cells": cells,
        "comparisons": comparisons,
        "agreement": agreement,
        "response_bytes": sizes,
        "targets": check_targets(cells, comparisons, sizes),
    }


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _times(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _cell_line(cell: dict[str, Any]) -> str:
    return (
        f"{cell['system']:>14} w={cell['workers']} {cell['endpoint']:>13} {cell['body']:>11} "
        f"c={cell['concurrency']:<2} p50 {_ms(cell['p50_ms']):>8} ms  "
        f"p99 {_ms(cell['p99_ms']):>8} ms  {cell['rps']:8.1f} req/s  "
        f"errors {cell['errors']}  n {cell['n']}"
    )


def print_report(document: dict[str, Any]) -> None:
    """Ours beside each baseline system, cell by cell, then the targets."""
    from rich.console import Console
    from rich.table import Table

    cells = {(c["system"], *_key(c)): c for c in document["cells"]}
    table = Table(title="HTTP load: ours vs the Flask + gunicorn baseline (p50/p99 in ms)")
    for header in ("workers", "endpoint", "body", "c", "base features", "ours p50", "base p50",
                   "p50 ×", "ours p99", "base p99", "ours req/s", "base req/s", "req/s ×",
                   "ours rows/s", "base rows/s", "errors o/b", "locust CPU s"):  # fmt: skip
        table.add_column(header, justify="right")
    for comparison in document["comparisons"]:
        key = _key(comparison)
        ours, base = cells[("ours", *key)], cells[(comparison["baseline"], *key)]
        table.add_row(
            str(key[0]), key[1], key[2], str(key[3]), BASELINES[comparison["baseline"]],
            _ms(ours["p50_ms"]), _ms(base["p50_ms"]), _times(comparison["p50_ratio"]),
            _ms(ours["p99_ms"]), _ms(base["p99_ms"]),
            f"{ours['rps']:.0f}", f"{base['rps']:.0f}", _times(comparison["rps_ratio"]),
            f"{ours['rows_per_s']:.0f}", f"{base['rows_per_s']:.0f}",
            f"{ours['errors']}/{base['errors']}",
            f"{ours['load_tool_cpu_s']:.1f}/{base['load_tool_cpu_s']:.1f}",
        )  # fmt: skip
    console = Console(width=None if sys.stdout.isatty() else 200)
    console.print(table)
    for target in document["targets"]:
        outcome = "[green]pass[/green]" if target["passed"] else "[red]FAIL[/red]"
        shown = (
            f"{target['measured']:,} bytes"
            if target.get("unit") == "bytes"
            else _ms(target["measured"])
        )
        console.print(f"{outcome}  {target['target']}: {shown}")


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
