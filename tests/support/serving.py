"""What tests share: the token the test services run with, what a service was sent, and an
ASGI app served on a real port that can go down and come back."""

from __future__ import annotations

import threading
import time
from typing import Any, NamedTuple

import uvicorn

from devtools.servers import free_port

TOKEN = "test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


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
