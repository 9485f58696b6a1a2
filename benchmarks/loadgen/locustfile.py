"""A generic locust user for the scoring API, configured by environment variables.

Run headless in a process of its own (see :mod:`benchmarks.loadgen.run`): locust imports
gevent and monkey-patches the standard library, which must never happen inside pytest or a
benchmark. The user records every request itself, from locust's request event: latencies
stay exact floats (locust's statistics round them) and the request ids of every 2xx answer
are kept, which is what the no-data-loss checks compare with the audit table.

Environment (``LOADGEN_`` rather than ``LOCUST_``, which locust reads as its own options):

- ``LOADGEN_PAYLOADS``: JSON file holding a list of request bodies ``{"application": ...}``;
- ``LOADGEN_MIX``: JSON integer weights per endpoint, e.g. ``{"predict": 8, "explain": 1,
  "predict_batch": 1}`` (an endpoint of weight 0 is never called);
- ``LOADGEN_BATCH_SIZE``: applications per /predict_batch request (default 100);
- ``LOADGEN_TOKEN``: bearer token, sent when not empty;
- ``LOADGEN_SECONDS``: length of the run, counted from the first user's start (locust's own
  ``--run-time`` also counts its start-up, which would shorten the measured window);
- ``LOADGEN_MAX_REQUESTS``: stop earlier, once this many requests completed (0: never),
  which bounds runs against a slow endpoint to the samples they need;
- ``LOADGEN_OUTPUT``: JSON file written when the run stops (see :func:`_write_output`).
"""

from __future__ import annotations

import json
import os
import random
import time
from itertools import cycle
from pathlib import Path
from typing import Any

import gevent
from locust import FastHttpUser, constant, events, task

ENDPOINTS = ("predict", "explain", "predict_batch")
PAYLOADS: list[dict[str, Any]] = json.loads(Path(os.environ["LOADGEN_PAYLOADS"]).read_text())
MIX: dict[str, int] = json.loads(os.environ.get("LOADGEN_MIX", '{"predict": 1}'))
BATCH_SIZE = int(os.environ.get("LOADGEN_BATCH_SIZE", "100"))
TOKEN = os.environ.get("LOADGEN_TOKEN", "")
SECONDS = float(os.environ["LOADGEN_SECONDS"])
MAX_REQUESTS = int(os.environ.get("LOADGEN_MAX_REQUESTS", "0"))
OUTPUT = os.environ["LOADGEN_OUTPUT"]

if unknown := set(MIX) - set(ENDPOINTS):
    raise SystemExit(f"LOADGEN_MIX: unknown endpoints {sorted(unknown)}; known: {ENDPOINTS}")
if not PAYLOADS:
    raise SystemExit(f"LOADGEN_PAYLOADS: {os.environ['LOADGEN_PAYLOADS']} holds no body")

# Bodies are serialised once, here: the load tool shares the cores with the server, and
# encoding a 100-application batch per request would steal CPU from what is measured.
SINGLE_BODIES = [json.dumps(body).encode() for body in PAYLOADS]
BATCH_BODIES = [
    json.dumps(
        {"applications": [PAYLOADS[(start + i) % len(PAYLOADS)] for i in range(BATCH_SIZE)]}
    ).encode()
    for start in range(0, len(PAYLOADS), BATCH_SIZE)
]
HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}
if TOKEN:
    HEADERS["Authorization"] = f"Bearer {TOKEN}"

_requests: list[dict[str, Any]] = []
_run: dict[str, Any] = {}


def _acknowledged(endpoint: str, body: bytes) -> list[str]:
    """The request ids a 2xx answer gives: one, or one per item of a batch.

    The body is parsed in full (not searched for ids), so a truncated answer is an error.
    """
    answer = json.loads(body)
    if endpoint == "predict_batch":
        return [item["request_id"] for item in answer["results"]]
    return [answer["request_id"]]


@events.request.add_listener
def _on_request(name, response_time, response, exception, start_time, **_: Any) -> None:
    status = getattr(response, "status_code", 0) or 0
    record = {"endpoint": name, "status": status, "ms": response_time, "start": start_time}
    if exception is None and 200 <= status < 300:
        try:
            record["ids"] = _acknowledged(name, response.content)
        except (ValueError, KeyError, TypeError) as error:
            record["error"] = f"bad_body:{type(error).__name__}"
    elif status >= 300:
        record["error"] = f"http_{status}"
    else:  # no status (refused, reset, timed out) or a body cut short
        record["error"] = f"transport:{type(exception).__name__}"
    _requests.append(record)
    if len(_requests) == MAX_REQUESTS:
        # From a greenlet of its own: quitting stops the users, this one included.
        gevent.spawn(_run["runner"].quit)


@events.test_start.add_listener
def _on_start(environment: Any, **_: Any) -> None:
    _run.update(start=time.monotonic(), cpu=time.process_time(), runner=environment.runner)
    gevent.spawn_later(SECONDS, environment.runner.quit)


@events.test_stop.add_listener
def _write_output(**_: Any) -> None:
    """Every request (endpoint, status, ms, start epoch, ids or error), the run's length and
    the CPU seconds this process used while it ran."""
    document = {
        "duration_s": time.monotonic() - _run["start"],
        "cpu_s": time.process_time() - _run["cpu"],
        "requests": _requests,
    }
    Path(OUTPUT).write_text(json.dumps(document))


class ApiUser(FastHttpUser):
    """Back-to-back requests, endpoints drawn by the configured weights."""

    wait_time = constant(0)

    def on_start(self) -> None:
        # Each user starts at a different body so that users do not send the same one.
        offset = random.randrange(len(SINGLE_BODIES))
        self._singles = cycle(SINGLE_BODIES[offset:] + SINGLE_BODIES[:offset])
        self._batches = cycle(BATCH_BODIES)

    def _post(self, endpoint: str, body: bytes) -> None:
        self.client.post(f"/{endpoint}", data=body, headers=HEADERS, name=endpoint)

    @task(int(MIX.get("predict", 0)))
    def predict(self) -> None:
        self._post("predict", next(self._singles))

    @task(int(MIX.get("explain", 0)))
    def explain(self) -> None:
        self._post("explain", next(self._singles))

    @task(int(MIX.get("predict_batch", 0)))
    def predict_batch(self) -> None:
        self._post("predict_batch", next(self._batches))
