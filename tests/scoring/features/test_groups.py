"""Explanation groups: a few human concepts, every feature in exactly one of them, and group
sums that keep TreeSHAP's additivity."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from scoring.features import FEATURE_NAMES
from scoring.features.groups import FEATURE_GROUPS, GROUP_INDEX, GROUPS, groups_of


def test_a_small_set_of_concepts_each_holding_features() -> None:
    assert 12 <= len(GROUPS) <= 25
    codes = [g.code for g in GROUPS]
    assert len(set(codes)) == len(codes)
    assert set(FEATURE_GROUPS) == set(codes), "a group no feature falls into"
    assert len(FEATURE_GROUPS) == len(FEATURE_NAMES)


def test_every_group_speaks_both_languages_in_one_line() -> None:
    for group in GROUPS:
        for text in (group.label_en, group.label_fr, group.description_en, group.description_fr):
            assert text and "\n" not in text and "_" not in text and len(text) <= 100, text
        assert group.label_en != group.label_fr
        assert group.description_en.endswith(".") and group.description_fr.endswith(".")


@pytest.mark.parametrize(
    ("name", "group"),
    [
        ("EXT_SOURCE_3", "external_scores"),
        ("DAYS_EMPLOYED_ANOM", "age_employment"),
        ("ANNUITY_INCOME_PERC", "income_burden"),
        ("BURO_CREDIT_DAY_OVERDUE_MAX", "bureau_overdue"),
        ("ACTIVE_AMT_CREDIT_SUM_OVERDUE_MEAN", "bureau_overdue"),
        ("ACTIVE_AMT_CREDIT_SUM_DEBT_SUM", "bureau_current"),
        ("BURO_STATUS_0_MEAN_MEAN", "bureau_history"),
        ("PREV_NAME_CONTRACT_STATUS_Refused_MEAN", "previous_refusals"),
        ("PREV_NAME_CONTRACT_STATUS_Approved_MEAN", "previous_applications"),
        ("INSTAL_DPD_MEAN", "instalments"),
    ],
)
def test_features_fall_where_a_credit_expert_looks(name: str, group: str) -> None:
    assert FEATURE_GROUPS[FEATURE_NAMES.index(name)] == group


def test_a_feature_in_no_group_or_in_two_is_named() -> None:
    with pytest.raises(ValueError, match="feature NEW_FEATURE is in no group"):
        groups_of(("NEW_FEATURE",))
    wide = replace(GROUPS[0], code="wide", pattern=r"EXT_.+")
    with pytest.raises(ValueError, match=r"EXT_SOURCE_1 is in several groups \['external_scores'"):
        groups_of(("EXT_SOURCE_1",), (*GROUPS, wide))
    assert groups_of(("EXT_SOURCE_1",)) == ("external_scores",)


def test_group_sums_keep_the_total() -> None:
    rng = np.random.default_rng(0)
    contributions = rng.normal(size=(5, len(FEATURE_NAMES)))
    totals = np.stack(
        [np.bincount(GROUP_INDEX, row, minlength=len(GROUPS)) for row in contributions]
    )
    np.testing.assert_allclose(totals.sum(axis=1), contributions.sum(axis=1), rtol=0, atol=1e-12)
