"""Drift counts as the records keep them: one row per time window, model and worker process.

A worker writes the whole of its counts for a window each time it flushes (an upsert, so a
repeated flush changes nothing); the counts of a window are the sum over its workers. Counts
only: which bin of each feature and of the score each application fell in, never a value.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Executable, func, select
from sqlalchemy.dialects import postgresql, sqlite

from scoring.records.clock import utc_now
from scoring.records.database import RecordsDatabase
from scoring.records.tables import DRIFT_COUNTS


@dataclass(frozen=True)
class WindowCounts:
    """One window's counts summed over its workers: (columns, bins) and the applications."""

    window_start: str
    applications: int
    counts: np.ndarray


class DriftCounts:
    """The ``drift_counts`` table of a records database."""

    def __init__(self, database: RecordsDatabase) -> None:
        self.database = database

    def save(
        self, window_start: str, model_tag: str, worker: str, applications: int, counts: np.ndarray
    ) -> None:
        """Write one worker's counts of one window, replacing what it wrote before."""
        values = {
            "applications": applications,
            "counts": json.dumps(counts.tolist(), separators=(",", ":")),
            "updated_at": utc_now(),
        }
        key = {"window_start": window_start, "model_tag": model_tag, "worker": worker}
        statement: Executable
        if self.database.dialect == "postgresql":
            upsert = postgresql.insert(DRIFT_COUNTS).values(**key, **values)
            statement = upsert.on_conflict_do_update(index_elements=list(key), set_=values)
        else:
            lite = sqlite.insert(DRIFT_COUNTS).values(**key, **values)
            statement = lite.on_conflict_do_update(index_elements=list(key), set_=values)
        with self.database.writing() as connection:
            connection.execute(statement)

    def windows(
        self, model_tag: str, since: str | None = None, until: str | None = None
    ) -> list[WindowCounts]:
        """Each window of ``model_tag`` starting in [since, until), oldest first."""
        query = select(
            DRIFT_COUNTS.c.window_start, DRIFT_COUNTS.c.applications, DRIFT_COUNTS.c.counts
        ).where(DRIFT_COUNTS.c.model_tag == model_tag)
        if since is not None:
            query = query.where(DRIFT_COUNTS.c.window_start >= since)
        if until is not None:
            query = query.where(DRIFT_COUNTS.c.window_start < until)
        with self.database.reading() as connection:
            rows = connection.execute(query.order_by(DRIFT_COUNTS.c.window_start)).all()
        return list(_summed(rows))

    def models(self) -> list[str]:
        """The models that have counts, the most recently counted first."""
        last = func.max(DRIFT_COUNTS.c.updated_at)
        query = select(DRIFT_COUNTS.c.model_tag).group_by(DRIFT_COUNTS.c.model_tag)
        with self.database.reading() as connection:
            return list(connection.scalars(query.order_by(last.desc())))


def _summed(rows: Sequence[Any]) -> Iterator[WindowCounts]:
    """Rows in window order, one :class:`WindowCounts` per window (its workers summed)."""
    windows: dict[str, tuple[int, np.ndarray]] = {}
    for window_start, applications, counts in rows:
        array = np.asarray(json.loads(counts), dtype=np.int64)
        if window_start in windows:
            known, total = windows[window_start]
            windows[window_start] = (known + applications, total + array)
        else:
            windows[window_start] = (applications, array)
    for window_start, (applications, total) in windows.items():
        yield WindowCounts(window_start, applications, total)
