"""The cost-minimising threshold: hand-computed answers, a brute-force oracle, edge cases."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from training.model.threshold import CostMatrix, choose_threshold, cost_curve, decision_metrics

# Six applications; refusing at p >= t, the costs (false grant 10, false refusal 1) are:
# nobody 30, t=0.9 20, t=0.6 10, t=0.4 11, t=0.3 1, t=0.2 2, t=0.1 3.
HAND_Y = np.array([0, 0, 1, 0, 1, 1])
HAND_P = np.array([0.1, 0.2, 0.3, 0.4, 0.6, 0.9])


def _brute_force(y: np.ndarray, p: np.ndarray, costs: CostMatrix) -> tuple[float, float]:
    """Every candidate evaluated directly, from the highest threshold down."""
    candidates = [1.0 if p.max() < 1 else np.nextafter(1.0, 2.0), *np.unique(p)[::-1]]
    best_threshold, best_cost = None, math.inf
    for threshold in candidates:
        refuse = p >= threshold
        cost = costs.false_grant * np.sum(~refuse & (y == 1)) + costs.false_refusal * np.sum(
            refuse & (y == 0)
        )
        if cost < best_cost - 1e-9:
            best_threshold, best_cost = threshold, cost
    return float(best_threshold), float(best_cost)


def _random_case(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Scores with many ties (two decimals) and labels loosely following them."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    p = np.round(rng.beta(1, 6, n), int(rng.integers(1, 4)))
    y = (rng.random(n) < p * 1.5).astype(int)
    return y, p


def test_hand_made_problem() -> None:
    choice = choose_threshold(HAND_Y, HAND_P, CostMatrix(10, 1))
    assert choice.threshold == 0.3
    assert choice.total_cost == 1.0
    assert choice.cost_per_application == pytest.approx(1 / 6)
    assert choice.recall == 1.0
    assert choice.precision == pytest.approx(3 / 4)
    assert choice.specificity == pytest.approx(2 / 3)
    assert choice.approval_rate == pytest.approx(2 / 6)


def test_equal_costs_tie_goes_to_the_higher_threshold() -> None:
    # With 1:1 costs, t=0.6 and t=0.3 both cost 1: the higher one grants more.
    choice = choose_threshold(HAND_Y, HAND_P, CostMatrix(1, 1))
    assert choice.threshold == 0.6
    assert choice.total_cost == 1.0


def test_tied_scores_are_one_candidate() -> None:
    # Two applications share p=0.5: they can only be refused together.
    y, p = np.array([1, 0, 0]), np.array([0.5, 0.5, 0.1])
    choice = choose_threshold(y, p, CostMatrix(10, 1))
    assert choice.threshold == 0.5
    assert choice.total_cost == 1.0


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("costs", [CostMatrix(), CostMatrix(1, 1), CostMatrix(2.5, 0.7)])
def test_exact_search_equals_brute_force(seed: int, costs: CostMatrix) -> None:
    y, p = _random_case(seed)
    threshold, cost = _brute_force(y, p, costs)
    choice = choose_threshold(y, p, costs)
    assert choice.threshold == threshold
    assert choice.total_cost == pytest.approx(cost)
    assert choice == decision_metrics(y, p, choice.threshold, costs)


def test_all_good_clients_grants_everybody() -> None:
    p = np.array([0.05, 0.4, 0.8])
    choice = choose_threshold(np.zeros(3, dtype=int), p)
    assert choice.threshold > p.max()
    assert choice.approval_rate == 1.0
    assert choice.total_cost == 0.0
    assert choice.recall is None and choice.precision is None


def test_refuse_nobody_stays_above_a_score_of_one() -> None:
    choice = choose_threshold(np.zeros(2, dtype=int), np.array([0.2, 1.0]))
    assert choice.threshold > 1.0
    assert choice.approval_rate == 1.0


def test_all_defaulters_refuses_everybody() -> None:
    p = np.array([0.05, 0.4, 0.8])
    choice = choose_threshold(np.ones(3, dtype=int), p)
    assert choice.threshold == p.min()
    assert choice.approval_rate == 0.0
    assert choice.specificity is None
    assert choice.recall == 1.0


@pytest.mark.parametrize("seed", range(5))
def test_dearer_false_grants_lower_the_threshold(seed: int) -> None:
    y, p = _random_case(seed + 100)
    ratios = [0.5, 1, 2, 5, 10, 50]
    thresholds = [choose_threshold(y, p, CostMatrix(r, 1)).threshold for r in ratios]
    assert thresholds == sorted(thresholds, reverse=True)


def test_bayes_reference_is_one_eleventh() -> None:
    assert CostMatrix().bayes_threshold == pytest.approx(1 / 11)
    assert CostMatrix(3, 1).bayes_threshold == pytest.approx(0.25)


@pytest.mark.parametrize(
    ("false_grant", "false_refusal"),
    [(0, 1), (10, -1), (math.nan, 1), (math.inf, 1), ("10", 1)],
)
def test_invalid_costs_raise(false_grant: float, false_refusal: float) -> None:
    with pytest.raises(ValueError, match="must be a finite number above 0"):
        CostMatrix(false_grant, false_refusal)


@pytest.mark.parametrize(
    ("y", "p", "message"),
    [
        ([0, 1], [0.1], "same length"),
        ([], [], "empty"),
        ([0, 2], [0.1, 0.2], "labels must be 0"),
        ([0, 1], [0.1, 1.2], "within"),
        ([0, 1], [0.1, np.nan], "finite"),
    ],
)
def test_invalid_inputs_raise(y: list, p: list, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        choose_threshold(np.array(y), np.array(p))


def test_cost_curve_never_beats_the_exact_minimum() -> None:
    y, p = _random_case(7)
    costs = CostMatrix()
    curve = cost_curve(y, p, costs, n_points=101)
    assert list(curve.columns) == ["threshold", "cost_per_application"]
    assert len(curve) == 101 and curve["threshold"].iloc[[0, -1]].tolist() == [0.0, p.max()]
    best = choose_threshold(y, p, costs).cost_per_application
    assert curve["cost_per_application"].min() >= best - 1e-12
    for threshold, cost in curve.iloc[::10].itertuples(index=False):
        assert cost == pytest.approx(decision_metrics(y, p, threshold, costs).cost_per_application)


def test_decision_metrics_on_other_data() -> None:
    choice = decision_metrics(HAND_Y, HAND_P, 0.5, CostMatrix())
    # Refuses 0.6 and 0.9 (both defaulters), grants the defaulter at 0.3.
    assert (choice.recall, choice.precision, choice.specificity) == (2 / 3, 1.0, 1.0)
    assert choice.total_cost == 10.0


def test_to_dict_is_json_ready() -> None:
    choice = choose_threshold(np.zeros(3, dtype=int), np.array([0.1, 0.2, 0.3]))
    assert json.loads(json.dumps(choice.to_dict(), allow_nan=False)) == choice.to_dict()
