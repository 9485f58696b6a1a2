"""The service under sustained load, and with a worker killed under load: no decision lost.

Each test serves the test model with `bentoml serve` (2 workers) on an audit database of its
own, loads it with locust (run as a subprocess by :mod:`benchmarks.loadgen.run`) and then
compares the request ids the clients were given with the ids in the audit table.

A killed worker: BentoML runs its workers under a circus arbiter that respawns a dead one
(``bentoml.serving.create_watcher``: ``respawn=not running_inside_container()``, so not in a
Bento container, where the orchestrator restarts the whole container instead). Connections
the dead worker held are lost, so requests in flight on them may fail; the survivor keeps
answering meanwhile. Nothing guarantees a decision committed by the dead worker reached its
client, so the audit may hold a few rows more than were acknowledged, never fewer.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pandas as pd
import pytest
from bentoml.serving import running_inside_container
from sqlalchemy import create_engine, select

from benchmarks.loadgen.payloads import application_bodies
from benchmarks.loadgen.run import LoadResult, Mix, run_load
from benchmarks.loadgen.workers import (
    BENTOML_WORKER,
    accepting_worker,
    kill_all,
    wait_until_accepting,
    worker_processes,
)
from devtools.servers import free_port, start_service, stop, wait_ready
from scoring.records.database import RecordsDatabase
from scoring.records.inquiries import InquiryLog
from scoring.records.tables import INQUIRIES
from tests.support.resilience import LONG
from tests.support.serving import TOKEN

pytestmark = pytest.mark.slow

WORKERS = 2
MIX = Mix(predict=6, explain=3, predict_batch=1, batch_size=20)
SUSTAINED_S = 180 if LONG else 60
SUSTAINED_USERS = 32
# 32 users queue behind 2 workers, so latency here is mostly queueing: p99 measured 0.9 to
# 1.4 s on the shared 2-core machine while busy (load average 7). Twice the worst of those
# leaves room for a noisy neighbour and still fails on a stall: a worker waiting out the
# audit database's 5 s busy timeout alone pushes p99 past it.
P99_BOUND_MS = 3000.0
KILL_USERS = 16
KILL_LOAD_S = 20
KILL_AFTER_S = 3  # of load, once the first decisions are in the audit table
# Requests on a connection the dead worker held fail at once; later ones must all succeed.
GRACE_S = 2.0
READY_BOUND_S = 5.0  # /readyz answered (by the surviving worker) after the kill
# A respawned worker imports BentoML and loads the model: it served again 20 to 30 s after
# the kill on the busy machine (the whole server takes 30 to 45 s to start there).
RESPAWN_BOUND_S = 90.0


@dataclass(frozen=True)
class Server:
    port: int
    process: subprocess.Popen
    audit_url: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture(scope="module")
def bodies(model_dataset: dict[str, pd.DataFrame]) -> list[dict]:
    """The test applicants as request bodies."""
    return application_bodies(model_dataset["application_test"])


@pytest.fixture
def server(service_env: dict[str, str], tmp_path) -> Iterator[Server]:
    """`bentoml serve` with 2 workers, both serving, and a fresh audit database; its process
    group and its workers (each in a session of its own) are killed afterwards."""
    audit_url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    env = {**service_env, "CREDIT_AUDIT_DB_URL": audit_url, "CREDIT_WORKERS": str(WORKERS)}
    port = free_port()
    process = start_service(env, port)
    running = Server(port, process, audit_url)
    try:
        wait_ready(running.url, process)
        started = worker_processes(process, BENTOML_WORKER)
        assert len(started) == WORKERS, [w.cmdline() for w in started]
        serving = wait_until_accepting(port, started, timeout=120)
        assert len(serving) == WORKERS, "a worker never started serving"
        yield running
    finally:
        spawned = worker_processes(process, BENTOML_WORKER)
        stop(process)
        kill_all(spawned)


def audited_ids(audit_url: str) -> list[str]:
    """Every request id in the inquiries table (each scoring call's row)."""
    engine = create_engine(audit_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(select(INQUIRIES.c.request_id)).scalars())
    finally:
        engine.dispose()


def readyz(server: Server) -> int:
    """Status of /readyz, 0 when the request fails."""
    try:
        return httpx.get(f"{server.url}/readyz", timeout=2).status_code
    except httpx.TransportError:
        return 0


def wait_for_decisions(audit_url: str, timeout: float = 60.0) -> None:
    """Wait until the load has started: the first decisions are in the audit table."""
    audit, deadline = InquiryLog(RecordsDatabase(audit_url)), time.monotonic() + timeout
    while audit.count() == 0:
        assert time.monotonic() < deadline, f"no decision recorded within {timeout} s of load"
        time.sleep(0.2)


def decisions_of(result: LoadResult, failed: bool) -> int:
    """Decisions the requests carried (a batch carries ``batch_size``), failed or not."""
    return sum(
        MIX.batch_size if r.endpoint == "predict_batch" else 1
        for r in result.requests
        if (r.error is not None) == failed
    )


def test_sustained_load_answers_every_request_and_audits_every_decision(
    server: Server, bodies: list[dict], resilience_report
):
    result = run_load(server.url, TOKEN, MIX, SUSTAINED_USERS, SUSTAINED_S, bodies)
    acknowledged, audited = result.acknowledged, audited_ids(server.audit_url)
    p50, p99 = result.percentile(50), result.percentile(99)
    area = f"load ({SUSTAINED_USERS} users, {SUSTAINED_S} s, {WORKERS} workers)"
    resilience_report.add(
        area, "every request answered 2xx",
        f"{len(result.requests)} requests, {result.error_count} errors "
        f"{dict(result.errors)}, {result.rps:.0f} req/s", result.error_count == 0,
    )  # fmt: skip
    resilience_report.add(
        area, f"p99 below {P99_BOUND_MS:.0f} ms", f"p50 {p50:.0f} ms, p99 {p99:.0f} ms",
        p99 < P99_BOUND_MS,
    )  # fmt: skip
    no_loss = sorted(acknowledged) == sorted(audited)
    resilience_report.add(
        area, "one audit row per acknowledged decision",
        f"{len(audited)} audit rows, {len(acknowledged)} acknowledged decisions", no_loss,
    )  # fmt: skip

    assert result.error_count == 0, result.errors
    assert p99 < P99_BOUND_MS, f"p99 {p99:.0f} ms"
    assert len(acknowledged) == len(set(acknowledged)), "a request id was given twice"
    assert len(acknowledged) == decisions_of(result, failed=False) > 0
    missing, unacknowledged = set(acknowledged) - set(audited), set(audited) - set(acknowledged)
    assert not missing, f"{len(missing)} acknowledged decisions have no audit row"
    assert not unacknowledged, f"{len(unacknowledged)} audit rows were never acknowledged"
    assert len(audited) == len(acknowledged)


def test_a_worker_killed_under_load_loses_no_acknowledged_decision(
    server: Server, bodies: list[dict], resilience_report
):
    victim, survivor = worker_processes(server.process, BENTOML_WORKER)
    with ThreadPoolExecutor(max_workers=1) as pool:
        load = pool.submit(run_load, server.url, TOKEN, MIX, KILL_USERS, KILL_LOAD_S, bodies)
        wait_for_decisions(server.audit_url)
        time.sleep(KILL_AFTER_S)
        killed_at, clock = time.time(), time.monotonic()
        os.kill(victim.pid, signal.SIGKILL)
        ready_after = respawned_after = None
        while respawned_after is None and time.monotonic() - clock < RESPAWN_BOUND_S:
            if ready_after is None and readyz(server) == 200:
                ready_after = time.monotonic() - clock
            alive = worker_processes(server.process, BENTOML_WORKER)
            if accepting_worker(server.port, alive) not in (None, survivor.pid):
                respawned_after = time.monotonic() - clock
            time.sleep(0.1)
        result = load.result()

    failed = [r for r in result.requests if r.error is not None]
    late_failures = [r for r in failed if r.start > killed_at + GRACE_S]
    after_kill = [r for r in result.requests if r.start > killed_at + GRACE_S]
    acknowledged, audited = set(result.acknowledged), set(audited_ids(server.audit_url))
    respawns = not running_inside_container()
    area = f"worker killed ({KILL_USERS} users, {KILL_LOAD_S} s, {WORKERS} workers)"
    resilience_report.add(
        area, f"requests fail only in the first {GRACE_S:.0f} s after the kill",
        f"{len(failed)} failed {dict(result.errors)}; {len(after_kill)} later requests, "
        f"{len(late_failures)} failed", not late_failures and bool(after_kill),
    )  # fmt: skip
    resilience_report.add(
        area, f"/readyz 200 within {READY_BOUND_S:.0f} s, worker respawned",
        f"/readyz after {_seconds(ready_after)}, respawned worker serving after "
        f"{_seconds(respawned_after)}",
        ready_after is not None and ready_after <= READY_BOUND_S
        and (respawned_after is not None or not respawns),
    )  # fmt: skip
    resilience_report.add(
        area, "every acknowledged decision audited",
        f"{len(acknowledged)} acknowledged, {len(acknowledged & audited)} of them audited; "
        f"{len(audited - acknowledged)} rows of unacknowledged decisions",
        acknowledged <= audited,
    )  # fmt: skip

    assert not late_failures, late_failures[:5]
    assert after_kill, "the load did not go on after the kill"
    assert ready_after is not None and ready_after <= READY_BOUND_S, ready_after
    if respawns:
        assert respawned_after is not None, f"no respawned worker within {RESPAWN_BOUND_S} s"
    assert len(result.acknowledged) == len(acknowledged), "a request id was given twice"
    assert acknowledged <= audited, f"{len(acknowledged - audited)} acknowledged, not audited"
    assert len(audited - acknowledged) <= decisions_of(result, failed=True)


def _seconds(value: float | None) -> str:
    return "never" if value is None else f"{value:.1f} s"
