"""Scoring calls, recorded as inquiries: who asked, when, why, on which model, with what result.

A score is not a decision (EU AI Act Art. 12 logging without confusing the two): an advisor
opening a file, a what-if or a batch of simulations leaves inquiries, never a decision. Each
row keeps the SHA-256 of the validated input, never the input, so a reviewer can check a
claimed input against the record without it being stored. The call answers only once its row
is committed (fail closed).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from scoring.policy import REVIEW
from scoring.records.clock import utc_now
from scoring.records.database import ColumnRows, RecordsDatabase, Rows
from scoring.records.shadow import ShadowScore
from scoring.records.tables import DECISIONS, INQUIRIES, SHADOW_SCORES


@dataclass(frozen=True)
class Inquiry:
    """One scoring call as the records keep it; ``reasons`` are reason codes, when given."""

    request_id: str
    endpoint: str
    purpose: str
    actor: str
    model_tag: str
    threshold: float
    input_hash: str
    probability: float
    recommendation: str
    client_id: int | None = None
    reasons: list[str] | None = None
    language: str = "en"
    created_at: str = field(default_factory=utc_now)

    def to_row(self) -> dict[str, Any]:
        # Not dataclasses.asdict: its recursive deep copy cost 60 µs a row, 0.6 s a batch.
        row = {name: getattr(self, name) for name in _FIELDS}
        if self.reasons is not None:
            row["reasons"] = json.dumps(self.reasons)
        return row


_FIELDS = tuple(Inquiry.__dataclass_fields__)


@dataclass(frozen=True)
class InquiryBatch:
    """The inquiries of one batch call (/predict_batch, /score_file), one per application:
    what they share once, what differs as one list per field.

    Rows are built column-wise: ten thousand :class:`Inquiry` objects and their rows cost
    35 ms of a batch.
    """

    endpoint: str
    purpose: str
    actor: str
    model_tag: str
    threshold: float
    language: str
    created_at: str
    request_ids: Sequence[str]
    input_hashes: Sequence[str]
    client_ids: Sequence[int | None]
    probabilities: Sequence[float]
    recommendations: Sequence[str]
    reasons: Sequence[list[str] | None] | None = None  # reason codes given, per application

    def rows(self) -> ColumnRows:
        """The table rows, column-wise, in the order of the batch."""
        n = len(self.request_ids)
        shared = {
            "endpoint": self.endpoint,
            "purpose": self.purpose,
            "actor": self.actor,
            "model_tag": self.model_tag,
            "threshold": self.threshold,
            "language": self.language,
            "created_at": self.created_at,
        }
        reasons = (
            [None if codes is None else json.dumps(codes) for codes in self.reasons]
            if self.reasons is not None
            else [None] * n
        )
        return ColumnRows(
            {
                **{name: [value] * n for name, value in shared.items()},
                "request_id": self.request_ids,
                "input_hash": self.input_hashes,
                "client_id": self.client_ids,
                "probability": self.probabilities,
                "recommendation": self.recommendations,
                "reasons": reasons,
            }
        )

    def __len__(self) -> int:
        return len(self.request_ids)

    def inquiry(self, index: int) -> Inquiry:
        """The ``index``-th inquiry, as one :class:`Inquiry`."""
        return Inquiry(
            request_id=self.request_ids[index],
            endpoint=self.endpoint,
            purpose=self.purpose,
            actor=self.actor,
            model_tag=self.model_tag,
            threshold=self.threshold,
            input_hash=self.input_hashes[index],
            probability=self.probabilities[index],
            recommendation=self.recommendations[index],
            client_id=self.client_ids[index],
            reasons=None if self.reasons is None else self.reasons[index],
            language=self.language,
            created_at=self.created_at,
        )


def digest(canonical: bytes) -> str:
    """SHA-256 hex of an input already in canonical form.

    The service passes pydantic's JSON of the validated request (fields in schema order,
    unknown values left out), which is canonical and ten times cheaper to produce than
    re-sorting a dict: it matters for 10,000-row batches.
    """
    return hashlib.sha256(canonical).hexdigest()


class InquiryLog:
    """The ``inquiries`` table."""

    def __init__(self, database: RecordsDatabase) -> None:
        self.database = database

    def record(
        self, inquiries: Sequence[Inquiry] | InquiryBatch, shadows: Sequence[ShadowScore] = ()
    ) -> None:
        """Insert ``inquiries``, and the ``shadows`` scores of the same calls, in one
        transaction committed on return (all or none)."""
        if not len(inquiries):
            return
        rows: Rows = (
            inquiries.rows()
            if isinstance(inquiries, InquiryBatch)
            else [inquiry.to_row() for inquiry in inquiries]
        )
        if not shadows:
            self.database.append(INQUIRIES, rows)
            return
        self.database.append_together(
            [(INQUIRIES, rows), (SHADOW_SCORES, [shadow.to_row() for shadow in shadows])]
        )

    def count(self, purpose: str | None = None) -> int:
        """Number of inquiries recorded (of one purpose)."""
        query = select(func.count()).select_from(INQUIRIES)
        if purpose is not None:
            query = query.where(INQUIRIES.c.purpose == purpose)
        with self.database.reading() as connection:
            return int(connection.execute(query).scalar_one())

    def pending_reviews(self, limit: int) -> list[dict[str, Any]]:
        """The latest application scored in the review band for each client that has no
        decision yet, newest first: the supervisor's queue."""
        decided = select(DECISIONS.c.client_id)
        query = (
            select(INQUIRIES)
            .where(
                INQUIRIES.c.purpose == "application",
                INQUIRIES.c.recommendation == REVIEW,
                INQUIRIES.c.client_id.is_not(None),
                INQUIRIES.c.client_id.not_in(decided),
            )
            .order_by(INQUIRIES.c.created_at.desc())
        )
        pending: dict[int, dict[str, Any]] = {}
        with self.database.reading() as connection:
            for row in connection.execute(query):
                pending.setdefault(row.client_id, dict(row._mapping))
                if len(pending) == limit:
                    break
        return list(pending.values())
