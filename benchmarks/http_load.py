"""HTTP load: our BentoML service against BentoML's floor and the usual Flask + gunicorn
baseline, cell by cell.

For 1 and 2 workers, four systems are served side by side (:mod:`benchmarks.loadgen.servers`):

- ``ours``: `bentoml serve` (token, records in a throw-away SQLite database);
- ``floor``: :mod:`benchmarks.baseline.floor_service`, a BentoML service with our request
  model as input spec and a constant answer, served by `bentoml serve` like ours; measured on
  /predict with ``application`` bodies at concurrency 1, in turn with ours for three rounds
  (quick: one): ours' p50 minus its p50 is what our code adds to BentoML's own cost of a
  request ("overhead above BentoML's floor");
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
``application`` bodies. ``POST /decisions`` is measured on ours alone at concurrency 1 and 8:
each request a first decision about a fresh client (an ``application`` body with a reserved
``SK_ID_CURR``) under an idempotency key of its own (:mod:`benchmarks.loadgen.decision_bodies`).
Locust shares the cores with the servers: its CPU time is reported.

The baseline's slow cells (/explain, and any ``history`` body: tens to hundreds of
milliseconds a request) stop once they have enough samples for a p99, within a time cap.

Before any cell, the systems are checked to answer alike: on the first bodies of each kind,
every baseline's /explain must give ours' probability (within 1e-6) and the very same
principal reasons (codes and sentences). The bytes of those answers (the default /explain,
and /predict) are recorded: the default /explain answer must stay small.

Usage: ``.venv/bin/python benchmarks/http_load.py [--quick]`` (about 13 minutes; quick: a CI
run of about 3 minutes, 2 workers only, concurrency 1 and 8, 2-second cells).

Writes ``benchmarks/results/http_load.json`` (quick: ``results/raw/http_load_quick.json``):

- ``settings``: the cells' lengths and caps, batch size, bodies sent, workspace, model tag;
- ``cells``: one per system, workers, endpoint, body and concurrency, with ``p50_ms`` and
  ``p99_ms`` (latency of the answered requests; null when none was answered), ``rps``
  (answered requests per second), ``rows_per_s`` (applications scored per second),
  ``errors`` (failed requests; ``error_kinds`` by kind), ``n`` (answered requests),
  ``seconds`` (length of the cell), ``load_tool_cpu_s`` (locust's CPU time) and, for the
  cells measured in rounds, ``rounds_p50_ms`` (each round's p50);
- ``comparisons``: per cell of ours and per baseline system measured alike (``baseline``
  names it), ``p50_ratio`` (baseline p50 / ours p50) and ``rps_ratio`` (ours rps /
  baseline rps), null when undefined;
- ``floor_overhead``: per cell measured on ours and the floor, ``ours_p50_ms``,
  ``floor_p50_ms`` and ``overhead_ms`` (their difference; null when either is missing), and
  ``rounds_overhead_ms``, the difference in each round;
- ``agreement``: per baseline system and body, the bodies compared, the largest |Δp|
  against ours and how many answers gave other reasons (0, or the run stops);
- ``response_bytes``: per system, endpoint and body, the ``median`` and ``max`` size in
  bytes of the answers to those bodies (the body of the HTTP response, as sent);
- ``targets``: ``target`` (text), ``goal``, ``measured``, ``passed``, ``unit`` (``ms``,
  ``x`` or ``bytes``) and, for some, ``detail``: /predict p50 < 3 ms and /explain p50 ≤ 3 ms
  at concurrency 1, and ≥ 10× lower p50 than ``baseline``, per worker count, endpoint and
  body; /predict p50 at most 0.3 ms above the floor's (issue 13), per worker count; the
  default /explain answer ≤ 10 KB (10,000 bytes, the largest one measured), per body.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import partial
from itertools import count
from pathlib import Path
from random import Random
from typing import Any

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.baseline.model import prepare  # noqa: E402
from benchmarks.common import (  # noqa: E402
    Workspace,
    source_during,
    source_state,
    workspace,
    write_result,
)
from benchmarks.http_targets import (  # noqa: E402
    FLOOR,
    check_targets,
    compare,
    finite,
    floor_overhead,
    key,
)
from benchmarks.loadgen.decision_bodies import DecisionSource  # noqa: E402
from benchmarks.loadgen.payloads import workspace_bodies, workspace_history_bodies  # noqa: E402
from benchmarks.loadgen.run import LoadResult, Mix, run_load  # noqa: E402
from benchmarks.loadgen.servers import (  # noqa: E402
    Server,
    serving,
    start_baseline,
    start_floor,
    start_ours,
)

BASELINES = {"baseline": "pandas", "baseline_numpy": "numpy"}  # system -> BASELINE_FEATURES
SINGLE = ("predict", "explain")
DECIDE = "decisions"
DECISION_CONCURRENCY = (1, 8)  # POST /decisions cells, on ours
BATCH_SIZE = 100
BODIES = {"application": 1000, "history": 200}  # distinct bodies sent, cycled through
# Requests per body kind before measuring (decisions: application bodies only).
WARM_UP = {"predict": 10, "explain": 5, "predict_batch": 3, DECIDE: 5}
WARM_UP_RUN = 99  # the reserved client range of the warm-up decisions
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
    floor_rounds: int  # ours and the floor measured in turn, this many times each


FULL = Settings(workers=(1, 2), concurrency=(1, 8, 32), seconds=8, slow_cap_s=15,
                slow_samples=200, checked=40, floor_rounds=3)  # fmt: skip
# CI: one set of servers (start-ups dominate) and short cells; locust needs 2-4 s to start.
QUICK = Settings(workers=(2,), concurrency=(1, 8), seconds=2, slow_cap_s=4, slow_samples=40,
                 checked=8, floor_rounds=1)  # fmt: skip


@dataclass(frozen=True)
class Cell:
    """What one measurement loads: an endpoint, with one kind of body, at a concurrency."""

    endpoint: str
    body: str
    concurrency: int
    systems: tuple[str, ...]


def plan(settings: Settings) -> list[Cell]:
    """Every cell, in the order run: both bodies at c=1 (the floor beside ours on /predict
    with ``application`` bodies), the sweep on ``history``, then ``POST /decisions``."""
    every, first = ("ours", *BASELINES), ("ours", "baseline")
    cells = []
    for endpoint in SINGLE:
        beside = ("ours", FLOOR, *BASELINES) if endpoint == "predict" else every
        cells.append(Cell(endpoint, "application", 1, beside))
        cells.extend(
            Cell(endpoint, "history", users, every if users == 1 else first)
            for users in settings.concurrency
        )
    cells.extend(
        Cell("predict_batch", "application", users, every if users == 1 else first)
        for users in settings.concurrency
    )
    cells.extend(
        Cell(DECIDE, "application", users, ("ours",))
        for users in settings.concurrency
        if users in DECISION_CONCURRENCY
    )
    return cells


@contextmanager
def all_systems(space: Workspace, model_path: Path, workers: int) -> Iterator[dict[str, Server]]:
    """Every system started together, every worker serving; all of them killed afterwards."""
    with tempfile.TemporaryDirectory(prefix="http-load-records-") as directory:
        database = f"sqlite:///{Path(directory) / f'records-{workers}.sqlite'}"
        starts = [
            partial(start_ours, space.env, workers, database),
            partial(start_floor, space.env, workers),
            *[
                partial(start_baseline, system, features, model_path, workers)
                for system, features in BASELINES.items()
            ],
        ]
        with serving(starts, workers) as servers:
            yield servers


def warm_up(server: Server, bodies: dict[str, list[dict]]) -> None:
    """A few requests per endpoint and body, so that no cell pays for lazy initialisation."""
    batch = {"applications": bodies["application"][:BATCH_SIZE]}
    if server.system == FLOOR:
        requests = [("predict", ("application", bodies["application"]))]
    else:
        requests = [(endpoint, body) for endpoint in SINGLE for body in bodies.items()]
        requests.append(("predict_batch", ("application", [batch])))
    if server.system == "ours":
        source, rng = DecisionSource(bodies["application"], WARM_UP_RUN, "warmup"), Random(0)
        decisions = [json.loads(source.new(rng).body) for _ in range(WARM_UP[DECIDE])]
        requests.append((DECIDE, ("application", decisions)))
    with httpx.Client(base_url=server.url, headers=server.headers, timeout=120) as client:
        for endpoint, (kind, sent) in requests:
            for i in range(WARM_UP[endpoint]):
                response = client.post(f"/{endpoint}", json=sent[i % len(sent)])
                if not response.is_success:
                    raise RuntimeError(f"{server.system} /{endpoint} ({kind}): "
                                       f"{response.text[:500]}")  # fmt: skip


def answers(server: Server, endpoint: str, bodies: list[dict]) -> list[httpx.Response]:
    """The answers of ``server`` to each body, one request after the other."""
    with httpx.Client(base_url=server.url, headers=server.headers, timeout=120) as client:
        found = [client.post(f"/{endpoint}", json=body) for body in bodies]
    for response in found:
        if response.status_code != 200:
            raise RuntimeError(f"{server.system} /{endpoint}: {response.text[:500]}")
    return found


def check_answers(
    servers: dict[str, Server], bodies: dict[str, list[dict]], checked: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every baseline's /explain against ours on the first ``checked`` bodies of each kind:
    the same probability (within :data:`AGREEMENT_TOLERANCE`) and the same reasons, or
    ``RuntimeError`` (the comparison would not be fair); and the size of every system's
    answers, per endpoint and body."""
    agreement: dict[str, Any] = {}
    sizes: dict[str, Any] = {}
    for kind, sent in bodies.items():
        sent = sent[:checked]
        found = {
            (system, endpoint): answers(servers[system], endpoint, sent)
            for system in ("ours", *BASELINES)
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
    server: Server,
    workers: int,
    cell: Cell,
    bodies: list[dict],
    settings: Settings,
    deciding: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One cell on one system: ``cell.concurrency`` back-to-back users on one endpoint
    (``deciding``: the options of its decisions, see :func:`benchmarks.loadgen.run.run_load`)."""
    return _figures(server, workers, cell, [_load(server, cell, bodies, settings, deciding)])


def measure_in_turn(
    servers: list[Server], workers: int, cell: Cell, bodies: list[dict], settings: Settings
) -> list[dict[str, Any]]:
    """One cell on each of ``servers``, one after the other, ``settings.floor_rounds`` times:
    a busier spell of the machine then weighs on every system alike. Each cell pools its
    rounds, and gives each round's p50 too."""
    rounds: dict[str, list[LoadResult]] = {server.system: [] for server in servers}
    for _ in range(settings.floor_rounds):
        for server in servers:
            rounds[server.system].append(_load(server, cell, bodies, settings))
    return [_figures(server, workers, cell, rounds[server.system]) for server in servers]


def _load(
    server: Server,
    cell: Cell,
    bodies: list[dict],
    settings: Settings,
    deciding: dict[str, Any] | None = None,
) -> LoadResult:
    slow = server.system in BASELINES and (cell.endpoint == "explain" or cell.body == "history")
    return run_load(
        server.url,
        server.token,
        Mix.only(cell.endpoint, BATCH_SIZE),
        cell.concurrency,
        settings.slow_cap_s if slow else settings.seconds,
        bodies,
        max_requests=settings.slow_samples if slow else 0,
        deciding=deciding,
    )


def _figures(server: Server, workers: int, cell: Cell, rounds: list[LoadResult]) -> dict:
    """The cell's figures over every round; each round's p50 when there were several."""
    result = LoadResult(
        requests=[request for r in rounds for request in r.requests],
        duration_s=sum(r.duration_s for r in rounds),
        load_tool_cpu_s=sum(r.load_tool_cpu_s for r in rounds),
    )
    rows = BATCH_SIZE if cell.endpoint == "predict_batch" else 1
    figures = {
        "system": server.system,
        "workers": workers,
        "endpoint": cell.endpoint,
        "body": cell.body,
        "concurrency": cell.concurrency,
        "p50_ms": finite(result.percentile(50)),
        "p99_ms": finite(result.percentile(99)),
        "rps": result.rps,
        "rows_per_s": result.rps * rows,
        "errors": result.error_count,
        "error_kinds": dict(result.errors),
        "n": int(result.latencies().size),
        "seconds": result.duration_s,
        "load_tool_cpu_s": result.load_tool_cpu_s,
    }
    if len(rounds) > 1:
        figures["rounds_p50_ms"] = [finite(r.percentile(50)) for r in rounds]
    return figures


def load_bodies(space: Workspace) -> dict[str, list[dict]]:
    """The bodies of each kind, validated by the API's request model."""
    return {
        "application": workspace_bodies(space.data, BODIES["application"]),
        "history": workspace_history_bodies(space.data, BODIES["history"]),
    }


def run(settings: Settings, quick: bool) -> dict[str, Any]:
    """Every cell of ``settings`` on its systems, with the comparisons and targets."""
    source = source_state()
    space = workspace(quick)
    model_path = prepare(space)
    bodies = load_bodies(space)
    cells: list[dict[str, Any]] = []
    agreement: dict[str, Any] = {}
    sizes: dict[str, Any] = {}
    decision_runs = count()  # each decision cell decides about clients of its own range
    for workers in settings.workers:
        with all_systems(space, model_path, workers) as servers:
            for server in servers.values():
                warm_up(server, bodies)
            if not agreement:
                agreement, sizes = check_answers(servers, bodies, settings.checked)
                print(f"answers agree: {agreement}", flush=True)
            for cell in plan(settings):
                sent, systems = bodies[cell.body], list(cell.systems)
                if FLOOR in systems:  # ours and the floor in turn, round after round
                    in_turn = [servers["ours"], servers[FLOOR]]
                    cells.extend(measure_in_turn(in_turn, workers, cell, sent, settings))
                    systems = [s for s in systems if s not in ("ours", FLOOR)]
                    print("\n".join(_cell_line(c) for c in cells[-2:]), flush=True)
                for system in systems:
                    deciding = {"run": next(decision_runs)} if cell.endpoint == DECIDE else None
                    cells.append(measure(servers[system], workers, cell, sent, settings, deciding))
                    print(_cell_line(cells[-1]), flush=True)
    comparisons, overheads = compare(cells), floor_overhead(cells)
    history_rows = [sum(map(len, body["history"].values())) for body in bodies["history"]]
    return {
        "settings": {
            **asdict(settings),
            "batch_size": BATCH_SIZE,
            "bodies": {kind: len(sent) for kind, sent in bodies.items()},
            "history_rows_per_body_median": float(np.median(history_rows)),
            "workspace_clients": space.clients,
            "model_tag": space.model_tag,
            **source_during(source),
        },
        "cells": cells,
        "comparisons": comparisons,
        "floor_overhead": overheads,
        "agreement": agreement,
        "response_bytes": sizes,
        "targets": check_targets(cells, comparisons, sizes, overheads),
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

    cells = {(c["system"], *key(c)): c for c in document["cells"]}
    table = Table(title="HTTP load: ours vs the Flask + gunicorn baseline (p50/p99 in ms)")
    for header in ("workers", "endpoint", "body", "c", "base features", "ours p50", "base p50",
                   "p50 ×", "ours p99", "base p99", "ours req/s", "base req/s", "req/s ×",
                   "ours rows/s", "base rows/s", "errors o/b", "locust CPU s"):  # fmt: skip
        table.add_column(header, justify="right")
    for comparison in document["comparisons"]:
        where = key(comparison)
        ours, base = cells[("ours", *where)], cells[(comparison["baseline"], *where)]
        table.add_row(
            str(where[0]), where[1], where[2], str(where[3]), BASELINES[comparison["baseline"]],
            _ms(ours["p50_ms"]), _ms(base["p50_ms"]), _times(comparison["p50_ratio"]),
            _ms(ours["p99_ms"]), _ms(base["p99_ms"]),
            f"{ours['rps']:.0f}", f"{base['rps']:.0f}", _times(comparison["rps_ratio"]),
            f"{ours['rows_per_s']:.0f}", f"{base['rows_per_s']:.0f}",
            f"{ours['errors']}/{base['errors']}",
            f"{ours['load_tool_cpu_s']:.1f}/{base['load_tool_cpu_s']:.1f}",
        )  # fmt: skip
    console = Console(width=None if sys.stdout.isatty() else 200)
    console.print(table)
    for overhead in document["floor_overhead"]:
        console.print(
            f"/{overhead['endpoint']} {overhead['body']} c={overhead['concurrency']} "
            f"w={overhead['workers']}: ours p50 {_ms(overhead['ours_p50_ms'])} ms, BentoML "
            f"floor {_ms(overhead['floor_p50_ms'])} ms, overhead {_ms(overhead['overhead_ms'])} ms"
        )
    for cell in document["cells"]:
        if cell["endpoint"] == DECIDE:
            console.print(f"POST /decisions w={cell['workers']} c={cell['concurrency']}: p50 "
                          f"{_ms(cell['p50_ms'])} ms, p99 {_ms(cell['p99_ms'])} ms, "
                          f"{cell['rps']:.0f}/s, errors {cell['errors']}")  # fmt: skip
    for target in document["targets"]:
        outcome = "[green]pass[/green]" if target["passed"] else "[red]FAIL[/red]"
        shown = (
            f"{target['measured']:,} bytes"
            if target.get("unit") == "bytes"
            else _ms(target["measured"])
        )
        if target.get("detail"):
            shown += f" ({target['detail']})"
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
