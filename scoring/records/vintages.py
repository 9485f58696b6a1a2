"""The current decisions of a period with their repayment outcomes: what the monitor needs to
follow the model's performance by vintage. A revised decision is replaced by its revision."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import aliased

from scoring.records.database import RecordsDatabase
from scoring.records.tables import DECISIONS, OUTCOMES


@dataclass(frozen=True)
class DecidedApplication:
    """One current decision: when, the model's probability and recommendation, the final
    decision, and the outcome once known (repaid or defaulted; None before)."""

    decided_at: str
    model_tag: str
    probability: float
    recommendation: str
    final_decision: str
    outcome: str | None


def decided_applications(
    database: RecordsDatabase, since: str | None = None, until: str | None = None
) -> list[DecidedApplication]:
    """Current decisions made in [since, until), oldest first."""
    revision = aliased(DECISIONS)
    query = (
        select(
            DECISIONS.c.created_at,
            DECISIONS.c.model_tag,
            DECISIONS.c.probability,
            DECISIONS.c.recommendation,
            DECISIONS.c.final_decision,
            OUTCOMES.c.outcome,
        )
        .select_from(
            DECISIONS.outerjoin(OUTCOMES, OUTCOMES.c.decision_id == DECISIONS.c.decision_id)
        )
        .where(~exists().where(revision.c.revises == DECISIONS.c.decision_id))
        .order_by(DECISIONS.c.created_at)
    )
    bounds = []
    if since is not None:
        bounds.append(DECISIONS.c.created_at >= since)
    if until is not None:
        bounds.append(DECISIONS.c.created_at < until)
    if bounds:
        query = query.where(and_(*bounds))
    with database.reading() as connection:
        return [DecidedApplication(*row) for row in connection.execute(query)]
