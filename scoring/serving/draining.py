"""Every response of a stopping worker closes its connection, so that SIGTERM always drains.

The hang this prevents (read in uvicorn 0.54 and asyncio; without this,
``tests/resilience/test_shutdown.py`` hung in 2 of its 10 runs). On SIGTERM, uvicorn's
``Server.shutdown`` closes the listening socket. It then tells each connection it knows to
close after its current response (``H11Protocol.shutdown``), and waits for no connection to
be left. That wait has no time limit: BentoML passes no ``--timeout-graceful-shutdown``.
But asyncio registers a new connection in two steps. The listening socket's callback
accepts it and starts a task, and the protocol's ``connection_made`` runs only in a later
iteration of the event loop. A connection accepted in the iteration that runs the shutdown
is therefore missed by it. It is never told to close, and it is served with keep-alive.
As long as its client keeps sending on it, as any pooled HTTP client under load does, the
worker answers and never exits, and ``bentoml serve`` (circus, ``graceful_timeout``
86400) waits for that worker. This happens when the loop was busy with a large
``/predict_batch`` while the clients of the worker that stopped first reconnected. The
test saw 23,000 requests served in 70 s on such connections after SIGTERM.

uvicorn's keep-alive timeout cannot end this: its timer runs only between requests, and
the client never pauses. ``--timeout-graceful-shutdown`` would cut off the requests in
flight when it expires, and only `bentoml serve`'s command line sets it, which the
container's entrypoint does not. Related upstream reports: Kludex/uvicorn#2757 and #3124
(connections accepted just before shutdown).

:class:`CloseWhenDraining` wraps the worker's SIGTERM and SIGINT handlers, which are the
server's own (uvicorn installs them before the app's lifespan starts). From the signal on,
every response carries ``Connection: close``, and uvicorn (h11 or httptools) closes the
connection once the response is sent. Every request a worker has received is still
recorded and answered as before. The client opens a new connection for its next request,
which a stopping worker no longer accepts.

Not covered: a connection accepted in that same iteration that never sends a request.
uvicorn arms no timer before a first request, so nothing closes it. Nothing is lost on it,
and the orchestrator's kill at the end of its grace period ends it.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, MutableMapping
from types import FrameType
from typing import Any

from scoring.serving.auth import ASGIApp, Receive, Scope, Send

logger = logging.getLogger("credit_scoring.draining")
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)  # uvicorn's HANDLED_SIGNALS on POSIX
CLOSE = (b"connection", b"close")
Handler = Callable[[int, FrameType | None], Any]  # what signal.signal takes


class CloseWhenDraining:
    """Once the process has received SIGTERM or SIGINT, answer every request with
    ``Connection: close`` (see the module's docstring for why)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.draining = threading.Event()
        self._watching = False
        self._told = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._watching:  # the lifespan, or else the first request
            self._watching = self._watch_signals()
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_closing(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start" and self.draining.is_set():
                headers = [
                    (name, value)
                    for name, value in message.get("headers", ())
                    if name.lower() != b"connection"
                ]
                message = {**message, "headers": [*headers, CLOSE]}
                if not self._told:
                    self._told = True
                    logger.info("stopping: each response now closes its connection")
            await send(message)

        await self.app(scope, receive, send_closing)

    def _watch_signals(self) -> bool:
        """Set :attr:`draining` on a stop signal, then run the handler that was there (the
        server's). Signals are watched only from the main thread, where the server runs
        and where they are delivered. An in-process test client runs the app in another
        thread, so nothing is watched there. Without a handler to chain to (the default
        action), nothing is wrapped either, so that a signal still does what it did."""
        if threading.current_thread() is not threading.main_thread():
            return False
        for number in STOP_SIGNALS:
            previous = signal.getsignal(number)
            if callable(previous):
                signal.signal(number, self._chained(previous))
        return True

    def _chained(self, previous: Handler) -> Handler:
        def handler(number: int, frame: FrameType | None) -> None:
            self.draining.set()  # not logged here: the code interrupted may hold its lock
            previous(number, frame)

        return handler
