"""Decisions under load, on SQLite and on PostgreSQL: the quick version of
``benchmarks/decisions_load.py`` against the test model.

A real `bentoml serve` with 2 workers is loaded for 10 s by 8 locust users scoring and
deciding (fresh clients, unique idempotency keys, deliberate retries and revisions); then
every acknowledged decision must be recorded exactly once under the id its answers gave,
none may be recorded for a call never acknowledged, and the hash chain must verify
(:mod:`benchmarks.decision_checks`, whose own tests plant each fault).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.decisions_load import QUICK, run_on
from benchmarks.loadgen.payloads import application_bodies
from tests.support.records import throwaway_cluster

pytestmark = pytest.mark.slow


@contextmanager
def records_database(kind: str, directory: Path) -> Iterator[str]:
    """A new, empty records database; PostgreSQL is skipped where it is not installed."""
    if kind == "sqlite":
        yield f"sqlite:///{directory / 'records.sqlite'}"
        return
    with throwaway_cluster() as cluster:
        yield cluster.new_database("decisions_load")


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_decisions_under_load_are_recorded_once_each_and_the_chain_holds(
    kind: str, service_env: dict[str, str], model_dataset: dict[str, pd.DataFrame],
    tmp_path: Path,
) -> None:  # fmt: skip
    bodies = application_bodies(model_dataset["application_test"], 300)
    with records_database(kind, tmp_path) as url:
        result = run_on(service_env, url, bodies, QUICK)

    decisions, checks = result["decisions"], result["checks"]
    failed = {name: c for name, c in checks.items() if not c["passed"]}
    assert not failed, failed
    assert result["errors"] == {}, result["errors"]
    assert decisions["first_calls"] > 0 and decisions["revisions"] > 0
    # With no error, every retry is a deliberate one: each returned the decision it repeated.
    assert decisions["replayed_answers"] == decisions["retries"] > 0
    assert result["records"] == decisions["keys_acknowledged"]
    assert set(result["endpoints"]) >= {"predict", "explain", "decisions"}
