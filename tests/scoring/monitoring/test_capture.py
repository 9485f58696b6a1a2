"""Capture: applications counted per window, written by flushes that replace the worker's row,
kept when a write fails, and what a killed worker loses bounded by the flush interval."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from scoring.monitoring.bins import Bins, reference_bins
from scoring.monitoring.capture import Capture, window_start
from scoring.records.database import RecordsDatabase, RecordsUnavailable
from scoring.records.drift import DriftCounts

NOON = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _bins() -> Bins:
    rng = np.random.default_rng(1)
    return reference_bins(rng.normal(size=(2_000, 3)), ["a", "b", "c"], rng.random(2_000))


def _store(tmp_path: Path) -> DriftCounts:
    return DriftCounts(RecordsDatabase(f"sqlite:///{tmp_path / 'records.sqlite'}"))


def test_windows_are_aligned_on_utc_days_and_hours() -> None:
    assert window_start(NOON, 86_400) == "2026-12-01T00:00:00.000000+00:00"
    assert window_start(NOON + timedelta(minutes=59), 3_600) == "2026-12-01T12:00:00.000000+00:00"


def test_a_flush_writes_each_window_and_later_flushes_replace_it(tmp_path: Path) -> None:
    clock, store = Clock(NOON), _store(tmp_path)
    capture = Capture(_bins(), "m:1", store, clock=clock, flush_seconds=3_600)
    rows = np.random.default_rng(2).normal(size=(10, 3))
    capture.add(rows[:4], np.full(4, 0.1))
    capture.flush()
    capture.add(rows[4:], np.full(6, 0.1))
    capture.flush()
    clock.now += timedelta(days=1)
    capture.add(rows[:1], np.full(1, 0.9))
    capture.stop()
    first, second = store.windows("m:1")
    assert (first.applications, second.applications) == (10, 1)
    np.testing.assert_array_equal(first.counts, capture.bins.count(rows, np.full(10, 0.1)))
    assert first.counts.sum(axis=1).tolist() == [10] * 4


def test_an_ended_window_is_forgotten_once_written(tmp_path: Path) -> None:
    clock = Clock(NOON)
    capture = Capture(_bins(), "m:1", _store(tmp_path), clock=clock, flush_seconds=3_600)
    capture.add(np.zeros((1, 3)), [0.5])
    clock.now += timedelta(days=1)
    capture.flush()
    capture.add(np.zeros((1, 3)), [0.5])
    capture.stop()
    assert [w.applications for w in capture.store.windows("m:1")] == [1, 1]


class Failing(DriftCounts):
    """A store whose database is down until told otherwise."""

    down = True

    def save(self, *args: object) -> None:
        if self.down:
            raise RecordsUnavailable("records database unavailable (test)")
        super().save(*args)  # type: ignore[arg-type]


def test_a_failed_write_keeps_the_counts_for_the_next_flush(tmp_path: Path) -> None:
    store = Failing(RecordsDatabase(f"sqlite:///{tmp_path / 'records.sqlite'}"))
    capture = Capture(_bins(), "m:1", store, clock=Clock(NOON), flush_seconds=3_600)
    capture.add(np.zeros((3, 3)), np.zeros(3))
    capture.flush()  # logged, not raised: scoring goes on
    store.down = False
    capture.stop()
    assert [w.applications for w in store.windows("m:1")] == [3]


def _count_then_die(url: str, flush_seconds: float, before: int, after: int) -> None:
    capture = Capture(
        _bins(), "m:1", DriftCounts(RecordsDatabase(url)), flush_seconds=flush_seconds
    )
    capture.add(np.zeros((before, 3)), np.zeros(before))
    time.sleep(flush_seconds * 3)  # the flushing thread writes these
    capture.add(np.zeros((after, 3)), np.zeros(after))
    os.kill(os.getpid(), signal.SIGKILL)  # no atexit, no last flush


@pytest.mark.slow
def test_a_killed_worker_loses_only_what_it_counted_since_its_last_flush(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'records.sqlite'}"
    worker = multiprocessing.get_context("spawn").Process(
        target=_count_then_die, args=(url, 0.5, 7, 5)
    )
    worker.start()
    worker.join(timeout=60)
    assert worker.exitcode == -signal.SIGKILL
    assert [w.applications for w in DriftCounts(RecordsDatabase(url)).windows("m:1")] == [7]


def test_an_application_sent_twice_counts_once(tmp_path: Path) -> None:
    capture = Capture(_bins(), "m:1", _store(tmp_path), clock=Clock(NOON), flush_seconds=3_600)
    rows = np.random.default_rng(3).normal(size=(3, 3))
    capture.add(rows, np.full(3, 0.1), ["a", "b", "c"])
    capture.add(rows[:2], np.full(2, 0.1), ["a", "b"])  # explained after being scored
    capture.add(rows[:2], np.full(2, 0.1), ["d", "d"])  # the same input twice in one batch
    capture.stop()
    (window,) = capture.store.windows("m:1")
    assert window.applications == 4
    assert window.counts.sum(axis=1).tolist() == [4] * 4


def test_only_the_latest_inputs_are_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("scoring.monitoring.capture.RECENT", 2)
    capture = Capture(_bins(), "m:1", _store(tmp_path), clock=Clock(NOON), flush_seconds=3_600)
    for digest in ("a", "b", "c", "a"):  # "a" was forgotten when "c" came
        capture.add(np.zeros((1, 3)), [0.1], [digest])
    capture.stop()
    assert capture.store.windows("m:1")[0].applications == 4
