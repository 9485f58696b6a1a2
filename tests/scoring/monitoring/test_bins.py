"""Reference bins: deciles with ties merged, a missing bin, right-closed edges, the same
counting in training and in production, and a JSON round trip."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.monitoring.bins import (
    MISSING,
    SCORE,
    VALUE_BINS,
    WIDTH,
    Bins,
    NoReferenceBins,
    count_into,
    reference_bins,
)


def _training(rows: int = 5_000) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    income = rng.lognormal(11.8, 0.5, rows)
    income[rng.random(rows) < 0.1] = np.nan  # 10 % unknown
    owns_car = (rng.random(rows) < 0.3).astype(float)
    scores = rng.beta(2, 20, rows)
    return np.column_stack([income, owns_car]), scores


def test_a_continuous_column_gets_ten_equal_bins_and_its_missing_share() -> None:
    features, scores = _training()
    bins = reference_bins(features, ["AMT_INCOME_TOTAL", "FLAG_OWN_CAR"], scores)
    income = bins.reference[0]
    assert income[MISSING] == pytest.approx(0.1, abs=0.01)
    assert income[:VALUE_BINS] == pytest.approx(np.full(VALUE_BINS, 0.09), abs=0.002)
    assert bins.reference.sum(axis=1) == pytest.approx(np.ones(3))
    assert bins.names == ("AMT_INCOME_TOTAL", "FLAG_OWN_CAR", SCORE)


def test_an_indicator_gets_two_bins_not_ten() -> None:
    features, scores = _training()
    bins = reference_bins(features, ["AMT_INCOME_TOTAL", "FLAG_OWN_CAR"], scores)
    assert np.isfinite(bins.edges[1]).sum() == 2  # edges 0 and 1: "0", "1", "above 1"
    assert bins.reference[1, 0] == pytest.approx(0.7, abs=0.02)
    assert bins.reference[1, 1] == pytest.approx(0.3, abs=0.02)
    assert bins.reference[1, 2:].sum() == 0.0


def test_a_value_on_an_edge_counts_in_the_bin_below_and_nan_as_missing() -> None:
    edges = np.array([[1.0, 2.0] + [np.inf] * (VALUE_BINS - 3)])
    counts = count_into(np.array([[0.5], [1.0], [1.5], [2.0], [9.0], [np.nan]]), edges)
    assert counts[0, :4].tolist() == [2, 2, 1, 0]
    assert counts[0, MISSING] == 1
    assert counts.shape == (1, WIDTH)


def test_counting_in_chunks_equals_counting_at_once() -> None:
    features, scores = _training(10_000)
    bins = reference_bins(features, ["a", "b"], scores)
    whole = bins.count(features, scores)
    parts = sum(bins.count(features[i : i + 7], scores[i : i + 7]) for i in range(0, 10_000, 7))
    np.testing.assert_array_equal(whole, parts)
    assert (whole / 10_000) == pytest.approx(bins.reference)


def test_one_application_counts_once_per_column() -> None:
    features, scores = _training()
    bins = reference_bins(features, ["a", "b"], scores)
    counts = bins.count(features[0], scores[:1])
    assert counts.sum(axis=1).tolist() == [1, 1, 1]


def test_json_round_trip_keeps_edges_and_shares() -> None:
    features, scores = _training()
    bins = reference_bins(features, ["a", "b"], scores)
    again = Bins.from_json(bins.to_json())
    np.testing.assert_array_equal(again.edges, bins.edges)
    np.testing.assert_array_equal(again.reference, bins.reference)
    assert again.names == bins.names and again.rows == bins.rows


def test_a_model_without_bins_says_to_retrain() -> None:
    with pytest.raises(NoReferenceBins, match=r"credit_scoring:old.*retrain"):
        Bins.from_reference({"features": {}}, "credit_scoring:old")


def test_a_production_value_counts_where_its_float32_training_twin_did() -> None:
    # Building scores take a few values; training holds them as float32, production as the
    # float64 parsed from JSON, a hair above: both must land in the same bin.
    levels = np.array([0.0345, 0.069, 0.1034, 0.1379, 0.1724, 0.2069])
    training = np.repeat(levels, [50, 200, 150, 300, 100, 200]).astype(np.float32)
    bins = reference_bins(training[:, None], ["ENTRANCES_AVG"], np.zeros(len(training)))
    production = np.repeat(levels, [50, 200, 150, 300, 100, 200])  # float64
    counts = bins.count(production[:, None], np.zeros(len(production)))
    assert counts[0] / len(production) == pytest.approx(bins.reference[0])
