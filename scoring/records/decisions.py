"""Credit decisions: who decided what, when, on which model and why, in a hash chain.

A decision is an act, recorded once (``POST /decisions``), separate from the scoring calls
that preceded it. One application (its ``SK_ID_CURR``) has one current decision:

- the same idempotency key returns the record already made, so a retried call never decides
  twice; the key sent with another request is a conflict;
- a revision is a new record that names the one it revises (``revises``), never an update:
  only the current decision can be revised, and only once.

Appending takes the write lock (SQLite ``BEGIN IMMEDIATE``, PostgreSQL an advisory lock), so
concurrent workers extend one chain without forks or gaps (:mod:`scoring.records.chain`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, text, update

from scoring.records import chain
from scoring.records.clock import new_id, utc_now
from scoring.records.database import RecordsDatabase
from scoring.records.retention import matching_rows
from scoring.records.tables import CHAIN_HEAD, DECISIONS, OUTCOMES, PURGED_LINKS

_CHAIN_LOCK_KEY = 0x636861696E  # "chain": serialises appends on PostgreSQL
PURGE_BATCH_ROWS = 5_000  # rows per purge transaction: the service keeps deciding meanwhile


class DecisionConflict(Exception):
    """The request contradicts the records (409): the message says what to send instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class NewDecision:
    """What a decision records, before the chain gives it a number and a hash."""

    client_id: int
    input_hash: str
    model_tag: str
    threshold: float
    review_band: float
    probability: float
    recommendation: str
    final_decision: str
    decided_by: str
    reason: str | None
    note: str | None
    reason_codes: list[str]
    language: str
    idempotency_key: str
    revises: str | None = None

    def same_request(self, other: NewDecision) -> bool:
        """Whether ``other`` asks for the same decision (an idempotent retry)."""
        keys = ("client_id", "input_hash", "final_decision", "reason", "note", "revises")
        return all(getattr(self, key) == getattr(other, key) for key in keys)


@dataclass(frozen=True)
class Decision(NewDecision):
    """A recorded decision."""

    seq: int = 0
    decision_id: str = ""
    created_at: str = ""
    prev_hash: str = ""
    row_hash: str = ""

    @property
    def overridden(self) -> bool:
        """Whether a person decided other than the model recommended (review included)."""
        return self.final_decision != self.recommendation

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> Decision:
        values = {f.name: row[f.name] for f in fields(cls)}
        values["reason_codes"] = json.loads(values["reason_codes"])
        return cls(**values)

    def to_row(self) -> dict[str, Any]:
        row = asdict(self)
        row["reason_codes"] = json.dumps(self.reason_codes)
        return row


class DecisionBook:
    """The ``decisions`` table, its chain head and purged links."""

    def __init__(self, database: RecordsDatabase) -> None:
        self.database = database

    def record(self, new: NewDecision) -> tuple[Decision, bool]:
        """Append ``new`` to the chain; (the decision, whether it was already recorded)."""
        with self.database.writing() as connection:
            _lock_chain(connection)
            existing = _one(connection, DECISIONS.c.idempotency_key == new.idempotency_key)
            if existing is not None:
                if not existing.same_request(new):
                    raise DecisionConflict(
                        f"idempotency_key {new.idempotency_key!r} was already used for "
                        f"decision {existing.decision_id} with another request; send a new key"
                    )
                return existing, True
            _check_current(connection, new)
            head = connection.execute(select(CHAIN_HEAD).where(CHAIN_HEAD.c.id == 1)).first()
            seq, previous = (head.seq + 1, head.row_hash) if head else (1, chain.GENESIS)
            decision = Decision(**asdict(new), seq=seq, decision_id=new_id(), created_at=utc_now())
            row = decision.to_row()
            row["prev_hash"] = previous
            row["row_hash"] = chain.row_hash(previous, row)
            connection.execute(insert(DECISIONS), row)
            if head is None:
                connection.execute(insert(CHAIN_HEAD), {"id": 1, **_link(row)})
            else:
                connection.execute(update(CHAIN_HEAD).where(CHAIN_HEAD.c.id == 1), _link(row))
        return Decision.from_row(row), False

    def get(self, decision_id: str) -> Decision | None:
        """The decision ``decision_id``, None when unknown."""
        with self.database.reading() as connection:
            return _one(connection, DECISIONS.c.decision_id == decision_id)

    def history(self, client_id: int) -> list[Decision]:
        """Every decision about ``client_id``, oldest first (the last is the current one)."""
        query = select(DECISIONS).where(DECISIONS.c.client_id == client_id)
        with self.database.reading() as connection:
            rows = connection.execute(query.order_by(DECISIONS.c.seq))
            return [Decision.from_row(row._mapping) for row in rows]

    def overrides(self, since: str | None = None, limit: int = 200) -> list[Decision]:
        """The newest decisions that differ from the model's recommendation."""
        query = select(DECISIONS).where(DECISIONS.c.final_decision != DECISIONS.c.recommendation)
        if since is not None:
            query = query.where(DECISIONS.c.created_at >= since)
        with self.database.reading() as connection:
            rows = connection.execute(query.order_by(DECISIONS.c.seq.desc()).limit(limit))
            return [Decision.from_row(row._mapping) for row in rows]

    def count(self) -> int:
        """Number of decisions recorded (revisions included)."""
        with self.database.reading() as connection:
            return int(connection.execute(text("SELECT count(*) FROM decisions")).scalar_one())

    def verify(self) -> list[chain.Problem]:
        """Every break in the chain (empty: intact)."""
        with self.database.reading() as connection:
            head = connection.execute(select(CHAIN_HEAD).where(CHAIN_HEAD.c.id == 1)).first()
            purged = [
                chain.Link(row.seq, row.decision_id, row.row_hash)
                for row in connection.execute(select(PURGED_LINKS))
            ]
            rows = (
                dict(row._mapping)
                for row in connection.execute(select(DECISIONS).order_by(DECISIONS.c.seq))
            )
            return chain.verify(rows, purged, (head.seq, head.row_hash) if head else None)

    def purge(
        self,
        actor: str,
        before: datetime | None = None,
        client_id: int | None = None,
        dry_run: bool = False,
    ) -> int:
        """Remove the decisions made before ``before`` and/or about ``client_id``; their count.

        The first serves the retention period, the second an erasure request. Each removed
        row leaves a purged link (its number, id and hash), and its outcome goes with it, so
        the chain still verifies. Runs in transactions of ``PURGE_BATCH_ROWS`` rows.
        """
        matching = matching_rows(DECISIONS, before, client_id)
        if dry_run:
            with self.database.reading() as connection:
                return len(connection.execute(select(DECISIONS.c.seq).where(matching)).all())
        why = "erasure" if client_id is not None else "retention"
        removed = 0
        for batch in self._batches(matching):
            with self.database.writing() as connection:
                _lock_chain(connection)
                moment = utc_now()
                connection.execute(
                    insert(PURGED_LINKS),
                    [
                        {**link, "purged_at": moment, "purged_by": actor, "why": why}
                        for link in batch
                    ],
                )
                ids = [link["decision_id"] for link in batch]
                connection.execute(delete(OUTCOMES).where(OUTCOMES.c.decision_id.in_(ids)))
                connection.execute(delete(DECISIONS).where(DECISIONS.c.decision_id.in_(ids)))
            removed += len(batch)
        return removed

    def _batches(self, matching: Any) -> Iterator[list[dict[str, Any]]]:
        columns = (DECISIONS.c.seq, DECISIONS.c.decision_id, DECISIONS.c.row_hash)
        query = select(*columns).where(matching).order_by(DECISIONS.c.seq).limit(PURGE_BATCH_ROWS)
        while True:
            with self.database.reading() as connection:
                batch = [dict(row._mapping) for row in connection.execute(query)]
            if not batch:
                return
            yield batch


def _lock_chain(connection: Connection) -> None:
    """SQLite's BEGIN IMMEDIATE already holds the lock; PostgreSQL takes the chain's."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK_KEY})


def _one(connection: Connection, condition: Any) -> Decision | None:
    row = connection.execute(select(DECISIONS).where(condition)).first()
    return Decision.from_row(row._mapping) if row else None


def _check_current(connection: Connection, new: NewDecision) -> None:
    """One current decision per application: a second one must revise it."""
    query = (
        select(DECISIONS.c.decision_id)
        .where(DECISIONS.c.client_id == new.client_id)
        .order_by(DECISIONS.c.seq.desc())
        .limit(1)
    )
    current = connection.execute(query).scalar()
    if new.revises is None and current is not None:
        raise DecisionConflict(already_decided(new.client_id, current))
    if new.revises is not None and new.revises != current:
        now = f"its current decision is {current}" if current else "it has no decision yet"
        raise DecisionConflict(
            f"revises={new.revises!r} is not the current decision of application "
            f"{new.client_id}: {now}"
        )


def already_decided(client_id: int, current: str) -> str:
    """Why a second decision without ``revises`` is refused (409)."""
    return (
        f"application {client_id} already has decision {current}; to change it, send "
        f"revises={current!r} with a reason"
    )


def _link(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"seq": row["seq"], "row_hash": row["row_hash"]}
