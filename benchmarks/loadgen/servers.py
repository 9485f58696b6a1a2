"""The systems a load benchmark serves, started, waited for until every worker serves, and
stopped with every process they started.

- ``ours``: `bentoml serve` of the scoring service, with a token and a records database;
- ``floor``: `bentoml serve` of :mod:`benchmarks.baseline.floor_service`, BentoML alone;
- ``baseline`` and ``baseline_numpy``: :mod:`benchmarks.baseline.app` under gunicorn.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks.loadgen.workers import (
    BENTOML_WORKER,
    kill_all,
    wait_until_accepting,
    worker_processes,
)
from devtools.servers import free_port, start_service, stop, wait_ready

ROOT = Path(__file__).resolve().parents[2]
FLOOR_SERVICE = "benchmarks.baseline.floor_service:Floor"
START_TIMEOUT_S = 300  # a busy 2-core machine took up to 45 s to start the service


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

    @property
    def headers(self) -> dict[str, str]:
        """The Authorization header, when the system needs one."""
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}


def start_ours(env: dict[str, str], workers: int, database_url: str) -> Server:
    """`bentoml serve` of the service (``env`` names the model), with a new token and the
    records database ``database_url``."""
    token, port = secrets.token_urlsafe(32), free_port()
    env = {
        **env,
        "CREDIT_API_TOKEN": token,
        "CREDIT_WORKERS": str(workers),
        "CREDIT_AUDIT_DB_URL": database_url,
    }
    return Server("ours", port, start_service(env, port), token, BENTOML_WORKER)


def start_floor(env: dict[str, str], workers: int) -> Server:
    """`bentoml serve` of BentoML's floor, in a process group of its own (``env``: where
    BentoML keeps its files, as for ours)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bentoml", "serve", FLOOR_SERVICE, "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, **env, "FLOOR_WORKERS": str(workers)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    return Server("floor", port, process, "", BENTOML_WORKER)


def start_baseline(system: str, features: str, model_path: Path, workers: int) -> Server:
    """gunicorn serving the baseline Flask app (``BASELINE_FEATURES=features``), in a process
    group of its own."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "benchmarks.baseline.app:app"],
        cwd=ROOT,
        env={**os.environ, "BASELINE_MODEL_PATH": str(model_path),
             "BASELINE_FEATURES": features},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    return Server(system, port, process, "", None)


@contextmanager
def serving(starts: list[Callable[[], Server]], workers: int) -> Iterator[dict[str, Server]]:
    """Every system started together, then each waited for until all its ``workers`` serve;
    all of them stopped afterwards, their workers included (BentoML's run in sessions of
    their own)."""
    servers: list[Server] = []
    try:
        for start in starts:
            servers.append(start())
        for server in servers:
            wait_ready(server.url, server.process, timeout=START_TIMEOUT_S)
            started = worker_processes(server.process, server.worker_marker)
            if len(wait_until_accepting(server.port, started, START_TIMEOUT_S)) < workers:
                raise RuntimeError(f"{server.system}: not all {workers} workers serve")
        yield {server.system: server for server in servers}
    finally:
        for server in servers:
            spawned = worker_processes(server.process, server.worker_marker)
            stop(server.process)
            kill_all(spawned)
