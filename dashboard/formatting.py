"""Human units: the values the advisor reads to the client, in English or French.

Column labels come from :mod:`scoring.schema` (one source of truth, English and French);
the API labels model features itself. This module only turns raw values into words the
client understands: days into years, amounts with separators, probabilities into
percentages, and a decision into a sentence; the phrases are in :mod:`dashboard.wording`.
"""

from __future__ import annotations

import math
import re
from typing import Any

from dashboard.wording import Language, word
from scoring.schema import APPLICATION_TRAIN
from scoring.schema.common import SENTINEL_DAYS

DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12
# "(days before application)" and its kin: the value already reads "3.2 years ago".
_RELATIVE_DATE = re.compile(
    r"\s\((?:days|months|jours|mois)\b[^)]*\)|\s\((?:relative to|par rapport à) [^)]*\)"
)


def number(x: float, language: Language, decimals: int = 0) -> str:
    """Separators of the language: 1,234.5 in English, 1 234,5 in French."""
    text = f"{x:,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]  # no "-0"
    return text if language == "en" else text.translate(str.maketrans({",": "\u202f", ".": ","}))


def percent(p: float, language: Language, decimals: int = 1) -> str:
    """A probability or ratio as a percentage: 0.042 → "4.2 %"."""
    return f"{number(100.0 * p, language, decimals)} %"


def amount(x: float | None, language: Language) -> str:
    """A money amount in whole units (the data carries no currency)."""
    return word("unknown", language) if _missing(x) else number(float(x), language)


def age_years(days_birth: float) -> int:
    """Completed years of age from ``DAYS_BIRTH`` (days before the application, negative)."""
    return math.floor(-days_birth / DAYS_PER_YEAR)


def duration(days: float, language: Language) -> str:
    """A span in the largest readable unit: days, months, then years."""
    days = abs(days)
    if days < 60:
        return word("days", language, n=number(days, language))
    if days < 730:
        return word("months", language, n=number(days / DAYS_PER_MONTH, language))
    return word("years", language, n=number(days / DAYS_PER_YEAR, language, 1))


def employment(days_employed: float | None, language: Language) -> str:
    """Time in the current job, or "not employed / pensioner" for the 365243 sentinel."""
    if _missing(days_employed):
        return word("unknown", language)
    if days_employed == SENTINEL_DAYS:
        return word("not_employed", language)
    return word("ago", language, span=duration(days_employed, language))


def without_date_unit(label: str) -> str:
    """A label without "(days before application)": the value says "3 years ago"."""
    return _RELATIVE_DATE.sub("", label)


def column_label(name: str, language: Language) -> str:
    """The schema's label of an application column, in ``language``."""
    column = APPLICATION_TRAIN[name]
    return without_date_unit(column.label_en if language == "en" else column.label_fr)


def column_value(name: str, value: Any, language: Language) -> str:
    """An application value in human units, following the schema's unit of the column."""
    column = APPLICATION_TRAIN[name]
    if _missing(value):
        return word("unknown", language)
    if column.is_categorical:
        return {"Y": word("yes", language), "N": word("no", language)}.get(value, str(value))
    if name == "DAYS_BIRTH":
        return word("years", language, n=age_years(value))
    if name == "DAYS_EMPLOYED":
        return employment(value, language)
    return feature_value(name, float(value), column.unit, language)


def feature_value(name: str, value: float | None, unit: str | None, language: Language) -> str:
    """A model feature's value (unit from GET /model) in human units."""
    if _missing(value):
        return word("unknown", language)
    if unit in ("days", "months") and name.endswith("_SUM"):
        unit = None  # a total of relative dates is no date ("278 years ago")
    if name in ("DAYS_BIRTH", "DAYS_EMPLOYED"):
        return column_value(name, value, language)
    if unit in ("days", "months"):
        days = value if unit == "days" else value * DAYS_PER_MONTH
        return word("in" if days > 0 else "ago", language, span=duration(days, language))
    if unit == "flag" and value in (0.0, 1.0):
        return word("yes" if value else "no", language)
    if unit == "ratio":
        return percent(value, language)
    if unit == "currency":
        return amount(value, language)
    if unit == "years":
        return word("years", language, n=number(value, language))
    if unit == "hours":
        return f"{number(value, language)} h"
    decimals = 0 if float(value).is_integer() or abs(value) >= 100 else 2
    return number(value, language, decimals)


def verdict(decision: str, probability: float, threshold: float, language: Language) -> str:
    """The decision as a sentence for a non-expert, with the risk and the limit."""
    key = "granted" if decision == "granted" else "refused"
    return word(
        key, language, risk=percent(probability, language), limit=percent(threshold, language)
    )


def distance(probability: float, threshold: float, language: Language) -> str:
    """How far the risk is from the limit, in percentage points, with an arrow."""
    points = number(abs(probability - threshold) * 100, language, 1)
    return word("below" if probability < threshold else "above", language, points=points)


def signed(x: float, language: Language, decimals: int = 2) -> str:
    """A change with its sign and a true minus: "+0.74", "−0.30"; no sign on zero."""
    text = number(abs(x), language, decimals)
    if round(abs(x), decimals) == 0:
        return text
    return ("+" if x > 0 else "−") + text


def points(change: float, language: Language) -> str:
    """A change of probability in signed percentage points: "+1.6", "−0.4", "0.0"."""
    return signed(change * 100, language, 1)


def effect(contribution: float, language: Language) -> str:
    """Whether a factor raises or lowers the risk, with an arrow (never colour alone)."""
    return word("raises" if contribution > 0 else "lowers", language)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
