"""How tests and benchmarks reach a real service: its token, free ports, a `bentoml serve`
subprocess (readiness, stopping), the in-process app on a real port, and what it was sent.

Free of side effects on import (unlike ``tests/conftest.py``, which points BentoML at a
throw-away store), so the benchmarks can use it against the user's own store.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, NamedTuple

import httpx
import psutil
import uvicorn

TOKEN = "test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A localhost port that nothing listens on, picked by the OS."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(
    url: str, process: subprocess.Popen, timeout: float = 120.0, path: str = "/readyz"
) -> None:
    """Wait until ``url + path`` answers 200; fail early, with its stderr, if the process exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            stderr = process.stderr.read().decode()[-2000:] if process.stderr else ""
            raise RuntimeError(f"{process.args[:4]} exited: {stderr}")
        try:
            if httpx.get(f"{url}{path}", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url}{path} not ready within {timeout} s")


def start_service(env: dict[str, str], port: int) -> subprocess.Popen:
    """`bentoml serve` of the service on ``port`` in its own process group (see :func:`stop`)."""
    return subprocess.Popen(
        [sys.executable, "-m", "bentoml", "serve", "service:CreditScoring", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def start_dashboard(env: dict[str, str], port: int) -> subprocess.Popen:
    """`python -m dashboard` on ``port`` in its own process group (see :func:`stop`)."""
    return subprocess.Popen(
        [sys.executable, "-m", "dashboard"],
        cwd=ROOT,
        env={**os.environ, **env, "DASHBOARD_PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    """SIGTERM the process group, then SIGKILL what is left, descendants included.

    BentoML's arbiter starts each worker in a session of its own (``os.setsid``), outside
    the group: they are listed first and killed too if the arbiter did not stop them.
    """
    try:
        descendants = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        descendants = []
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass
    _, alive = psutil.wait_procs(descendants, timeout=5)
    for survivor in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            survivor.kill()


class Sent(NamedTuple):
    """One request sent to the service (see the ``sent`` fixture of the dashboard tests)."""

    method: str
    path: str
    body: Any
    authorization: str | None


class LiveService:
    """An ASGI app served over HTTP on a fixed localhost port, stopped and started again at
    will: a real address where the API goes down and comes back.

    Give it the service's app already running in a TestClient (one BentoML app per process):
    the lifespan is off since the TestClient ran it, so both share the model and databases.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self, timeout: float = 10.0) -> None:
        """Listen on the port (uvicorn in a thread of this process)."""
        settings = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, lifespan="off", log_level="warning"
        )
        self._server = uvicorn.Server(settings)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"uvicorn did not start on {self.url}")
            time.sleep(0.01)

    def stop(self) -> None:
        """Close the port; requests in flight finish first."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=30)
            self._server = self._thread = None
