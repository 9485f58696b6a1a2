"""Start, wait for and stop the product's servers: shared by tests, benchmarks and the
container smoke test, so every one of them kills the whole process group it started.

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
import time
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import httpx
import psutil

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
            command = cast("list[str]", process.args)  # every caller passes a list
            raise RuntimeError(f"{command[:4]} exited: {stderr}")
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


@contextlib.contextmanager
def serving(env: dict[str, str]) -> Iterator[str]:
    """The URL of a `bentoml serve` on a free port, once ready; its process group is killed on
    exit (tests that signal the process itself use :func:`start_service`)."""
    port = free_port()
    process = start_service(env, port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process)
        yield url
    finally:
        stop(process)


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
