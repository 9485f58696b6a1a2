"""Shadow scores: written with their inquiries in one transaction (all or none), and summed
into the agreement the monitor reports: flips each way and the rank correlation, on SQLite
and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from scipy.stats import spearmanr

from scoring.records.database import RecordsDatabase, RecordsUnavailable
from scoring.records.inquiries import Inquiry, InquiryLog
from scoring.records.shadow import ShadowScore, agreement
from tests.support.records import Cluster, throwaway_cluster

DAY_1, DAY_2 = "2026-12-01T10:00:00.000000+00:00", "2026-12-02T10:00:00.000000+00:00"
# (champion p, challenger p): thresholds 0.10 and 0.12.
PAIRS = [(0.02, 0.03), (0.05, 0.04), (0.09, 0.13), (0.11, 0.08), (0.30, 0.40), (0.15, 0.11)]


def _inquiry(request_id: str, probability: float, when: str) -> Inquiry:
    return Inquiry(request_id=request_id, endpoint="predict", purpose="application",
                   actor="key:test", model_tag="m:champion", threshold=0.10, input_hash="0" * 64,
                   probability=probability, recommendation="granted", created_at=when)  # fmt: skip


def _shadow(inquiry: Inquiry, probability: float) -> ShadowScore:
    return ShadowScore(inquiry.request_id, inquiry.model_tag, inquiry.probability,
                       inquiry.threshold, "m:challenger", probability, 0.12,
                       inquiry.created_at)  # fmt: skip


def _exercise(database: RecordsDatabase) -> None:
    log = InquiryLog(database)
    for i, (old, new) in enumerate(PAIRS):
        inquiry = _inquiry(f"r{i}", old, DAY_1)
        log.record([inquiry], [_shadow(inquiry, new)])
    later = _inquiry("r-later", 0.5, DAY_2)
    log.record([later], [_shadow(later, 0.01)])
    [day_one] = agreement(database, "m:champion", None, DAY_2)
    assert day_one["applications"] == len(PAIRS)
    # refused by the champion (>= 0.10): r3, r4, r5; by the challenger (>= 0.12): r2, r4.
    assert (day_one["granted_to_refused"], day_one["refused_to_granted"]) == (1, 2)
    assert day_one["decision_flips"] == 3 and day_one["flip_share"] == 0.5
    expected = spearmanr(*zip(*PAIRS, strict=True)).statistic
    assert day_one["rank_correlation"] == pytest.approx(expected)
    [everything] = agreement(database, "m:champion", None, None)
    assert everything["applications"] == len(PAIRS) + 1
    assert agreement(database, "m:other", None, None) == []


def test_agreement_on_sqlite(tmp_path: Path) -> None:
    _exercise(RecordsDatabase(f"sqlite:///{tmp_path / 'records.sqlite'}"))


def test_an_inquiry_and_its_shadow_are_recorded_together_or_not_at_all(tmp_path: Path) -> None:
    database = RecordsDatabase(f"sqlite:///{tmp_path / 'records.sqlite'}")
    log = InquiryLog(database)
    first = _inquiry("r1", 0.2, DAY_1)
    log.record([first], [_shadow(first, 0.1)])
    again = _inquiry("r2", 0.2, DAY_1)
    with pytest.raises(RecordsUnavailable):  # its shadow row repeats r1's key
        log.record([again], [_shadow(again, 0.1), _shadow(first, 0.1)])
    assert log.count() == 1, "the inquiry of the failed transaction is not kept"
    assert agreement(database, "m:champion", None, None)[0]["applications"] == 1


@pytest.fixture(scope="module")
def postgres() -> Iterator[Cluster]:
    with throwaway_cluster() as cluster:
        yield cluster


@pytest.mark.slow
def test_agreement_on_postgresql(postgres: Cluster) -> None:
    _exercise(RecordsDatabase(postgres.new_database("shadow")))
