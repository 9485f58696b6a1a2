"""The holdout rule: a client's membership depends on its identifier alone, so every model
trained under the rule leaves out the same clients, whatever subset or order it was given."""

from __future__ import annotations

import numpy as np
import pytest

from training.model.split import HoldoutRule

IDS = np.arange(100_002, 160_002)


def test_about_the_share_is_held_out_and_the_rest_trains() -> None:
    train, holdout = HoldoutRule(0.2).split(IDS)
    assert abs(len(holdout) / len(IDS) - 0.2) < 0.01
    assert np.array_equal(np.sort(np.concatenate([train, holdout])), np.arange(len(IDS)))


def test_membership_is_a_property_of_the_client_not_of_the_data() -> None:
    rule = HoldoutRule()
    everyone = dict(zip(IDS, rule.held_out(IDS), strict=True))
    subset = np.random.default_rng(0).permutation(IDS)[:7_000]
    assert [everyone[i] for i in subset] == rule.held_out(subset).tolist()


def test_another_key_draws_another_holdout() -> None:
    first = HoldoutRule(key="pret-a-depenser1").held_out(IDS)
    second = HoldoutRule(key="pret-a-depenser2").held_out(IDS)
    assert 0.25 < np.mean(first == second) < 0.75 or np.mean(first & second) < 0.1


def test_the_rule_is_recorded_with_its_method() -> None:
    assert HoldoutRule(0.25).to_dict() == {
        "method": "keyed hash of SK_ID_CURR", "share": 0.25, "key": "pret-a-depenser1"
    }  # fmt: skip


@pytest.mark.parametrize(("share", "key"), [(0.0, "pret-a-depenser1"), (1.0, "pret-a-depenser1"),
                                            (0.2, "short")])  # fmt: skip
def test_a_rule_that_cannot_split_is_refused(share: float, key: str) -> None:
    with pytest.raises(ValueError, match=r"share|16 bytes"):
        HoldoutRule(share, key)
