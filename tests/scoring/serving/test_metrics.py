"""Scores counted into the Prometheus metrics a batch at a time (scoring/serving/metrics.py):
the same samples as one observation per score."""

from __future__ import annotations

import numpy as np
from prometheus_client import CollectorRegistry, Counter, Histogram

from scoring.serving.metrics import count_scores, observe_many

BUCKETS = (0.02, 0.04, 0.06, 0.08, 0.10, 0.125, 0.15, 0.2, 0.3, 0.5, 1.0)


def _samples(registry: CollectorRegistry) -> dict[tuple[str, tuple], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for metric in registry.collect()
        for sample in metric.samples
        if not sample.name.endswith("_created")
    }


def test_a_batch_fills_the_buckets_as_one_observation_each() -> None:
    values = np.concatenate([np.random.default_rng(1).random(500), BUCKETS, [0.0, 1.0]])
    one, many = CollectorRegistry(), CollectorRegistry()
    single = Histogram("score", "s", buckets=BUCKETS, registry=one)
    for value in values:
        single.observe(float(value))
    observe_many(Histogram("score", "s", buckets=BUCKETS, registry=many), values)
    expected, got = _samples(one), _samples(many)
    assert expected.keys() == got.keys()
    for key, value in expected.items():
        assert np.isclose(got[key], value, rtol=1e-12), key


def test_recommendations_are_counted_and_only_applications_observed() -> None:
    registry = CollectorRegistry()
    total = Counter("recommendations", "r", ["endpoint", "recommendation"], registry=registry)
    scores = Histogram("score", "s", buckets=BUCKETS, registry=registry)
    count_scores(total, scores, "predict_batch", ["granted", "refused", "granted"],
                 [0.01, 0.3, 0.02], "what-if")  # fmt: skip
    samples = _samples(registry)
    granted = (
        "recommendations_total",
        (("endpoint", "predict_batch"), ("recommendation", "granted")),
    )
    assert samples[granted] == 2
    assert samples[("score_count", ())] == 0
    count_scores(total, scores, "score_file", ["granted"], [0.01], "application")
    assert _samples(registry)[("score_count", ())] == 1
