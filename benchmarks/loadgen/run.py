"""Run the locust user headless against a URL and read back what it recorded.

Locust runs as a subprocess (``python -m locust -f locustfile.py --headless``) so that its
gevent monkey-patching never reaches the caller, a test or a benchmark. The caller gets every
request's exact latency, the errors by kind, the request ids the service acknowledged and
the CPU time locust itself used: it shares the machine's cores with the server it loads.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
ROOT = LOCUSTFILE.parents[2]
ENDPOINTS = ("predict", "explain", "predict_batch", "decisions")
# Locust needs a few seconds to start and to write its output, beyond the run itself.
STARTUP_ALLOWANCE_S = 60


@dataclass(frozen=True)
class Mix:
    """Integer weights of the endpoints a user calls, and the size of a /predict_batch."""

    predict: int = 0
    explain: int = 0
    predict_batch: int = 0
    decisions: int = 0
    batch_size: int = 100

    @classmethod
    def only(cls, endpoint: str, batch_size: int = 100) -> Mix:
        """Every request to one endpoint."""
        if endpoint not in ENDPOINTS:
            raise ValueError(f"endpoint {endpoint!r} is not one of {ENDPOINTS}")
        return cls(**{endpoint: 1}, batch_size=batch_size)

    def weights(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in ENDPOINTS if getattr(self, name) > 0}


class Request(NamedTuple):
    """One request as locust saw it; ``error`` is None exactly when it was acknowledged."""

    endpoint: str
    status: int
    ms: float
    start: float  # epoch seconds
    error: str | None
    ids: tuple[str, ...]
    # A decision call: key, kind (new, revise), client, retry, and replayed when answered.
    detail: dict[str, Any] | None = None


@dataclass(frozen=True)
class LoadResult:
    """Everything one load run measured."""

    requests: list[Request]
    duration_s: float
    load_tool_cpu_s: float
    # Every decision call as it was about to be sent (its request may never have ended).
    decisions_sent: list[dict[str, Any]] = field(default_factory=list)

    def latencies(self, endpoint: str | None = None) -> np.ndarray:
        """Latencies in ms of the acknowledged requests (of one endpoint, or all)."""
        return np.array(
            [r.ms for r in self.requests if r.error is None and endpoint in (None, r.endpoint)]
        )

    def percentile(self, q: float, endpoint: str | None = None) -> float:
        """The q-th percentile latency in ms; NaN when nothing was acknowledged."""
        samples = self.latencies(endpoint)
        return float(np.percentile(samples, q)) if samples.size else math.nan

    @property
    def counts(self) -> Counter[str]:
        """Requests sent per endpoint, failed ones included."""
        return Counter(r.endpoint for r in self.requests)

    @property
    def errors(self) -> Counter[str]:
        """Failed requests by kind: ``http_503``, ``transport:ConnectionResetError``, ..."""
        return Counter(r.error for r in self.requests if r.error is not None)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def rps(self) -> float:
        """Acknowledged requests per second of the run."""
        return (len(self.requests) - self.error_count) / self.duration_s

    @property
    def acknowledged(self) -> list[str]:
        """Every request id of every 2xx answer, in the order the answers arrived."""
        return [request_id for r in self.requests for request_id in r.ids]


def run_load(
    url: str,
    token: str,
    mix: Mix,
    users: int,
    seconds: float,
    payloads: list[dict[str, Any]],
    *,
    max_requests: int = 0,
    spawn_rate: float | None = None,
    stop_timeout: int = 60,
    deciding: dict[str, Any] | None = None,
) -> LoadResult:
    """Load ``url`` with ``users`` back-to-back users for ``seconds`` (or until
    ``max_requests`` requests have completed, when given), then wait up to ``stop_timeout`` for the
    requests in flight to finish, so that every request the server handled is answered and
    counted. All users start within the first second by default. ``deciding`` holds the
    options of ``POST /decisions`` calls (``LOADGEN_DECISIONS`` of the locustfile).
    """
    if not mix.weights():
        raise ValueError(f"the mix {mix} calls no endpoint: give one a positive weight")
    with tempfile.TemporaryDirectory(prefix="loadgen-") as directory:
        payload_file, output = Path(directory) / "payloads.json", Path(directory) / "out.json"
        payload_file.write_text(json.dumps(payloads))
        env = {
            **os.environ,
            "LOADGEN_PAYLOADS": str(payload_file),
            "LOADGEN_MIX": json.dumps(mix.weights()),
            "LOADGEN_BATCH_SIZE": str(mix.batch_size),
            "LOADGEN_TOKEN": token,
            "LOADGEN_SECONDS": str(seconds),
            "LOADGEN_MAX_REQUESTS": str(max_requests),
            "LOADGEN_OUTPUT": str(output),
            "LOADGEN_DECISIONS": json.dumps(deciding or {}),
        }
        command = [
            sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
            "--host", url, "--users", str(users), "--spawn-rate", str(spawn_rate or users),
            "--stop-timeout", str(stop_timeout),
            "--only-summary", "--loglevel", "WARNING",
        ]  # fmt: skip
        finished = subprocess.run(
            command,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=seconds + stop_timeout + STARTUP_ALLOWANCE_S,
        )
        if not output.is_file():
            raise RuntimeError(f"locust wrote no output (exit {finished.returncode}): "
                               f"{finished.stderr[-2000:]}")  # fmt: skip
        document = json.loads(output.read_text())
    return LoadResult(
        requests=[_request(record) for record in document["requests"]],
        duration_s=document["duration_s"],
        load_tool_cpu_s=document["cpu_s"],
        decisions_sent=document.get("decisions_sent", []),
    )


def _request(record: dict[str, Any]) -> Request:
    return Request(
        endpoint=record["endpoint"],
        status=record["status"],
        ms=record["ms"],
        start=record["start"],
        error=record.get("error"),
        ids=tuple(record.get("ids", ())),
        detail=record.get("detail"),
    )
