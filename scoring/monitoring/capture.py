"""Counting live applications into the reference bins, per time window, in each worker.

Only real applications count (purpose ``application``): a what-if is hypothetical and a
view re-reads a known client, and either would bias the population the monitor compares. An
application sent twice (scored, then explained: the same input digest) counts once, as long
as its digest is among the worker's last :data:`RECENT` (kept in memory only, never written).

Counts accumulate in memory and are written every ``flush_seconds`` by a daemon thread, and
when the process exits normally. What a worker killed outright loses is bounded: the
applications it counted since its last flush, at most ``flush_seconds`` of traffic (60 s by
default, ``CREDIT_MONITOR_FLUSH_SECONDS``). A failed write keeps the counts for the next one.
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import numpy as np

from scoring.monitoring.bins import Bins
from scoring.monitoring.stability import Stability, stability
from scoring.records.clock import new_id, timestamp
from scoring.records.database import RecordsUnavailable
from scoring.records.drift import DriftCounts

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
RECENT = 50_000  # input digests a worker remembers, to count a repeated application once


def window_start(moment: datetime, window_seconds: int) -> str:
    """The start of the window holding ``moment`` (windows are aligned on the UTC epoch, so a
    day's window starts at midnight UTC)."""
    seconds = int(moment.timestamp()) // window_seconds * window_seconds
    return timestamp(datetime.fromtimestamp(seconds, UTC))


class Capture:
    """One worker's counts of one model, flushed to ``store``."""

    def __init__(
        self,
        bins: Bins,
        model_tag: str,
        store: DriftCounts,
        window_seconds: int = 86_400,
        flush_seconds: float = 60.0,
        clock: Clock = lambda: datetime.now(UTC),
        on_flush: Callable[[Capture], None] | None = None,
    ) -> None:
        self.bins = bins
        self.model_tag = model_tag
        self.store = store
        self.window_seconds = window_seconds
        self.flush_seconds = flush_seconds
        self.clock = clock
        self.on_flush = on_flush  # e.g. publish the window's PSI as metrics
        self.worker = new_id()  # this process's run: its rows never collide with another's
        self._lock = threading.Lock()
        self._counts: dict[str, np.ndarray] = {}  # window start -> (columns, bins)
        self._applications: dict[str, int] = {}
        self._dirty: set[str] = set()
        self._recent: OrderedDict[str, None] = OrderedDict()
        self._timer: threading.Thread | None = None
        self._stopped = threading.Event()

    def add(
        self, features: np.ndarray, scores: np.ndarray, inputs: Sequence[str] | None = None
    ) -> None:
        """Count applications: their ``features`` (rows, features) and ``scores`` (rows,);
        ``inputs``, their digests, leave out the ones counted recently."""
        features, scores = np.atleast_2d(features), np.asarray(scores)
        if inputs is not None:
            with self._lock:
                fresh = [self._first_time(digest) for digest in inputs]
            if not all(fresh):
                features, scores = features[fresh], scores[fresh]
            if len(scores) == 0:
                return
        counts = self.bins.count(features, scores)
        window = window_start(self.clock(), self.window_seconds)
        with self._lock:
            if window in self._counts:
                self._counts[window] += counts
            else:
                self._counts[window] = counts
            self._applications[window] = self._applications.get(window, 0) + len(scores)
            self._dirty.add(window)
        if self._timer is None:
            self._start()

    def flush(self) -> None:
        """Write the counts of every window changed since the last flush; a window that has
        ended and is written is then forgotten."""
        with self._lock:
            pending = {w: (self._applications[w], self._counts[w].copy()) for w in self._dirty}
            self._dirty.clear()
        current = window_start(self.clock(), self.window_seconds)
        for window, (applications, counts) in sorted(pending.items()):
            try:
                self.store.save(window, self.model_tag, self.worker, applications, counts)
            except RecordsUnavailable as error:
                logger.warning("drift counts kept for the next flush: %s", error)
                with self._lock:
                    self._dirty.add(window)
                continue
            if window < current:
                with self._lock:
                    if window not in self._dirty:
                        self._counts.pop(window, None)
                        self._applications.pop(window, None)
        if pending and self.on_flush is not None:
            self.on_flush(self)

    def current_stability(self) -> list[Stability]:
        """Every column's stability in the current window, all workers' written counts summed
        (what the metrics publish)."""
        window = window_start(self.clock(), self.window_seconds)
        counts = self.store.windows(self.model_tag, since=window)
        total = counts[0].counts if counts else np.zeros(self.bins.reference.shape, np.int64)
        return stability(self.bins, total)

    def _first_time(self, digest: str) -> bool:
        """Whether ``digest`` is new among the recent ones; remember it (lock held)."""
        if digest in self._recent:
            self._recent.move_to_end(digest)
            return False
        self._recent[digest] = None
        if len(self._recent) > RECENT:
            self._recent.popitem(last=False)
        return True

    def stop(self) -> None:
        """Stop the flushing thread and write what is left."""
        self._stopped.set()
        self.flush()

    def _start(self) -> None:
        with self._lock:
            if self._timer is not None:
                return
            self._timer = threading.Thread(target=self._run, name="drift-flush", daemon=True)
        self._timer.start()
        atexit.register(self.stop)

    def _run(self) -> None:
        while not self._stopped.wait(self.flush_seconds):
            self.flush()
