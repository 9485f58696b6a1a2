"""The promotion gate on hand-made evaluations: each check fails for its own reason and names
it, an equal candidate passes, and a champion that cannot be loaded fails the comparisons."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from training.lifecycle.evaluation import Evaluation
from training.lifecycle.gate import COMPARISONS, Tolerances, judge

RULE = {"method": "keyed hash of SK_ID_CURR", "share": 0.2, "key": "pret-a-depenser1"}


def _evaluation(tag: str = "m:champion", **changes) -> Evaluation:
    base = Evaluation(
        tag=tag,
        probabilities=np.array([0.02, 0.05, 0.2]),
        threshold=0.1,
        metrics={"roc_auc": 0.78, "cost_per_application": 0.50},
        calibration=[],
        ece=0.010,
        fairness=[
            {"grouping": "gender", "group": "F", "disparate_impact": 1.0},
            {"grouping": "gender", "group": "M", "disparate_impact": 0.91},
            {"grouping": "age_band", "group": "<30", "disparate_impact": 0.70},
        ],
        parity=1e-8,
        additivity=1e-7,
        self_check=0.0,
        monotone_violations={},
        holdout_rule=RULE,
    )
    return replace(base, **changes)


def _failed(candidate: Evaluation, champion: Evaluation | None = None, problem: str = ""):
    result = judge(candidate, champion or _evaluation(), Tolerances(), problem)
    return {check.name for check in result.failed()}


def test_an_equal_candidate_passes_every_check() -> None:
    result = judge(_evaluation("m:new"), _evaluation(), Tolerances())
    assert result.passed and len(result.checks) == 9


def test_a_slightly_worse_candidate_within_tolerances_passes() -> None:
    candidate = _evaluation(
        "m:new", metrics={"roc_auc": 0.776, "cost_per_application": 0.524}, ece=0.014
    )
    assert _failed(candidate) == set()


@pytest.mark.parametrize(
    ("changes", "failed"),
    [
        ({"metrics": {"roc_auc": 0.774, "cost_per_application": 0.5}}, {"ROC AUC"}),
        ({"metrics": {"roc_auc": 0.78, "cost_per_application": 0.526}}, {"business cost"}),
        ({"ece": 0.0151}, {"calibration"}),
        ({"parity": 2e-5}, {"parity"}),
        ({"additivity": 1e-3}, {"additivity"}),
        ({"self_check": float("inf")}, {"self-check"}),
        ({"monotone_violations": {"EXT_SOURCE_3": 0.01}}, {"monotone directions"}),
        ({"holdout_rule": {**RULE, "share": 0.25}}, {"same holdout"}),
        ({"holdout_rule": None}, {"same holdout"}),
    ],
)
def test_each_shortfall_fails_its_own_check(changes, failed) -> None:
    assert _failed(_evaluation("m:new", **changes)) == failed


def test_a_less_fair_candidate_fails_and_says_for_whom() -> None:
    fairness = [
        {"grouping": "gender", "group": "M", "disparate_impact": 0.91},
        {"grouping": "age_band", "group": "<30", "disparate_impact": 0.60},
    ]
    result = judge(_evaluation("m:new", fairness=fairness), _evaluation(), Tolerances())
    [check] = result.failed()
    assert check.name == "fairness" and "age_band (0.600 against 0.700)" in check.detail


def test_a_failed_check_says_what_was_measured_against_what() -> None:
    candidate = _evaluation("m:new", metrics={"roc_auc": 0.70, "cost_per_application": 0.61})
    details = {c.name: c.detail for c in judge(candidate, _evaluation(), Tolerances()).failed()}
    assert details["ROC AUC"].startswith("0.7000 against 0.7800")
    assert "0.6100 per application against 0.5000" in details["business cost"]
    assert (
        "EXT_SOURCE_3 (by 0.01)"
        in judge(
            _evaluation("m:new", monotone_violations={"EXT_SOURCE_3": 0.01}), None, Tolerances()
        )
        .checks[3]
        .detail
    )


def test_the_first_candidate_has_nothing_to_compare_with_and_passes() -> None:
    result = judge(_evaluation("m:first"), None, Tolerances())
    assert result.passed
    assert {c.detail for c in result.checks if c.name in COMPARISONS} == {
        "no champion yet: nothing to compare with"
    }


def test_a_champion_this_code_cannot_load_fails_every_comparison() -> None:
    result = judge(_evaluation("m:new"), None, Tolerances(), "the champion m:old cannot be loaded")
    assert {c.name for c in result.failed()} == set(COMPARISONS)


@pytest.mark.parametrize("field", ["auc_drop", "cost_rise", "ece_rise", "fairness_drop"])
def test_a_tolerance_outside_zero_to_one_is_refused(field: str) -> None:
    with pytest.raises(ValueError, match=field):
        Tolerances(**{field: 1.5})
