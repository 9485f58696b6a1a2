"""Numbers, shares, amounts, durations and dates as a client reads them, in English or French.

One implementation for the API's reasons, the dashboard and the letters, so the same value
reads the same everywhere. French follows its typography: a narrow no-break space (U+202F)
groups thousands and separates a number from ``%`` or a currency, and a comma marks the
decimals ("1 234,5 %"); English writes "1,234.5%".
"""

from __future__ import annotations

import math
from datetime import date as Date

from scoring.schema.common import DAYS_PER_MONTH, DAYS_PER_YEAR
from scoring.wording import Language

NARROW_SPACE = "\u202f"  # French thousands separator and space before % and units
NO_BREAK_SPACE = "\u00a0"  # English space between an amount and its currency
MINUS = "−"  # a true minus sign, not a hyphen
_NOUNS = {  # singular, plural
    "en": {"day": ("day", "days"), "month": ("month", "months"), "year": ("year", "years")},
    "fr": {"day": ("jour", "jours"), "month": ("mois", "mois"), "year": ("an", "ans")},
}
_RELATIVE = {"en": ("{} ago", "in {}"), "fr": ("il y a {}", "dans {}")}
_UNKNOWN = {"en": "unknown", "fr": "inconnu"}
_MONTHS = {
    "en": (
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    ),
    "fr": (
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
        "septembre", "octobre", "novembre", "décembre",
    ),
}  # fmt: skip


def is_missing(value: object) -> bool:
    """None or NaN: a value nobody gave."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def unknown(language: Language) -> str:
    """What a missing value reads as."""
    return _UNKNOWN[language]


def number(x: float, language: Language, decimals: int = 0) -> str:
    """Separators of the language: "1,234.5" in English, "1 234,5" in French."""
    text = f"{x:,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]  # no "-0"
    if language == "fr":
        text = text.translate(str.maketrans(",.", NARROW_SPACE + ","))
    return text


def percent(share: float, language: Language, decimals: int = 1) -> str:
    """A probability or share as a percentage: 0.042 → "4.2%" / "4,2 %"."""
    value = number(100.0 * share, language, decimals)
    return f"{value}{NARROW_SPACE}%" if language == "fr" else f"{value}%"


def amount(x: float | None, language: Language, currency: str = "") -> str:
    """A money amount in whole units, followed by ``currency`` when one is given."""
    if x is None or math.isnan(x):
        return unknown(language)
    text = number(float(x), language)
    # A no-break space: "111,581 €" never breaks across lines in a table.
    return (
        f"{text}{NARROW_SPACE if language == 'fr' else NO_BREAK_SPACE}{currency}"
        if currency
        else text
    )


def quantity(n: float, noun: str, language: Language) -> str:
    """A counted noun, "1 month", "2 months"; French keeps the singular below 2 ("1,5 an")."""
    plural = n != 1 if language == "en" else abs(n) >= 2
    text = number(n, language, 0 if float(n).is_integer() else 1)
    return f"{text} {_NOUNS[language][noun][plural]}"


def duration(days: float, language: Language) -> str:
    """A span in the largest unit that stays readable: days, then months, then years."""
    days = abs(days)
    if days < 60:
        return quantity(float(round(days)), "day", language)
    if days < 730:
        return quantity(float(round(days / DAYS_PER_MONTH)), "month", language)
    return quantity(round(days / DAYS_PER_YEAR, 1), "year", language)


def relative(days: float, language: Language) -> str:
    """A date given in days from the application: "3.2 years ago", "in 2 months"."""
    past, future = _RELATIVE[language]
    return (future if days > 0 else past).format(duration(days, language))


def age_years(days_birth: float) -> int:
    """Completed years of age from ``DAYS_BIRTH`` (days before the application, negative)."""
    return math.floor(-days_birth / DAYS_PER_YEAR)


def signed(x: float, language: Language, decimals: int = 2) -> str:
    """A change with its sign and a true minus: "+0.74", "−0.30"; no sign on zero."""
    text = number(abs(x), language, decimals)
    if round(abs(x), decimals) == 0:
        return text
    return ("+" if x > 0 else MINUS) + text


def date(day: Date, language: Language) -> str:
    """A calendar date in words: "6 December 2026" / "6 décembre 2026" ("1er" in French)."""
    first = "1er" if language == "fr" and day.day == 1 else str(day.day)
    return f"{first} {_MONTHS[language][day.month - 1]} {day.year}"
