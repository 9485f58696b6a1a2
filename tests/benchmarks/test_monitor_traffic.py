"""The monitor benchmarks' synthetic traffic: every request lands in one day and worker, the
shift rises from none to all, each batch is drawn from the right populations, and the
decisions written are rows the records accept and the monitor reads."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from benchmarks.monitor_traffic import (
    BATCH,
    Pool,
    day_plan,
    decision_rows,
    draws,
    first_day,
    record_decisions,
    shifted_share,
)
from scoring.records.database import RecordsDatabase
from scoring.records.vintages import decided_applications


@pytest.mark.parametrize(
    ("requests", "days", "workers"), [(0, 3, 2), (7, 3, 2), (1_000_001, 30, 2)]
)
def test_the_plan_spreads_every_request_evenly(requests: int, days: int, workers: int) -> None:
    plan = day_plan(requests, days, workers)
    assert plan.shape == (days, workers)
    assert plan.sum() == requests
    assert plan.max() - plan.min() <= 1


def test_a_plan_needs_a_day_and_a_worker() -> None:
    with pytest.raises(ValueError, match="days >= 1"):
        day_plan(10, 0, 2)


def test_the_shift_rises_from_none_on_the_first_day_to_all_on_the_last() -> None:
    shares = [shifted_share(day, 5) for day in range(5)]
    assert shares == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert shifted_share(0, 1) == 0.0


def test_the_days_end_yesterday() -> None:
    assert first_day(30, date(2026, 3, 31)) == date(2026, 3, 1)


def _pools() -> tuple[Pool, Pool]:
    """A base population of zeros and a shifted one of ones, easy to tell apart."""
    base = Pool(np.zeros((50, 3)), np.full(50, 0.01))
    shifted = Pool(np.ones((40, 3)), np.full(40, 0.9))
    return base, shifted


def test_draws_cover_the_plan_in_batches_from_the_right_population() -> None:
    plan = day_plan(2 * BATCH + 30, 3, 2)
    seen = np.zeros_like(plan)
    for day, worker, features, scores in draws(plan, *_pools(), seed=0):
        assert features.shape == (len(scores), 3) and len(scores) <= BATCH
        seen[day, worker] += len(scores)
        shifted = features[:, 0] == 1.0
        assert np.array_equal(scores[shifted], np.full(shifted.sum(), 0.9))
        if day == 0:
            assert not shifted.any()
        if day == 2:
            assert shifted.all()
    assert np.array_equal(seen, plan)


def test_decisions_follow_the_model_and_are_read_back_by_the_monitor(tmp_path) -> None:
    plan = day_plan(12, 3, 2)
    start = date(2026, 1, 1)
    chunks = list(decision_rows(plan, _pools(), start, "credit_scoring:abc", 0.5, seed=1))
    rows = [row for chunk in chunks for row in chunk]
    assert len(rows) == 12 and len({r["decision_id"] for r in rows}) == 12
    assert {r["final_decision"] for r in rows if r["probability"] < 0.5} <= {"granted"}
    database = RecordsDatabase(f"sqlite:///{tmp_path / 'records.sqlite'}")
    assert record_decisions(database, iter(chunks)) == 12
    read = decided_applications(database)
    assert len(read) == 12
    assert read[0].decided_at.startswith("2026-01-01") and read[-1].decided_at.startswith(
        "2026-01-03"
    )
    database.engine().dispose()
