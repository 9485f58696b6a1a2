"""Steady traffic for the resilience tests: a few threads sending ``POST /predict`` and
``POST /decisions`` in turn, each outcome kept with its times, and the checks that every
acknowledged call is on record and that nothing refused was acted upon.

Each decision is about a client of its own, with a key of its own, so a refused one can be
sent again (:func:`send_again`) and must then be recorded once."""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import select

from scoring.records.database import RecordsDatabase
from scoring.records.tables import DECISIONS
from tests.support.inputs import APPLICATION
from tests.support.records import stored
from tests.support.serving import AUTH

# Above every SK_ID_CURR of the test data: each decision is about a client of its own.
FIRST_CLIENT = 8_000_000_000
PAUSE_AFTER_FAILURE_S = 0.05  # a refusal or a 503 comes at once: do not spin


@dataclass(frozen=True)
class Outcome:
    """One call: what it was, when (``time.monotonic``), and what came back."""

    endpoint: str  # "predict" or "decisions"
    started: float
    ended: float
    status: int | None  # None: no HTTP answer at all
    error: str  # the exception's class name, or the answer's "error"; "" for a success
    record_id: str | None  # request_id or decision_id of an acknowledged call
    key: str | None  # the idempotency key of a decision
    client_id: int | None = None  # the SK_ID_CURR of a decision

    @property
    def acknowledged(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class Traffic:
    """``threads`` clients, each on its own keep-alive connection, calling until stopped."""

    url: str
    threads: int = 3
    timeout: float = 60.0
    outcomes: list[Outcome] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._clients = itertools.count(FIRST_CLIENT)
        self._lock = threading.Lock()
        self._workers = [
            threading.Thread(target=self._run, daemon=True) for _ in range(self.threads)
        ]

    def __enter__(self) -> Traffic:
        for worker in self._workers:
            worker.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for worker in self._workers:
            worker.join(timeout=self.timeout + 5)

    def wait_for(self, acknowledged: int, timeout: float = 60.0) -> None:
        """Wait until ``acknowledged`` calls have succeeded (the load is warm)."""
        deadline = time.monotonic() + timeout
        while sum(o.acknowledged for o in list(self.outcomes)) < acknowledged:
            if time.monotonic() > deadline:
                raise TimeoutError(f"fewer than {acknowledged} calls succeeded in {timeout} s")
            time.sleep(0.05)

    def _run(self) -> None:
        with httpx.Client(base_url=self.url, headers=AUTH, timeout=self.timeout) as client:
            for endpoint in itertools.cycle(("predict", "decisions")):
                if self._stop.is_set():
                    return
                outcome = self._call(client, endpoint)
                with self._lock:
                    self.outcomes.append(outcome)
                if not outcome.acknowledged:
                    time.sleep(PAUSE_AFTER_FAILURE_S)

    def _call(self, client: httpx.Client, endpoint: str) -> Outcome:
        if endpoint == "decisions":
            return send(client, f"traffic:{uuid.uuid4().hex}", next(self._clients))
        return predict(client)


def _decision_body(key: str, client_id: int) -> dict[str, Any]:
    """A decision granting the test application to ``client_id``, under ``key``."""
    return {
        "application": {**APPLICATION, "SK_ID_CURR": client_id},
        "final_decision": "granted",
        "reason": "guarantee",  # accepted whatever the model recommends
        "idempotency_key": key,
    }


def predict(client: httpx.Client) -> Outcome:
    """``POST /predict`` of the test application."""
    return _post(client, "predict", {"application": APPLICATION}, None, None)


def send(client: httpx.Client, key: str, client_id: int) -> Outcome:
    """``POST /decisions`` of :func:`_decision_body` (a decision of its own)."""
    return _post(client, "decisions", _decision_body(key, client_id), key, client_id)


def send_again(client: httpx.Client, refused: Outcome) -> Outcome:
    """The decision of ``refused`` sent again, same body and idempotency key, as a client
    retries after a refusal or a 503."""
    assert refused.key is not None and refused.client_id is not None, "not a decision"
    return send(client, refused.key, refused.client_id)


def _post(
    client: httpx.Client,
    endpoint: str,
    body: dict[str, Any],
    key: str | None,
    client_id: int | None,
) -> Outcome:
    started = time.monotonic()
    try:
        answer = client.post(f"/{endpoint}", json=body)
    except httpx.TransportError as error:
        ended = time.monotonic()
        return Outcome(endpoint, started, ended, None, type(error).__name__, None, key, client_id)
    ended = time.monotonic()
    try:
        document = answer.json()
    except ValueError:
        document = {"error": f"not JSON: {answer.text[:200]}"}
    ok = 200 <= answer.status_code < 300
    record_id = document.get("request_id" if endpoint == "predict" else "decision_id")
    message = "" if ok else str(document.get("error", f"no error field: {answer.text[:200]}"))
    return Outcome(endpoint, started, ended, answer.status_code, message, record_id, key, client_id)


def unrecorded(outcomes: list[Outcome], database: RecordsDatabase) -> list[Outcome]:
    """The acknowledged calls whose inquiry (by request id) or decision (by id) is missing."""
    acknowledged = [o for o in outcomes if o.acknowledged]
    predictions = [o.record_id for o in acknowledged if o.endpoint == "predict" and o.record_id]
    inquiries = {inquiry.request_id for inquiry in stored(database, predictions)}
    decisions = recorded_decisions(database, [o.key for o in acknowledged if o.key])
    return [
        o
        for o in acknowledged
        if (o.endpoint == "predict" and o.record_id not in inquiries)
        or (o.endpoint == "decisions" and decisions.get(o.key or "") != o.record_id)
    ]


def recorded_decisions(database: RecordsDatabase, keys: list[str | None]) -> dict[str, str]:
    """The decision recorded under each of ``keys`` that has one: key → decision_id."""
    query = select(DECISIONS.c.idempotency_key, DECISIONS.c.decision_id).where(
        DECISIONS.c.idempotency_key.in_([key for key in keys if key])
    )
    with database.reading() as connection:
        return {row.idempotency_key: row.decision_id for row in connection.execute(query)}
