"""Decisions under load: scoring and deciding at once on a real `bentoml serve` with 2 workers,
then the records checked against what the clients were told, on SQLite and on PostgreSQL.

Why: a decision is recorded once per idempotency key and extends one hash chain that both
workers append to under the database's write lock. Under load, with retries and revisions
mixed in, no acknowledged decision may be lost or recorded twice, none may be recorded for a
call the client never saw succeed, and the chain must stay whole.

The load (locust, headless, back-to-back users; :mod:`benchmarks.loadgen.locustfile`) mixes
/predict and /explain on real applications with ``POST /decisions``: each a first decision
about a fresh client from a reserved range of ``SK_ID_CURR`` under a new idempotency key
(:mod:`benchmarks.loadgen.decision_bodies`); 10 % of the acknowledged ones are sent again with
the same key (a deliberate retry: the same decision id must come back, ``replayed``), 10 %
are then revised (a new key, ``revises`` naming the decision), and a call whose outcome is
unknown (no answer, or 5xx) is retried once with its key, as a careful client does. Every
call is noted before it is sent and every answer when it arrives; the checks of
:mod:`benchmarks.decision_checks` then compare them with the ``decisions`` table.

The service serves the benchmark workspace's model (as ``http_load`` does) on a new SQLite
file, then on a database of a throw-away PostgreSQL cluster (fsync on); PostgreSQL is skipped,
saying why, where its server binaries are absent.

Usage: .venv/bin/python benchmarks/decisions_load.py [--quick] [--databases sqlite postgresql]
(full: 60 s at 32 users per database, about 4 minutes in all; quick: 10 s at 8 users).
Writes benchmarks/results/decisions_load.json (quick: results/raw/decisions_load_quick.json):
``settings``, and per database under ``databases``: ``skipped`` (why), or ``requests``,
``errors`` (by kind), ``rps``, ``endpoints`` (per endpoint and per kind of decision call: n,
p50_ms, p90_ms, p99_ms, errors), ``decisions`` (calls sent, retries, revisions, answers,
replays, keys acknowledged), ``records`` (decisions in the table), ``checks`` (see
:mod:`benchmarks.decision_checks`), ``passed``, and ``load_average_before`` and
``load_average_after`` (1, 5 and 15 minutes).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import source_during, source_state, workspace, write_result  # noqa: E402
from benchmarks.decision_checks import check, decision_counts, recorded  # noqa: E402
from benchmarks.loadgen.decision_bodies import client_range  # noqa: E402
from benchmarks.loadgen.payloads import workspace_bodies  # noqa: E402
from benchmarks.loadgen.run import LoadResult, Mix, run_load  # noqa: E402
from benchmarks.loadgen.servers import serving, start_ours  # noqa: E402
from devtools.postgres import PostgresUnavailable, throwaway_cluster  # noqa: E402

DATABASES = ("sqlite", "postgresql")
WORKERS = 2
BODIES = 1000  # distinct applications, cycled through
RUN = 0  # the load's range of reserved client ids (benchmarks.loadgen.decision_bodies)


@dataclass(frozen=True)
class Settings:
    """How long, how many users, and what they send."""

    seconds: int
    users: int
    mix: Mix
    retry: float  # share of acknowledged first decisions sent again with the same key
    revise: float  # share of acknowledged first decisions then revised


MIX = Mix(predict=3, explain=2, decisions=5)
FULL = Settings(seconds=60, users=32, mix=MIX, retry=0.1, revise=0.1)
QUICK = Settings(seconds=10, users=8, mix=MIX, retry=0.1, revise=0.1)


def load_and_check(url: str, token: str, database_url: str, bodies: list[dict],
                   settings: Settings) -> dict[str, Any]:  # fmt: skip
    """Load the service at ``url`` (records in ``database_url``), then check the records."""
    deciding = {"run": RUN, "retry": settings.retry, "revise": settings.revise}
    result = run_load(
        url, token, settings.mix, settings.users, settings.seconds, bodies, deciding=deciding
    )
    found = recorded(database_url, *client_range(RUN))
    checks = check(result.requests, result.decisions_sent, found["rows"], found["problems"])
    return {
        "requests": len(result.requests),
        "errors": dict(result.errors),
        "rps": result.rps,
        "seconds": result.duration_s,
        "load_tool_cpu_s": result.load_tool_cpu_s,
        "endpoints": endpoint_figures(result),
        "decisions": decision_counts(result.requests, result.decisions_sent),
        "records": found["count"],
        "checks": checks,
        "passed": all(c["passed"] for c in checks.values()),
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }


def endpoint_figures(result: LoadResult) -> dict[str, dict[str, Any]]:
    """n, p50, p90, p99 and errors per endpoint, and per kind of decision call."""
    groups: dict[str, list] = {}
    for request in result.requests:
        groups.setdefault(request.endpoint, []).append(request)
        if request.detail:
            kind = "retry" if request.detail["retry"] else request.detail["kind"]
            groups.setdefault(f"decisions ({kind})", []).append(request)
    figures = {}
    for name, requests in sorted(groups.items()):
        answered = np.array([r.ms for r in requests if r.error is None])
        figures[name] = {
            "n": len(requests),
            "p50_ms": _percentile(answered, 50),
            "p90_ms": _percentile(answered, 90),
            "p99_ms": _percentile(answered, 99),
            "errors": sum(r.error is not None for r in requests),
        }
    return figures


def _percentile(values: np.ndarray, q: float) -> float | None:
    value = float(np.percentile(values, q)) if values.size else math.nan
    return value if math.isfinite(value) else None


@contextmanager
def database(name: str) -> Iterator[str]:
    """The URL of a new, empty records database of kind ``name``, removed afterwards
    (:class:`PostgresUnavailable` when PostgreSQL cannot be started here)."""
    with ExitStack() as stack:
        if name == "sqlite":
            directory = stack.enter_context(tempfile.TemporaryDirectory(prefix="decisions-load-"))
            yield f"sqlite:///{Path(directory) / 'records.sqlite'}"
        else:
            cluster = stack.enter_context(throwaway_cluster())
            yield cluster.new_database("decisions_load")


def run_on(env: dict[str, str], database_url: str, bodies: list[dict],
           settings: Settings) -> dict[str, Any]:  # fmt: skip
    """Serve the model of ``env`` with :data:`WORKERS` workers on ``database_url``, load it
    and check its records; every process started is stopped afterwards."""
    with serving([partial(start_ours, env, WORKERS, database_url)], WORKERS) as servers:
        ours = servers["ours"]
        return load_and_check(ours.url, ours.token, database_url, bodies, settings)


def run(settings: Settings, quick: bool, databases: tuple[str, ...]) -> dict[str, Any]:
    """Every database in turn, on the workspace's model and applications."""
    source = source_state()
    space = workspace(quick)
    bodies = workspace_bodies(space.data, BODIES)
    results: dict[str, Any] = {}
    for name in databases:
        before = [round(x, 2) for x in os.getloadavg()]
        try:
            with database(name) as url:
                results[name] = {"load_average_before": before,
                                 **run_on(space.env, url, bodies, settings)}  # fmt: skip
        except PostgresUnavailable as why:
            results[name] = {"skipped": str(why)}
        print(_summary(name, results[name]), flush=True)
    return {
        "settings": {**asdict(settings), "workers": WORKERS, "bodies": len(bodies),
                     "workspace_clients": space.clients, "model_tag": space.model_tag,
                     **source_during(source)},
        "databases": results,
    }  # fmt: skip


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _summary(name: str, result: dict[str, Any]) -> str:
    if "skipped" in result:
        return f"{name}: skipped ({result['skipped']})"
    lines = [f"{name}: {result['requests']} requests, {result['rps']:.0f}/s, "
             f"errors {result['errors'] or 0}, {result['records']} decisions recorded"]  # fmt: skip
    for endpoint, f in result["endpoints"].items():
        lines.append(f"  {endpoint:>22}: n {f['n']:>6}  p50 {_ms(f['p50_ms']):>7} ms  "
                     f"p99 {_ms(f['p99_ms']):>7} ms  errors {f['errors']}")  # fmt: skip
    decisions = result["decisions"]
    lines.append(f"  decisions: {decisions}")
    for check_name, outcome in result["checks"].items():
        shown = {k: v for k, v in outcome.items() if k not in ("passed", "examples")}
        verdict = "pass" if outcome["passed"] else f"FAIL {outcome['examples']}"
        lines.append(f"  {check_name}: {verdict} {shown}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 s at 8 users per database")
    parser.add_argument("--databases", nargs="+", choices=DATABASES, default=list(DATABASES))
    args = parser.parse_args()
    document = run(QUICK if args.quick else FULL, args.quick, tuple(args.databases))
    path = write_result("decisions_load", document, args.quick)
    print(f"Wrote {path.relative_to(ROOT)}")
    failed = [n for n, r in document["databases"].items() if r.get("passed") is False]
    if failed:
        sys.exit(f"decisions under load: checks failed on {', '.join(failed)}")


if __name__ == "__main__":
    main()
