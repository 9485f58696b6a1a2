"""A batch's inquiries recorded column-wise (scoring/records/inquiries.py, InquiryBatch): the
same rows as one Inquiry per application, in one transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scoring.records.clock import new_ids, utc_now
from scoring.records.database import RecordsDatabase
from scoring.records.inquiries import InquiryBatch, InquiryLog
from tests.support.records import stored, throwaway_cluster


def _batch(reasons: bool) -> InquiryBatch:
    ids = new_ids(4)
    return InquiryBatch(
        endpoint="score_file",
        purpose="what-if",
        actor="user:advisor via key:abc",
        model_tag="credit_scoring:abc123",
        threshold=0.073,
        language="fr",
        created_at=utc_now(),
        request_ids=ids,
        input_hashes=["a" * 64, "b" * 64, "c" * 64, "d" * 64],
        client_ids=[100002, None, 7, 2**62],
        probabilities=[0.01, 0.5, 0.0731, 0.99],
        recommendations=["granted", "refused", "review", "refused"],
        reasons=[["external_scores.lowers"], [], None, ["age.raises", "income.raises"]]
        if reasons
        else None,
    )


def _round_trip(database: RecordsDatabase, reasons: bool) -> None:
    batch = _batch(reasons)
    log = InquiryLog(database)
    log.record(batch)
    expected = [batch.inquiry(i) for i in range(len(batch))]
    assert stored(database, list(batch.request_ids)) == expected
    assert log.count(purpose="what-if") == len(batch)


@pytest.mark.parametrize("reasons", [False, True])
def test_a_batch_is_recorded_as_its_inquiries_one_by_one(tmp_path: Path, reasons: bool) -> None:
    _round_trip(RecordsDatabase(f"sqlite:///{tmp_path / 'records.sqlite'}"), reasons)


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    with throwaway_cluster() as cluster:
        yield cluster.new_database("inquiry_batches")


def test_a_batch_is_recorded_alike_on_postgresql(postgres_url: str) -> None:
    _round_trip(RecordsDatabase(postgres_url), reasons=True)


def test_ids_of_a_batch_are_distinct_and_in_order() -> None:
    ids = new_ids(10_000)
    assert len(set(ids)) == len(ids) and ids == sorted(ids)
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids[:100])
    assert new_ids(0) == []
