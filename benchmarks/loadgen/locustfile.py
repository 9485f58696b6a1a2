"""A generic locust user for the scoring API, configured by environment variables.

Run headless in a process of its own (see :mod:`benchmarks.loadgen.run`): locust imports
gevent and monkey-patches the standard library, which must never happen inside pytest or a
benchmark. The user records every request itself, from locust's request event: latencies
stay exact floats (locust's statistics round them) and the request ids of every 2xx answer
are kept, which is what the no-data-loss checks compare with the records. A decision is
recorded twice: when it is about to be sent (so a call cut short by the end of the run is
still known), and when its answer arrives, with its idempotency key and decision id.

Locust rather than a hand-written loop of threads: a task is plain Python, so each decision
gets a body of its own (a fresh client, a new key) and follow-up calls (a retry with the same
key, a revision naming the decision just made) at no cost to the load it generates.

Environment (``LOADGEN_`` rather than ``LOCUST_``, which locust reads as its own options):

- ``LOADGEN_PAYLOADS``: JSON file holding a list of request bodies ``{"application": ...}``;
- ``LOADGEN_MIX``: JSON integer weights per endpoint, e.g. ``{"predict": 8, "explain": 1,
  "predict_batch": 1, "decisions": 2}`` (an endpoint of weight 0 is never called);
- ``LOADGEN_DECISIONS``: JSON options of ``POST /decisions`` (see
  :mod:`benchmarks.loadgen.decision_bodies`): ``run`` (which range of reserved client ids),
  ``key_prefix`` (of the idempotency keys; random by default), ``retry`` and ``revise``
  (shares of acknowledged decisions sent again with the same key, and revised);
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
import secrets
import time
from itertools import cycle
from pathlib import Path
from typing import Any

import gevent
from locust import FastHttpUser, constant, events, task

from benchmarks.loadgen.decision_bodies import DecisionCall, DecisionSource

ENDPOINTS = ("predict", "explain", "predict_batch", "decisions")
PAYLOADS: list[dict[str, Any]] = json.loads(Path(os.environ["LOADGEN_PAYLOADS"]).read_text())
MIX: dict[str, int] = json.loads(os.environ.get("LOADGEN_MIX", '{"predict": 1}'))
BATCH_SIZE = int(os.environ.get("LOADGEN_BATCH_SIZE", "100"))
TOKEN = os.environ.get("LOADGEN_TOKEN", "")
SECONDS = float(os.environ["LOADGEN_SECONDS"])
MAX_REQUESTS = int(os.environ.get("LOADGEN_MAX_REQUESTS", "0"))
OUTPUT = os.environ["LOADGEN_OUTPUT"]
DECIDING: dict[str, Any] = json.loads(os.environ.get("LOADGEN_DECISIONS", "{}"))

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
SOURCE = DecisionSource(
    PAYLOADS, int(DECIDING.get("run", 0)), DECIDING.get("key_prefix") or secrets.token_hex(4)
)
RETRY_SHARE = float(DECIDING.get("retry", 0.0))
REVISE_SHARE = float(DECIDING.get("revise", 0.0))

REFUSED_CALL = ""  # a decision call answered 4xx: not recorded, not retried, not revised

_requests: list[dict[str, Any]] = []
_decisions_sent: list[dict[str, Any]] = []
_run: dict[str, Any] = {}


def _acknowledged(endpoint: str, body: bytes) -> list[str]:
    """The request ids a 2xx answer gives: one, or one per item of a batch.

    The body is parsed in full (not searched for ids), so a truncated answer is an error.
    """
    answer = json.loads(body)
    if endpoint == "predict_batch":
        return [item["request_id"] for item in answer["results"]]
    if endpoint == "decisions":
        return [answer["decision_id"]]
    return [answer["request_id"]]


@events.request.add_listener
def _on_request(
    name, response_time, response, exception, start_time, context=None, **_: Any
) -> None:
    status = getattr(response, "status_code", 0) or 0
    record = {"endpoint": name, "status": status, "ms": response_time, "start": start_time}
    detail = (context or {}).get("decision")
    if detail is not None:
        record["detail"] = dict(detail)
    if exception is None and 200 <= status < 300:
        try:
            record["ids"] = _acknowledged(name, response.content)
            if detail is not None:
                record["detail"]["replayed"] = json.loads(response.content)["replayed"]
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
    """Every request (endpoint, status, ms, start epoch, ids or error, a decision's detail),
    every decision call as it was about to be sent, the run's length and the CPU seconds this
    process used while it ran."""
    document = {
        "duration_s": time.monotonic() - _run["start"],
        "cpu_s": time.process_time() - _run["cpu"],
        "requests": _requests,
        "decisions_sent": _decisions_sent,
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
        self._rng = random.Random()

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

    @task(int(MIX.get("decisions", 0)))
    def decisions(self) -> None:
        """A new decision, sent again with its key when its outcome is unknown, or for a share
        of them deliberately; then, for a share, revised."""
        call = SOURCE.new(self._rng)
        decision_id = self._decide(call, retry=False)
        if decision_id is None:  # the caller cannot tell whether it was recorded: it retries
            decision_id = self._decide(call, retry=True)
        elif decision_id and self._rng.random() < RETRY_SHARE:
            self._decide(call, retry=True)
        if decision_id and self._rng.random() < REVISE_SHARE:
            self._decide(SOURCE.revision(call, decision_id), retry=False)

    def _decide(self, call: DecisionCall, retry: bool) -> str | None:
        """Send ``call``: its decision id when acknowledged, None when the outcome is unknown
        (no answer, or 5xx), :data:`REFUSED_CALL` when refused (4xx: never retried)."""
        detail = {**call.detail, "retry": retry}
        _decisions_sent.append(detail)
        response = self.client.post(
            "/decisions", data=call.body, headers=HEADERS, name="decisions",
            context={"decision": detail},
        )  # fmt: skip
        status = response.status_code or 0
        if 200 <= status < 300:
            try:
                return str(json.loads(response.content)["decision_id"])
            except (ValueError, KeyError, TypeError):
                return None
        return None if status == 0 or status >= 500 else REFUSED_CALL
