"""A fact's share of the score is the exact sum of its features' contributions, and every
fact belongs to the group of its features."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.explain.facts import FACTS, FACTS_BY_GROUP, FactShares, positions
from scoring.features import FEATURE_NAMES
from scoring.features.groups import FEATURE_GROUPS


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_each_share_is_the_sum_of_the_facts_features(seed: int) -> None:
    contributions = np.random.default_rng(seed).normal(0.0, 0.3, size=len(FEATURE_NAMES))
    shares = FactShares.of(contributions)
    for fact in FACTS:
        expected = float(contributions[list(positions(fact))].sum())
        assert shares[fact] == pytest.approx(expected, abs=1e-12), fact.key


def test_a_category_sums_its_levels_and_nothing_else() -> None:
    income = next(fact for fact in FACTS if fact.key == "NAME_INCOME_TYPE")
    levels = positions(income)
    assert len(levels) > 1  # one-hot siblings
    contributions = np.zeros(len(FEATURE_NAMES))
    contributions[levels[-1]] = 0.25
    contributions[[i for i in range(len(FEATURE_NAMES)) if i not in levels][:5]] = 9.0
    assert FactShares.of(contributions)[income] == 0.25


def test_facts_by_group_lists_every_fact_once_under_its_features_group() -> None:
    listed = [fact for facts in FACTS_BY_GROUP.values() for fact in facts]
    assert sorted(f.key for f in listed) == sorted(f.key for f in FACTS)
    for group, facts in FACTS_BY_GROUP.items():
        for fact in facts:
            assert {FEATURE_GROUPS[i] for i in positions(fact)} == {group}, fact.key
