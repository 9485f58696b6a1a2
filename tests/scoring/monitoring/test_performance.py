"""Performance by vintage on hand-made decisions: approval and override rates, the default
rate expected before outcomes and observed after, the AUC and the calibration."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.monitoring.performance import auc, calibration, decision_days, vintages
from scoring.records.vintages import DecidedApplication


def _decided(
    month: str, probability: float, recommendation: str, final: str, outcome: str | None = None
) -> DecidedApplication:
    return DecidedApplication(f"{month}-15T10:00:00.000000+00:00", "m:1", probability,
                              recommendation, final, outcome)  # fmt: skip


NOVEMBER = [
    _decided("2026-11", 0.02, "granted", "granted", "repaid"),
    _decided("2026-11", 0.04, "granted", "granted", "repaid"),
    _decided("2026-11", 0.06, "granted", "granted", "defaulted"),
    _decided("2026-11", 0.30, "refused", "refused"),
    _decided("2026-11", 0.25, "refused", "granted", "defaulted"),  # an override
    _decided("2026-11", 0.08, "review", "granted"),  # a person decided, outcome not yet known
]
DECEMBER = [
    _decided("2026-12", 0.05, "granted", "granted"),
    _decided("2026-12", 0.5, "refused", "refused"),
]


def test_a_vintage_counts_rates_and_outcomes() -> None:
    november, december = vintages(NOVEMBER + DECEMBER)
    assert (november.month, november.decided, november.reviewed) == ("2026-11", 6, 1)
    assert november.approval_rate == pytest.approx(5 / 6)
    assert november.override_rate == pytest.approx(1 / 6)
    assert november.expected_default_rate == pytest.approx((0.02 + 0.04 + 0.06 + 0.25 + 0.08) / 5)
    assert november.outcomes_known == 4
    assert november.expected_default_rate_known == pytest.approx((0.02 + 0.04 + 0.06 + 0.25) / 4)
    assert november.observed_default_rate == pytest.approx(0.5)
    assert november.auc == pytest.approx(1.0)  # both defaults scored above both repaid
    assert december.outcomes_known == 0
    assert december.observed_default_rate is None and december.auc is None
    assert december.expected_default_rate == pytest.approx(0.05)


def test_auc_counts_ties_half_and_needs_both_outcomes() -> None:
    assert auc(np.array([0.1, 0.1]), np.array([True, False])) == pytest.approx(0.5)
    assert auc(np.array([0.9, 0.1, 0.5]), np.array([False, True, True])) == pytest.approx(
        0.0 + 0.5 * 0
    )
    assert auc(np.array([0.2, 0.3]), np.array([False, False])) is None


def test_calibration_compares_predicted_and_observed_by_band() -> None:
    rng = np.random.default_rng(0)
    probabilities = rng.uniform(0.01, 0.4, 20_000)
    outcomes = rng.random(20_000) < probabilities  # a calibrated model
    decided = [
        _decided("2026-10", float(p), "granted", "granted", "defaulted" if d else "repaid")
        for p, d in zip(probabilities, outcomes, strict=True)
    ]
    bands = calibration(decided)
    assert len(bands) == 10 and sum(b.count for b in bands) == 20_000
    for band in bands:
        assert band.observed == pytest.approx(band.predicted, abs=0.03)


def test_no_outcome_no_calibration() -> None:
    assert calibration(DECEMBER) == []


def test_decisions_and_overrides_by_day() -> None:
    rows = [
        DecidedApplication("2026-11-15T09:00:00.000000+00:00", "m:1", 0.05, "granted",
                           "granted", None),
        DecidedApplication("2026-11-15T17:00:00.000000+00:00", "m:1", 0.30, "refused",
                           "granted", None),
        DecidedApplication("2026-11-16T08:00:00.000000+00:00", "m:1", 0.08, "review",
                           "refused", None),
    ]  # fmt: skip
    first, second = decision_days(rows)
    assert (first.day, first.decided, first.granted, first.overrides) == ("2026-11-15", 2, 2, 1)
    assert (second.day, second.overrides, second.reviewed) == ("2026-11-16", 0, 1)
