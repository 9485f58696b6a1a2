"""The worker processes of a server under test, and which of them answers a request.

Both servers loaded here (`bentoml serve`, gunicorn) pre-fork workers that share one
listening socket, and a server is "ready" as soon as one worker answers. Load on a server
whose second worker is still loading its model would measure one worker, and a worker
killed before its sibling is up would take the service down; hence these probes.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time

import psutil

BENTOML_WORKER = "_bentoml_impl.worker.service"


def worker_processes(server: subprocess.Popen, marker: str | None = None) -> list[psutil.Process]:
    """Live descendants of ``server`` whose command line holds ``marker`` (all if None).

    BentoML's arbiter (circus) starts each worker in a session of its own (``os.setsid``),
    outside the arbiter's process group: whoever stops the server must kill these too.
    """
    try:
        children = psutil.Process(server.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    found = []
    for child in children:
        with contextlib.suppress(psutil.NoSuchProcess):
            if marker is None or marker in child.cmdline():
                found.append(child)
    return found


def accepting_worker(port: int, candidates: list[psutil.Process]) -> int | None:
    """The pid of the candidate that accepts a new connection (None if none does in 2 s).

    A worker accepts only once its app has started (uvicorn after the lifespan start-up,
    a gunicorn worker after loading the app), and a new connection goes to whichever worker
    accepts it first. The request is left unfinished so that the worker holds the
    connection, and so names itself, until it is closed here: a complete request would be
    answered and, by gunicorn, closed before it could be looked up.
    """
    try:
        connection = socket.create_connection(("127.0.0.1", port), timeout=2)
    except OSError:
        return None
    with connection:
        connection.sendall(b"GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        client_port = connection.getsockname()[1]
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            for worker in candidates:
                with contextlib.suppress(psutil.Error):
                    if any(c.raddr and c.raddr.port == client_port
                           for c in worker.net_connections("tcp")):  # fmt: skip
                        return worker.pid
            time.sleep(0.01)
    return None


def wait_until_accepting(port: int, candidates: list[psutil.Process], timeout: float) -> set[int]:
    """Probe until every candidate has accepted a connection; the pids that did."""
    seen: set[int] = set()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(seen) < len(candidates):
        pid = accepting_worker(port, candidates)
        if pid is not None:
            seen.add(pid)
    return seen


def kill_all(processes: list[psutil.Process]) -> None:
    """SIGKILL what is still alive of ``processes``."""
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
