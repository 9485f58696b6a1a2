"""Scores counted into the service's Prometheus metrics, a batch at a time.

``Histogram.observe`` takes one value; 10,000 observations (one /predict_batch) cost 40 ms
in BentoML's multiprocess mode, where each one writes to a shared memory-mapped file.
:func:`observe_many` adds a batch as one increment per bucket and one to the sum, which is
what as many observations add (``tests/scoring/serving/test_metrics.py`` compares them).
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from prometheus_client import Counter, Histogram


def count_scores(
    recommendations_total: Counter,
    scores: Histogram,
    endpoint: str,
    recommendations: Iterable[str],
    probabilities: Sequence[float] | np.ndarray,
    purpose: str | None,
) -> None:
    """Recommendations returned by ``endpoint``, and the probabilities of real applications
    (purpose ``application``: what-ifs and views left out) in the score histogram."""
    for recommendation, count in Tally(recommendations).items():
        recommendations_total.labels(endpoint=endpoint, recommendation=recommendation).inc(count)
    if purpose == "application":
        observe_many(scores, probabilities)


def observe_many(histogram: Histogram, values: Sequence[float] | np.ndarray) -> None:
    """``histogram.observe`` of each of ``values``, in one increment per bucket."""
    amounts = np.asarray(values, dtype=np.float64)
    buckets: Any = getattr(histogram, "_buckets", None)
    bounds: Any = getattr(histogram, "_upper_bounds", None)
    total: Any = getattr(histogram, "_sum", None)
    if buckets is None or bounds is None or total is None:  # not the client this knows
        for amount in amounts.tolist():
            histogram.observe(amount)
        return
    if not len(amounts):
        return
    # observe() counts an amount in the first bucket whose upper bound is at least it.
    index = np.searchsorted(np.asarray(bounds, dtype=np.float64), amounts, side="left")
    counts = np.bincount(index, minlength=len(bounds))[: len(bounds)]
    total.inc(float(amounts.sum()))
    for bucket, count in zip(buckets, counts.tolist(), strict=True):
        if count:
            bucket.inc(count)
