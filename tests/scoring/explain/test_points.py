"""Risk points: the waterfall starts at the average applicant's risk and its steps, in the
order drawn, add up to the client's probability exactly."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from scoring.explain.points import probability, waterfall


@pytest.mark.parametrize("seed", range(5))
def test_the_steps_sum_to_the_clients_probability(seed: int) -> None:
    rng = np.random.default_rng(seed)
    base, contributions = rng.normal(-2.5), rng.normal(0, 0.6, size=19)
    start, steps = waterfall(base, contributions)
    client = float(probability(base + contributions.sum()))
    assert start == pytest.approx(float(probability(base)), abs=1e-15)
    assert abs(start + sum(step.points for step in steps) - client) <= 1e-9
    for previous, step in itertools.pairwise(steps):
        assert step.before == previous.after  # each step starts where the last one ended
        assert abs(step.log_odds) <= abs(previous.log_odds)  # largest first
    assert all(np.sign(step.points) == np.sign(step.log_odds) for step in steps)


def test_groups_that_did_not_move_make_no_step() -> None:
    _start, steps = waterfall(-2.0, np.array([0.0, 0.5, 0.0, -0.2]))
    assert [step.index for step in steps] == [1, 3]
    assert waterfall(-2.0, np.zeros(3))[1] == []


def test_extreme_log_odds_stay_probabilities() -> None:
    assert probability(800.0) == 1.0 and probability(-800.0) == 0.0
    start, steps = waterfall(-40.0, np.array([80.0]))
    assert 0.0 <= start < 1e-15 and steps[0].after == pytest.approx(1.0)


def test_the_last_step_ends_on_the_served_probability() -> None:
    """TreeSHAP and the ONNX graph differ by ~1e-7 in log-odds; the steps end on the latter."""
    contributions = np.array([0.8, -0.3, 0.1])
    served = float(probability(-2.0 + contributions.sum() + 2e-7))
    start, steps = waterfall(-2.0, contributions, served)
    assert steps[-1].after == served
    assert abs(start + sum(step.points for step in steps) - served) <= 1e-15
