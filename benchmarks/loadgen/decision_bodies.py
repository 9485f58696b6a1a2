"""Bodies of ``POST /decisions`` for load runs: each a fresh client and a key of its own.

A decision is recorded once per application, so a load run cannot replay a few bodies as
the scoring endpoints do: every new decision takes the next client id of the run's reserved
range (:data:`RESERVED_CLIENTS` up) and the next idempotency key of the run. The application
itself is a real one of the payloads, its ``SK_ID_CURR`` replaced. Every decision gives the
reason ``guarantee``, which the service accepts whatever the model recommends, so no request
is refused for lack of a reason (400) and every outcome says something about recording.

Pure (no locust, no gevent), so the tests can check the bodies the load sends.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from itertools import count
from typing import Any

# Above any SK_ID_CURR of the Kaggle data or the generator (six digits): a load run's
# decisions never touch a known client, and their rows are told apart from any other.
RESERVED_CLIENTS = 9_000_000_000
CLIENTS_PER_RUN = 100_000_000  # room for every decision of one run
REASON = "guarantee"  # valid whatever the recommendation (scoring.policy.needs_reason)
FINAL_DECISIONS = ("granted", "refused")


def client_range(run: int) -> tuple[int, int]:
    """The first and last client id of load run number ``run``."""
    first = RESERVED_CLIENTS + run * CLIENTS_PER_RUN
    return first, first + CLIENTS_PER_RUN - 1


@dataclass(frozen=True)
class DecisionCall:
    """One ``POST /decisions`` to send: its body, and what the checks need to know of it."""

    client: int
    key: str
    kind: str  # "new" or "revise"; a retry sends the same call again
    body: bytes
    final_decision: str
    application: dict[str, Any]  # as sent, with the reserved SK_ID_CURR

    @property
    def detail(self) -> dict[str, Any]:
        """What the load tool records with each request of this call."""
        return {"key": self.key, "kind": self.kind, "client": self.client}


class DecisionSource:
    """Fresh decisions for one load run: run number ``run`` takes the clients from
    ``RESERVED_CLIENTS + run * CLIENTS_PER_RUN`` on, the key of a first decision is
    ``load:<prefix>:<client>`` and that of a revision ``load:<prefix>:<client>:rev<n>``."""

    def __init__(self, bodies: list[dict[str, Any]], run: int, key_prefix: str) -> None:
        if not bodies:
            raise ValueError("no application body to decide on")
        self.applications = [body["application"] for body in bodies]
        self.first_client, _ = client_range(run)
        self.key_prefix = key_prefix
        self._numbers = count()
        self._revisions = count()

    def new(self, rng: random.Random) -> DecisionCall:
        """A first decision about the next client of the range, granted or refused at random."""
        number = next(self._numbers)
        client = self.first_client + number
        application = {**self.applications[number % len(self.applications)], "SK_ID_CURR": client}
        key = f"load:{self.key_prefix}:{client}"
        return self._call(client, key, "new", application, rng.choice(FINAL_DECISIONS), None)

    def revision(self, of: DecisionCall, decision_id: str) -> DecisionCall:
        """The other final decision about the same application, revising ``decision_id``."""
        other = FINAL_DECISIONS[1 - FINAL_DECISIONS.index(of.final_decision)]
        key = f"load:{self.key_prefix}:{of.client}:rev{next(self._revisions)}"
        return self._call(of.client, key, "revise", of.application, other, decision_id)

    def _call(
        self,
        client: int,
        key: str,
        kind: str,
        application: dict[str, Any],
        final_decision: str,
        revises: str | None,
    ) -> DecisionCall:
        body: dict[str, Any] = {
            "application": application,
            "final_decision": final_decision,
            "idempotency_key": key,
            "reason": REASON,
        }
        if revises is not None:
            body["revises"] = revises
        encoded = json.dumps(body).encode()
        return DecisionCall(client, key, kind, encoded, final_decision, application)
