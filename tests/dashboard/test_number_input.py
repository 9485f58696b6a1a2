"""Numbers typed as advisors write them, in English and French, read without a browser."""

from __future__ import annotations

import pytest

from dashboard.number_input import NumberField, Unreadable, parse_number
from scoring.wording.formats import NARROW_SPACE

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("100 000", "fr", 100000.0),
        (f"100{NBSP}000,50", "fr", 100000.5),
        (f"100{NARROW_SPACE}000,50", "fr", 100000.5),
        ("100000,50", "fr", 100000.5),
        ("1 000 000 €", "fr", 1000000.0),
        ("  36,5 ", "fr", 36.5),
        ("100,000", "en", 100000.0),
        ("100,000.50", "en", 100000.5),
        ("100000.5", "en", 100000.5),
        ("100 000", "en", 100000.0),
        ("-5", "en", -5.0),
    ],
)
def test_numbers_are_read_in_the_advisors_notation(text, language, expected) -> None:
    assert parse_number(text, language, "", "€") == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [("100.000,50", "fr"), ("100000.50", "fr"), ("1 00 000", "fr"), ("abc", "fr"),
     ("100000,50", "en"), ("1,00,000", "en"), ("", "en"), ("12 €", "en")],
)  # fmt: skip
def test_what_is_not_a_number_in_the_language_is_refused(text, language) -> None:
    with pytest.raises(Unreadable, match=r"like 9 or 9\.5|comme 9 ou 9,5"):
        parse_number(text, language, "9 or 9.5" if language == "en" else "9 ou 9,5", "$")


def test_the_field_keeps_its_value_and_says_why_until_the_text_is_fixed() -> None:
    field = NumberField(value=500000.0, language="fr", example="100 000", maximum=1e6, unit="€")
    assert field.text == f"500{NARROW_SPACE}000"
    field.text = "2 000 000"
    assert field.value == 500000.0 and field.error.startswith("« 2 000 000 » dépasse")
    field.text = "750 000,25"
    assert (field.value, field.error) == (750000.25, "")
    assert field.text == f"750{NARROW_SPACE}000,25"
    field.language = "en"
    assert field.text == "750,000.25"
