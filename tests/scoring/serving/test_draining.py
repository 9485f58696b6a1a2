"""A stopping worker closes each connection after its answer (``scoring/serving/draining.py``).

In process: no header is added before a stop signal, ``Connection: close`` is added after
one, and the server's own handler still runs. With a real uvicorn, the race is reproduced
without luck. Its loop is held by a request, the process gets SIGTERM, and a client connects
in the meantime and keeps sending on its keep-alive connection. Unwrapped, the server answers
it for as long as it sends (thousands of requests a second here). Wrapped, it answers the
request already sent, closes, and exits. Through `bentoml serve` under load:
``tests/resilience/test_shutdown.py``.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from devtools.servers import ROOT, free_port, stop
from scoring.serving.draining import CloseWhenDraining

# Answers 200; on /hold, first holds the event loop half a second, as parsing a large body does.
TOY_APP = """
import time

from scoring.serving.draining import CloseWhenDraining


async def plain(scope, receive, send):
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    if scope["path"] == "/hold":
        time.sleep(0.5)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


wrapped = CloseWhenDraining(plain)
"""


@pytest.fixture
def handlers() -> Iterator[list[int]]:
    """A stand-in for the server's SIGTERM and SIGINT handlers, recording the signals it
    gets; the real handlers are put back afterwards."""
    received: list[int] = []
    saved = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGINT)}
    for number in saved:
        signal.signal(number, lambda number, _: received.append(number))
    yield received
    for number, handler in saved.items():
        signal.signal(number, handler)


def respond(middleware: CloseWhenDraining, headers: list[tuple[bytes, bytes]]) -> list[Any]:
    """The response headers ``middleware`` sends for an app answering with ``headers``."""
    sent: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"{}"})

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    middleware.app = app
    asyncio.run(middleware({"type": "http", "path": "/predict"}, receive, send))
    return list(sent[0]["headers"])


def test_no_header_added_before_a_stop_signal(handlers):
    middleware = CloseWhenDraining(app=None)
    assert respond(middleware, [(b"content-type", b"application/json")]) == [
        (b"content-type", b"application/json")
    ]
    assert not middleware.draining.is_set()


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT])
def test_after_a_stop_signal_every_answer_closes_its_connection(handlers, number):
    middleware = CloseWhenDraining(app=None)
    respond(middleware, [])  # the first call, as the lifespan would, wraps the handlers
    signal.getsignal(number)(number, None)
    assert handlers == [number], "the server's own handler must still run"
    assert middleware.draining.is_set()
    # Added, and replaces a keep-alive the app would have asked for.
    assert respond(middleware, [(b"connection", b"keep-alive"), (b"x-a", b"1")]) == [
        (b"x-a", b"1"),
        (b"connection", b"close"),
    ]


def test_signals_are_left_alone_outside_the_main_thread(handlers):
    """An in-process test client runs the app in a thread of its own: nothing is wrapped."""
    before = signal.getsignal(signal.SIGTERM)
    middleware = CloseWhenDraining(app=None)
    thread = threading.Thread(target=respond, args=(middleware, []))
    thread.start()
    thread.join()
    assert signal.getsignal(signal.SIGTERM) is before


def test_the_default_action_is_not_wrapped():
    """With no handler to chain to, SIGTERM keeps its default action (it ends the process)."""
    saved = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        respond(CloseWhenDraining(app=None), [])
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    finally:
        signal.signal(signal.SIGTERM, saved)


def _uvicorn(app: str, directory: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(directory), str(ROOT)])}
    command = [sys.executable, "-m", "uvicorn", app, "--port", str(port), "--lifespan", "off"]
    process = subprocess.Popen(
        command, cwd=directory, env=env, stderr=subprocess.DEVNULL, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(url, timeout=2)
            return process, url
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _sigterm_while_a_client_connects(app: str, directory: Path) -> tuple[int, bool]:
    """Hold the server's loop, SIGTERM it, connect meanwhile and send on that connection for
    up to 3 s: how many answers came after SIGTERM, and whether the server then exited."""
    process, url = _uvicorn(app, directory)
    try:
        holder = threading.Thread(target=httpx.post, args=(f"{url}/hold",), daemon=True)
        holder.start()
        time.sleep(0.2)  # the loop is held
        os.kill(process.pid, signal.SIGTERM)
        answered, deadline = 0, time.monotonic() + 3
        with httpx.Client(base_url=url, timeout=5) as client:
            while time.monotonic() < deadline:
                try:
                    client.get("/")
                except httpx.TransportError:
                    break
                answered += 1
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return answered, False
        return answered, True
    finally:
        stop(process)


@pytest.mark.slow
def test_a_connection_uvicorns_shutdown_missed_is_closed_after_one_answer(tmp_path):
    (tmp_path / "toy.py").write_text(TOY_APP)
    unwrapped, _ = _sigterm_while_a_client_connects("toy:plain", tmp_path)
    assert unwrapped > 100, "the race did not happen: this test proves nothing"
    answered, exited = _sigterm_while_a_client_connects("toy:wrapped", tmp_path)
    assert answered <= 1 and exited, (answered, exited)
