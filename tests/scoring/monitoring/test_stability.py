"""The population stability index on a case computed by hand, its thresholds, and the missing
and unseen shares."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scoring.monitoring.bins import MISSING, VALUE_BINS, WIDTH, Bins
from scoring.monitoring.stability import FLOOR, level, psi, stability


def test_psi_of_a_hand_computed_case() -> None:
    reference = np.array([0.5, 0.3, 0.2])
    current = np.array([0.3, 0.3, 0.4])
    by_hand = (0.3 - 0.5) * math.log(0.3 / 0.5) + 0 + (0.4 - 0.2) * math.log(0.4 / 0.2)
    assert by_hand == pytest.approx(0.2408, abs=1e-4)
    assert psi(reference, current) == pytest.approx(by_hand)


def test_identical_distributions_have_zero_psi_and_an_empty_bin_is_floored() -> None:
    shares = np.array([0.25, 0.25, 0.5])
    assert psi(shares, shares) == 0.0
    empty = psi(np.array([0.5, 0.5, 0.0]), np.array([0.4, 0.4, 0.2]))
    floored = 2 * (0.1 * math.log(0.5 / 0.4)) + (0.2 - FLOOR) * math.log(0.2 / FLOOR)
    assert empty == pytest.approx(floored)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.0, "stable"), (0.0999, "stable"), (0.10, "watch"), (0.2499, "watch"), (0.25, "act"),
     (None, "no data")],
)  # fmt: skip
def test_levels_follow_the_credit_risk_thresholds(value: float | None, expected: str) -> None:
    assert level(value) == expected


def _bins() -> Bins:
    reference = np.zeros((2, WIDTH))
    reference[0, :VALUE_BINS] = 0.09
    reference[0, MISSING] = 0.1
    reference[1, :2] = [0.7, 0.3]  # an indicator: bins above "1" never seen in training
    edges = np.full((2, VALUE_BINS - 1), np.inf)
    return Bins(("income", "score"), edges, reference, rows=1_000)


def test_missing_and_unseen_shares_of_a_period() -> None:
    counts = np.zeros((2, WIDTH), dtype=np.int64)
    counts[0, :VALUE_BINS] = 5
    counts[0, MISSING] = 50  # half of the period unknown
    counts[1, :3] = [60, 30, 10]  # 10 % in a bin training never filled
    income, score = stability(_bins(), counts)
    assert income.missing == pytest.approx(0.5) and income.reference_missing == pytest.approx(0.1)
    assert income.level == "act"
    assert score.unseen == pytest.approx(0.1)
    assert income.unseen == 0.0


def test_a_column_with_no_data_has_no_psi() -> None:
    result = stability(_bins(), np.zeros((2, WIDTH), dtype=np.int64))
    assert [r.level for r in result] == ["no data", "no data"]
    assert result[0].psi is None and result[0].current == ()


def test_thresholds_are_configurable() -> None:
    counts = np.zeros((2, WIDTH), dtype=np.int64)
    counts[0, :VALUE_BINS] = 9
    counts[0, MISSING] = 10
    counts[1, :2] = [70, 30]
    assert [r.level for r in stability(_bins(), counts)] == ["stable", "stable"]
    assert [r.level for r in stability(_bins(), counts, watch=0.0, act=1.0)] == ["watch"] * 2
