"""A small table kept in memory by each process and re-read at most every few seconds.

The service checks an API key, and the dashboard user a key acts for, on every request.
Reading the table each time would add a database round trip to every request; never
re-reading it would let a key revoked from the command line work until a restart. So each
process keeps a copy younger than ``max_age`` seconds: a change committed to the table is
seen by every process within ``max_age`` seconds of its commit. A copy is dated from the
moment its read *started*, so a slow read cannot stretch that bound.

Thread-safe: one thread re-reads while the others wait for the new copy, and a copy is
replaced in one assignment. Fork-safe: a process forked while a thread held the lock (BentoML
forks its workers) gets a new lock in the child, and each process reads through its own
engine (:class:`scoring.records.database.RecordsDatabase`).
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")

_snapshots: weakref.WeakSet[Snapshot[Any]] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for snapshot in list(_snapshots):
        snapshot._lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork_in_child)


class Snapshot(Generic[T]):
    """The result of ``load()``, re-read when older than ``max_age`` seconds."""

    def __init__(
        self,
        load: Callable[[], T],
        max_age: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.load = load
        self.max_age = max_age
        self.clock = clock
        self._lock = threading.Lock()
        self._copy: tuple[float, T] | None = None  # (when its read started, value)
        _snapshots.add(self)

    def fresh(self) -> T | None:
        """The copy when it is younger than ``max_age``, else None: then call :meth:`get`,
        which reads the database (off the event loop). Costs well under a microsecond."""
        copy = self._copy
        if copy is not None and self.clock() - copy[0] < self.max_age:
            return copy[1]
        return None

    def get(self) -> T:
        """The copy, re-read first when it is too old (blocks; database errors propagate and
        leave no copy behind, so the next call reads again)."""
        return self._read(force=False)

    def refresh(self) -> T:
        """A new copy, read now whatever the age of the current one (blocks)."""
        return self._read(force=True)

    def _read(self, force: bool) -> T:
        with self._lock:
            copy = self._copy
            if not force and copy is not None and self.clock() - copy[0] < self.max_age:
                return copy[1]
            started = self.clock()
            try:
                value = self.load()
            except BaseException:
                self._copy = None  # fail closed: never serve a copy older than the bound
                raise
            self._copy = (started, value)
            return value
