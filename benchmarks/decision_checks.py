"""What the records must hold after a load run of ``POST /decisions``, checked against what
the clients saw (``benchmarks/decisions_load.py``).

Three checks, each with its counts:

- ``acknowledged_recorded_once``: every idempotency key the service acknowledged (a 2xx
  answer) is recorded exactly once, under the decision id every answer to that key gave
  (a retry with the same key got the same id), and no row of the run's clients has a key the
  clients never sent;
- ``unacknowledged_absent``: a key sent but never acknowledged (no answer, 5xx, or refused)
  is absent from the records;
- ``chain_intact``: ``DecisionBook.verify()`` finds no break in the hash chain.

:func:`check` is pure, on the requests, the calls sent and the rows read back, so the tests
give it made-up runs; :func:`recorded` reads the rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from benchmarks.loadgen.run import Request
from scoring.records.database import RecordsDatabase
from scoring.records.decisions import DecisionBook
from scoring.records.tables import DECISIONS

SHOWN = 5  # examples of each kind of failure kept in the results


def recorded(database_url: str, first_client: int, last_client: int) -> dict[str, Any]:
    """The decisions about clients ``first_client`` to ``last_client`` (key, id, client),
    the number of decisions in the table, and the problems of the whole chain."""
    database = RecordsDatabase(database_url)
    try:
        book = DecisionBook(database)
        columns = (DECISIONS.c.idempotency_key, DECISIONS.c.decision_id, DECISIONS.c.client_id)
        query = select(*columns).where(DECISIONS.c.client_id.between(first_client, last_client))
        with database.reading() as connection:
            rows = [tuple(row) for row in connection.execute(query)]
        return {"rows": rows, "count": book.count(), "problems": [str(p) for p in book.verify()]}
    finally:
        database.engine().dispose()


def check(
    requests: Iterable[Request],
    sent: Iterable[dict[str, Any]],
    rows: list[tuple[str, str, int]],
    chain_problems: list[str],
) -> dict[str, dict[str, Any]]:
    """The three checks of a run: ``requests`` as the load tool recorded them, ``sent`` every
    decision call as it was about to be sent, ``rows`` (key, decision id, client) read back."""
    answered: dict[str, set[str]] = defaultdict(set)  # key -> decision ids of its 2xx answers
    for request in requests:
        if request.endpoint == "decisions" and request.error is None and request.detail:
            answered[request.detail["key"]].update(request.ids)
    sent_keys = {call["key"] for call in sent}
    by_key: dict[str, list[str]] = defaultdict(list)
    for key, decision_id, _ in rows:
        by_key[key].append(decision_id)

    missing = sorted(key for key in answered if key not in by_key)
    other_id = sorted(
        key for key, ids in answered.items() if key in by_key and set(by_key[key]) != ids
    )
    duplicates = sorted(key for key, ids in by_key.items() if len(ids) > 1)
    unknown = sorted(key for key in by_key if key not in sent_keys)
    unacknowledged = sorted(sent_keys - answered.keys())
    recorded_anyway = [key for key in unacknowledged if key in by_key]
    return {
        "acknowledged_recorded_once": {
            "passed": not (missing or other_id or duplicates or unknown),
            "acknowledged": len(answered),
            "missing": len(missing),
            "other_id": len(other_id),
            "duplicates": len(duplicates),
            "unknown_rows": len(unknown),
            "examples": (missing + other_id + duplicates + unknown)[:SHOWN],
        },
        "unacknowledged_absent": {
            "passed": not recorded_anyway,
            "unacknowledged": len(unacknowledged),
            "recorded": len(recorded_anyway),
            "examples": recorded_anyway[:SHOWN],
        },
        "chain_intact": {
            "passed": not chain_problems,
            "problems": len(chain_problems),
            "examples": chain_problems[:SHOWN],
        },
    }


def decision_counts(requests: Iterable[Request], sent: Iterable[dict[str, Any]]) -> dict:
    """How many calls of each kind were sent, answered and replayed."""
    calls = list(sent)
    answers = [r for r in requests if r.endpoint == "decisions" and r.detail]
    acknowledged = [r for r in answers if r.error is None]
    return {
        "calls_sent": len(calls),
        "first_calls": sum(c["kind"] == "new" and not c["retry"] for c in calls),
        "retries": sum(c["retry"] for c in calls),
        "revisions": sum(c["kind"] == "revise" for c in calls),
        "acknowledged_answers": len(acknowledged),
        "replayed_answers": sum(bool(r.detail.get("replayed")) for r in acknowledged),
        "keys_acknowledged": len({r.detail["key"] for r in acknowledged}),
        "errors": dict(Counter(r.error for r in answers if r.error is not None)),
        "unanswered": len(calls) - len(answers),
    }
