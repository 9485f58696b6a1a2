"""Numbers, shares, amounts, durations and dates read the same in the API, the dashboard and
the letters: English and French separators, French typography, plurals and relative dates."""

from __future__ import annotations

from datetime import date as Date

import numpy as np
import pytest

from dashboard.formatting import feature_value
from scoring.descriptors import DESCRIPTORS
from scoring.explain.reasons import principal_reasons
from scoring.features import FEATURES
from scoring.schema import APPLICATION_TRAIN
from scoring.wording.formats import (
    NARROW_SPACE,
    age_years,
    amount,
    date,
    duration,
    number,
    percent,
    quantity,
    relative,
    signed,
)

N = NARROW_SPACE


@pytest.mark.parametrize(
    ("value", "decimals", "english", "french"),
    [
        (1234567.891, 1, "1,234,567.9", f"1{N}234{N}567,9"),
        (0.0, 2, "0.00", "0,00"),
        (-0.001, 1, "0.0", "0,0"),  # no "-0"
        (-1500.0, 0, "-1,500", f"-1{N}500"),
    ],
)
def test_numbers_use_the_separators_of_the_language(value, decimals, english, french) -> None:
    assert number(value, "en", decimals) == english
    assert number(value, "fr", decimals) == french


def test_shares_and_amounts_follow_french_typography() -> None:
    assert percent(0.0423, "en") == "4.2%" and percent(0.0423, "fr") == f"4,2{N}%"
    assert percent(1.0, "fr", 0) == f"100{N}%"
    assert amount(135000.4, "en") == "135,000" and amount(135000.4, "fr") == f"135{N}000"
    assert amount(135000, "en", "EUR") == "135,000\u00a0EUR"
    assert amount(135000, "fr", "€") == f"135{N}000{N}€"
    assert amount(None, "fr") == "inconnu" and amount(float("nan"), "en") == "unknown"


@pytest.mark.parametrize(
    ("n", "noun", "english", "french"),
    [
        (1, "year", "1 year", "1 an"),
        (1.5, "year", "1.5 years", "1,5 an"),  # French keeps the singular below 2
        (2, "month", "2 months", "2 mois"),
        (0, "day", "0 days", "0 jour"),
    ],
)
def test_quantities_agree_in_number(n, noun, english, french) -> None:
    assert quantity(n, noun, "en") == english and quantity(n, noun, "fr") == french


def test_durations_pick_the_largest_readable_unit() -> None:
    assert duration(-45, "en") == "45 days"
    assert duration(400, "en") == "13 months"
    assert duration(-4530, "fr") == "12,4 ans"
    assert relative(-4530, "en") == "12.4 years ago" and relative(61, "fr") == "dans 2 mois"
    assert age_years(-13795) == 37


def test_signs_and_dates() -> None:
    assert signed(-0.304, "fr") == "−0,30" and signed(0.74, "en") == "+0.74"
    assert signed(0.001, "en") == "0.00"
    assert date(Date(2026, 12, 6), "en") == "6 December 2026"
    assert date(Date(2026, 1, 1), "fr") == "1er janvier 2026"


def test_the_api_reasons_and_the_dashboard_write_a_value_alike() -> None:
    """One implementation: a currency feature reads the same in a reason and on screen."""
    position = next(i for i, f in enumerate(FEATURES) if f.name == "AMT_CREDIT")
    values = np.full(len(FEATURES), np.nan)
    values[position] = 1234567.0
    contributions = np.zeros(len(FEATURES))
    contributions[position] = 1.0
    for language in ("en", "fr"):
        [reason] = principal_reasons(contributions, values, {}, True, language)
        assert reason.value == feature_value("AMT_CREDIT", 1234567.0, "currency", language)


def test_a_category_is_named_by_the_schema_everywhere() -> None:
    """The peer views once said "Genre" where the schema and profile say "Sexe"."""
    for descriptor in DESCRIPTORS:
        if descriptor.categorical:
            column = APPLICATION_TRAIN[descriptor.source]
            assert (descriptor.label_en, descriptor.label_fr) == (column.label_en, column.label_fr)
