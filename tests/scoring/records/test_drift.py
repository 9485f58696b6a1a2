"""Drift counts in the records: a worker's flush replaces its own row, a window sums its
workers, and only counts are kept, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from scoring.records.database import RecordsDatabase
from scoring.records.drift import DriftCounts
from tests.support.records import Cluster, throwaway_cluster

DAY_1, DAY_2 = "2026-12-01T00:00:00.000000+00:00", "2026-12-02T00:00:00.000000+00:00"


def _exercise(store: DriftCounts) -> None:
    counts = np.arange(6).reshape(2, 3)
    store.save(DAY_1, "m:1", "worker-a", 3, counts)
    store.save(DAY_1, "m:1", "worker-a", 5, counts * 2)  # the same worker, later: replaced
    store.save(DAY_1, "m:1", "worker-b", 1, counts)
    store.save(DAY_2, "m:1", "worker-a", 2, counts)
    store.save(DAY_2, "m:2", "worker-c", 7, counts)
    first, second = store.windows("m:1")
    assert (first.window_start, first.applications) == (DAY_1, 6)
    np.testing.assert_array_equal(first.counts, counts * 3)
    assert (second.window_start, second.applications) == (DAY_2, 2)
    assert [w.window_start for w in store.windows("m:1", since=DAY_2)] == [DAY_2]
    assert [w.window_start for w in store.windows("m:1", until=DAY_2)] == [DAY_1]
    assert store.windows("m:unknown") == []
    assert store.models() == ["m:2", "m:1"]


def test_counts_on_sqlite(tmp_path: Path) -> None:
    _exercise(DriftCounts(RecordsDatabase(f"sqlite:///{tmp_path / 'records.sqlite'}")))


@pytest.fixture(scope="module")
def postgres() -> Iterator[Cluster]:
    with throwaway_cluster() as cluster:
        yield cluster


@pytest.mark.slow
def test_counts_on_postgresql(postgres: Cluster) -> None:
    _exercise(DriftCounts(RecordsDatabase(postgres.new_database("drift"))))
