"""Reason codes on hand-made contributions: a refusal's reasons all raise the risk, a grant's
all lower it, the quoted fact moved the same way as its group, and an absent history is
said as such, in English and French."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from scoring.explain.reasons import MAX_REASONS, SPECIAL, principal_reasons, reason_codes
from scoring.features import FEATURE_NAMES
from scoring.features.groups import GROUPS

INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}
# Percentiles 0..100 of a feature spread evenly over [low, high].
REFERENCE = {
    "EXT_SOURCE_3": {"percentiles": np.linspace(0.0, 1.0, 101).tolist()},
    "DAYS_EMPLOYED": {"percentiles": np.linspace(-10000.0, 0.0, 101).tolist()},
    "BURO_COUNT": {"percentiles": np.linspace(0.0, 20.0, 101).tolist()},
}
FORBIDDEN = re.compile(r"[A-Z]{2,}_[A-Z0-9_]+|\bmean\b|\bmoyenne\b|=|log-odds|SHAP|shap")


def vectors(**values: float) -> tuple[np.ndarray, np.ndarray]:
    """All features known and typical (0), with some set; no contribution yet."""
    x = np.zeros(len(FEATURE_NAMES))
    x[[INDEX["BURO_COUNT"], INDEX["PREV_COUNT"], INDEX["INSTAL_COUNT"]]] = 3.0
    x[[INDEX["POS_COUNT"], INDEX["CC_COUNT"]]] = 3.0
    for name, value in values.items():
        x[INDEX[name]] = value
    return np.zeros(len(FEATURE_NAMES)), x


def test_a_refusal_names_at_most_four_reasons_all_raising_the_risk() -> None:
    contributions, values = vectors(EXT_SOURCE_3=0.1, DAYS_EMPLOYED=-200.0)
    rng = np.random.default_rng(0)
    contributions[:] = rng.normal(0, 0.05, size=len(contributions))
    contributions[INDEX["EXT_SOURCE_3"]] = 0.9
    reasons = principal_reasons(contributions, values, REFERENCE, True, "en")
    assert 1 <= len(reasons) <= MAX_REASONS
    assert all(r.direction == "raises" and r.contribution > 0 for r in reasons)
    assert reasons[0].code == "external_scores.raises"
    assert reasons[0].text == (
        "External credit scores — external score 3 (0 to 1): 0.10 (below 90% of applicants). "
        "This raises the risk."
    )
    granted = principal_reasons(contributions, values, REFERENCE, False, "en")
    assert all(r.direction == "lowers" and r.contribution < 0 for r in granted)


def test_the_quoted_fact_pushed_the_way_its_group_did() -> None:
    """Employment raised the risk overall, but age lowered it: the reason quotes the job."""
    contributions, values = vectors(DAYS_EMPLOYED=-200.0, DAYS_BIRTH=-20000.0)
    contributions[INDEX["DAYS_EMPLOYED"]] = 0.5
    contributions[INDEX["DAYS_BIRTH"]] = -0.8  # larger, but the other way
    contributions[INDEX["DAYS_EMPLOYED_PERC"]] = 0.6
    [reason] = principal_reasons(contributions, values, REFERENCE, True, "fr")
    assert reason.code == "age_employment.raises" and reason.value == "7 mois"
    assert reason.text == (
        "Âge et emploi — ancienneté dans l'emploi actuel\u00a0: 7 mois "
        "(en dessous de 98\u202f% des demandeurs). Cela augmente le risque."
    )


def test_a_category_reads_as_its_level_in_each_language() -> None:
    siblings = [n for n in FEATURE_NAMES if n.startswith("NAME_INCOME_TYPE_")]
    contributions, values = vectors(**dict.fromkeys(siblings, 0.0))
    values[INDEX["NAME_INCOME_TYPE_Pensioner"]] = 1.0
    contributions[INDEX["NAME_INCOME_TYPE_Pensioner"]] = -0.4
    [english] = principal_reasons(contributions, values, REFERENCE, False, "en")
    [french] = principal_reasons(contributions, values, REFERENCE, False, "fr")
    assert english.text == "Age and employment — kind of income: retired. This lowers the risk."
    assert french.value == "retraité(e)"


def test_a_category_with_no_level_set_is_not_quoted_as_none() -> None:
    """Occupation not given (every level 0) pushed the most: the next readable fact of the
    group is quoted, never "occupation: None"."""
    occupations = [n for n in FEATURE_NAMES if n.startswith("OCCUPATION_TYPE_")]
    contributions, values = vectors(DAYS_EMPLOYED=-4_000.0, **dict.fromkeys(occupations, 0.0))
    contributions[INDEX[occupations[0]]] = -0.5
    contributions[INDEX["DAYS_EMPLOYED"]] = -0.1
    for language in ("en", "fr"):
        [reason] = principal_reasons(contributions, values, REFERENCE, False, language)
        assert "None" not in reason.text and reason.value is not None
        assert reason.value in ("11 years", "11 ans"), reason.text


@pytest.mark.parametrize("count", [np.nan, 0.0])
def test_an_absent_history_is_said_once_not_quoted_as_unknown(count: float) -> None:
    """No bureau table (unknown) or an empty one: both bureau groups give one reason."""
    contributions, values = vectors(BURO_COUNT=count)
    contributions[INDEX["BURO_DAYS_CREDIT_MIN"]] = 0.3  # bureau_history
    contributions[INDEX["ACTIVE_AMT_CREDIT_SUM_DEBT_SUM"]] = 0.2  # bureau_current
    reasons = principal_reasons(contributions, values, REFERENCE, True, "en")
    assert [r.code for r in reasons] == ["no_bureau_record"]
    assert reasons[0].text == "No record of credits with other lenders. This raises the risk."
    assert reasons[0].value is None


def test_a_group_without_a_readable_fact_says_what_it_covers() -> None:
    contributions, values = vectors()
    contributions[INDEX["BURO_CREDIT_TYPE_Microloan_MEAN"]] = 0.4
    [reason] = principal_reasons(contributions, values, REFERENCE, True, "en")
    assert reason.text.startswith("Credit bureau: credit history — how many credits were held")


def test_nothing_moved_nothing_said() -> None:
    contributions, values = vectors()
    assert principal_reasons(contributions, values, REFERENCE, True, "en") == []


def test_the_published_list_covers_every_group_both_ways_and_each_special_case() -> None:
    codes = reason_codes()
    listed = {entry["code"] for entry in codes}
    assert {f"{g.code}.{d}" for g in GROUPS for d in ("raises", "lowers")} <= listed
    assert set(SPECIAL) <= listed and len(listed) == len(codes)
    for entry in codes:
        for text in entry["text"].values():
            assert text and not FORBIDDEN.search(text), text


def test_the_documented_list_names_every_code_and_group() -> None:
    page = (Path(__file__).resolve().parents[3] / "docs" / "explanations.md").read_text()
    missing = [e["code"] for e in reason_codes() if f"`{e['code']}`" not in page]
    missing += [g.code for g in GROUPS if f"`{g.code}`" not in page]
    assert not missing, f"docs/explanations.md does not name {missing}"
