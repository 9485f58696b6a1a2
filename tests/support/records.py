"""What the records tests share: an inquiry and a decision to record, and a throwaway
PostgreSQL cluster (skipped where the server binaries are not installed)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import select

from devtools import postgres
from devtools.postgres import Cluster, PostgresUnavailable
from scoring.records.database import RecordsDatabase
from scoring.records.decisions import NewDecision
from scoring.records.inquiries import Inquiry, digest
from scoring.records.tables import INQUIRIES

INPUT_HASH = digest(b'{"SK_ID_CURR":100002,"AMT_CREDIT":406597.5}')


def inquiry(**changes: object) -> Inquiry:
    """A scoring call as the service records it; ``changes`` override its fields."""
    values: dict[str, object] = {
        "request_id": uuid.uuid4().hex,
        "endpoint": "predict",
        "purpose": "application",
        "actor": "key:test",
        "model_tag": "credit_scoring:abc123",
        "threshold": 0.073,
        "input_hash": INPUT_HASH,
        "probability": 0.1234567890123,
        "recommendation": "refused",
        "client_id": 100002,
        "reasons": ["external_scores.raises", "income_burden.raises"],
        "language": "fr",
    }
    return Inquiry(**{**values, **changes})


def new_decision(**changes: object) -> NewDecision:
    """A person's decision on the model's recommendation; ``changes`` override its fields."""
    values: dict[str, object] = {
        "client_id": 100002,
        "input_hash": INPUT_HASH,
        "model_tag": "credit_scoring:abc123",
        "threshold": 0.073,
        "review_band": 0.02,
        "probability": 0.05,
        "recommendation": "granted",
        "final_decision": "granted",
        "decided_by": "user:advisor",
        "reason": None,
        "note": None,
        "reason_codes": ["external_scores.lowers"],
        "language": "en",
        "idempotency_key": uuid.uuid4().hex,
    }
    return NewDecision(**{**values, **changes})


def stored(database: RecordsDatabase, request_ids: list[str]) -> list[Inquiry]:
    """The recorded inquiries among ``request_ids``, in that order (unknown ids skipped)."""
    query = select(INQUIRIES).where(INQUIRIES.c.request_id.in_(request_ids))
    with database.reading() as connection:
        found = {}
        for row in connection.execute(query):
            values = dict(row._mapping)
            if values["reasons"] is not None:
                values["reasons"] = json.loads(values["reasons"])
            found[row.request_id] = Inquiry(**values)
    return [found[request_id] for request_id in request_ids if request_id in found]


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """A started cluster (fsync off: tests need no durability), stopped and removed
    afterwards; the test is skipped, saying why, where no server can be started."""
    try:
        with postgres.throwaway_cluster(fsync=False) as cluster:
            yield cluster
    except PostgresUnavailable as why:
        pytest.skip(str(why))
