"""Retention and erasure of inquiries (scoring/records/retention.py): only the rows past the
cut-off, or of one client, go, in batches, and never all of them by default."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from scoring.records import retention
from scoring.records.clock import timestamp
from scoring.records.database import RecordsDatabase
from scoring.records.inquiries import Inquiry, InquiryLog
from scoring.records.retention import purge_inquiries
from tests.support.records import Cluster, inquiry, stored, throwaway_cluster

NOW = datetime(2025, 6, 1, 12, tzinfo=UTC)


def _aged(days: int, client_id: int | None) -> Inquiry:
    created = timestamp(NOW - timedelta(days=days))
    return inquiry(request_id=f"{client_id}-{days}", client_id=client_id, created_at=created)


def _remaining(database: RecordsDatabase, rows: list[Inquiry]) -> list[str]:
    return [found.request_id for found in stored(database, [row.request_id for row in rows])]


@pytest.fixture
def aged(tmp_path: Path) -> tuple[RecordsDatabase, list[Inquiry]]:
    """Two clients' inquiries, 1 to 3,000 days old, plus one without a client."""
    rows = [_aged(days, client) for client in (7, 8) for days in (1, 400, 1825, 1826, 3000)]
    rows.append(_aged(2000, client_id=None))
    database = RecordsDatabase(f"sqlite:///{tmp_path / 'records.sqlite'}")
    InquiryLog(database).record(rows)
    return database, rows


def test_purge_deletes_only_the_inquiries_past_retention(aged) -> None:
    database, rows = aged
    before = NOW - timedelta(days=1825)
    assert purge_inquiries(database, before, dry_run=True) == 5
    assert InquiryLog(database).count() == len(rows), "a dry run deletes nothing"
    assert purge_inquiries(database, before) == 5
    assert _remaining(database, rows) == ["7-1", "7-400", "7-1825", "8-1", "8-400", "8-1825"]
    assert purge_inquiries(database, before) == 0


def test_purge_compares_instants_not_text(aged) -> None:
    """A cut-off in another zone means the same instant; the row at the cut-off stays."""
    database, _ = aged
    paris = timezone(timedelta(hours=2))
    at_the_row = (NOW - timedelta(days=400)).astimezone(paris)
    assert purge_inquiries(database, at_the_row, client_id=7, dry_run=True) == 3
    later = at_the_row + timedelta(microseconds=1)
    assert purge_inquiries(database, later, client_id=7, dry_run=True) == 4
    with pytest.raises(ValueError, match="no time zone"):
        purge_inquiries(database, datetime(2020, 1, 1))


def test_erasure_deletes_every_inquiry_of_one_client(aged) -> None:
    database, rows = aged
    assert purge_inquiries(database, client_id=7, dry_run=True) == 5
    assert purge_inquiries(database, client_id=7) == 5
    assert not any(r.startswith("7-") for r in _remaining(database, rows))
    assert InquiryLog(database).count() == 6
    assert purge_inquiries(database, client_id=123) == 0


def test_purge_never_empties_the_records_by_default(aged) -> None:
    database, rows = aged
    with pytest.raises(ValueError, match="never deletes every row of inquiries"):
        purge_inquiries(database)
    assert InquiryLog(database).count() == len(rows)


def test_purge_deletes_in_batches(aged, monkeypatch: pytest.MonkeyPatch) -> None:
    database, rows = aged
    monkeypatch.setattr(retention, "PURGE_BATCH_ROWS", 2)
    assert purge_inquiries(database, NOW) == len(rows)
    assert InquiryLog(database).count() == 0


@pytest.fixture(scope="module")
def postgres() -> Iterator[Cluster]:
    with throwaway_cluster() as cluster:
        yield cluster


def test_purge_on_postgresql(postgres: Cluster, monkeypatch: pytest.MonkeyPatch) -> None:
    database = RecordsDatabase(postgres.new_database("retention"))
    rows = [_aged(days, client) for client in (7, 8) for days in (1, 1826, 3000)]
    InquiryLog(database).record(rows)
    monkeypatch.setattr(retention, "PURGE_BATCH_ROWS", 3)
    before = NOW - timedelta(days=1825)
    assert purge_inquiries(database, before, dry_run=True) == 4
    assert purge_inquiries(database, before, client_id=8) == 2
    assert purge_inquiries(database, before) == 2
    assert purge_inquiries(database, client_id=7) == 1
    assert _remaining(database, rows) == ["8-1"]
