"""Retention and erasure of inquiries: delete the scoring calls past the retention period, or
those about one client.

Inquiries are not chained (a score is not a decision), so they are simply deleted; decisions
are purged by :meth:`scoring.records.decisions.DecisionBook.purge`, which leaves purged links.
Deletion runs in transactions of ``PURGE_BATCH_ROWS`` rows, a few tens of milliseconds of
write lock each, so a running service keeps recording while years of rows go.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Table, and_, delete, func, select

from scoring.records.clock import timestamp
from scoring.records.database import RecordsDatabase
from scoring.records.tables import INQUIRIES

PURGE_BATCH_ROWS = 5_000


def purge_inquiries(
    database: RecordsDatabase,
    before: datetime | None = None,
    client_id: int | None = None,
    dry_run: bool = False,
) -> int:
    """Delete the inquiries made before ``before`` and/or about ``client_id``; their count.

    Given both, only the client's older inquiries go. ``dry_run`` counts without deleting.
    """
    matching = matching_rows(INQUIRIES, before, client_id)
    if dry_run:
        query = select(func.count()).select_from(INQUIRIES).where(matching)
        with database.reading() as connection:
            return int(connection.execute(query).scalar_one())
    batch = select(INQUIRIES.c.request_id).where(matching).limit(PURGE_BATCH_ROWS)
    statement = delete(INQUIRIES).where(INQUIRIES.c.request_id.in_(batch))
    deleted = 0
    while True:
        with database.writing() as connection:
            removed = connection.execute(statement).rowcount
        deleted += removed
        if removed < PURGE_BATCH_ROWS:
            return deleted


def matching_rows(
    table: Table, before: datetime | None, client_id: int | None
) -> ColumnElement[bool]:
    """The rows of ``table`` made before ``before`` and/or about ``client_id``; neither given
    is an error, so a purge never empties a table by mistake."""
    if before is None and client_id is None:
        raise ValueError(
            f"purge needs `before` or `client_id`: it never deletes every row of {table.name}"
        )
    conditions = []
    if before is not None:
        conditions.append(table.c.created_at < timestamp(before))
    if client_id is not None:
        conditions.append(table.c.client_id == client_id)
    return and_(*conditions)
