"""Human units: the values the advisor reads to the client, in English or French.

Column labels come from :mod:`scoring.schema` (one source of truth, English and French);
the API labels model features itself. Numbers, amounts and durations are formatted by
:mod:`scoring.wording.formats`, as in the API's reasons; this module applies them to the
application's columns and the model's features, and turns a recommendation into a sentence
(the phrases are in :mod:`dashboard.wording`).
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from dashboard.config import DEFAULT_TIMEZONE
from dashboard.wording import word
from scoring.schema import APPLICATION_TRAIN
from scoring.schema.common import DAYS_PER_MONTH, SENTINEL_DAYS
from scoring.wording import Language
from scoring.wording.formats import (
    age_years,
    amount,
    date,
    is_missing,
    number,
    percent,
    quantity,
    relative,
    signed,
    unknown,
)
from scoring.wording.levels import level_name

# "(days before application)" and its kin: the value already reads "3.2 years ago".
_RELATIVE_DATE = re.compile(
    r"\s\((?:days|months|jours|mois)\b[^)]*\)|\s\((?:relative to|par rapport à) [^)]*\)"
)


def employment(days_employed: float | None, language: Language) -> str:
    """Time in the current job, or "not employed / pensioner" for the 365243 sentinel."""
    if is_missing(days_employed):
        return unknown(language)
    if days_employed == SENTINEL_DAYS:
        return word("not_employed", language)
    return relative(float(days_employed), language)  # type: ignore[arg-type]


def without_date_unit(label: str) -> str:
    """A label without "(days before application)": the value says "3 years ago"."""
    return _RELATIVE_DATE.sub("", label)


def column_label(name: str, language: Language) -> str:
    """The schema's label of an application column, in ``language``."""
    column = APPLICATION_TRAIN[name]
    return without_date_unit(column.label_en if language == "en" else column.label_fr)


def column_value(name: str, value: Any, language: Language, currency: str = "") -> str:
    """An application value in human units, following the schema's unit of the column."""
    column = APPLICATION_TRAIN[name]
    if is_missing(value):
        return unknown(language)
    if column.is_categorical:
        return level_name(name, str(value), language)
    if name == "DAYS_BIRTH":
        return quantity(age_years(value), "year", language)
    if name == "DAYS_EMPLOYED":
        return employment(value, language)
    return feature_value(name, float(value), column.unit, language, currency)


def feature_value(
    name: str, value: float | None, unit: str | None, language: Language, currency: str = ""
) -> str:
    """A model feature's value (unit from GET /model) in human units."""
    if value is None or math.isnan(value):
        return unknown(language)
    if unit in ("days", "months") and name.endswith("_SUM"):
        unit = None  # a total of relative dates is no date ("278 years ago")
    if name in ("DAYS_BIRTH", "DAYS_EMPLOYED"):
        return column_value(name, value, language)
    if unit in ("days", "months"):
        return relative(value if unit == "days" else value * DAYS_PER_MONTH, language)
    if unit == "flag" and value in (0.0, 1.0):
        return word("yes" if value else "no", language)
    if unit == "ratio":
        return percent(value, language)
    if unit == "currency":
        return amount(value, language, currency)
    if unit == "years":
        return quantity(value, "year", language)
    if unit == "hours":
        return f"{number(value, language)} h"
    decimals = 0 if float(value).is_integer() or abs(value) >= 100 else 2
    return number(value, language, decimals)


def verdict(
    recommendation: str,
    probability: float,
    threshold: float,
    language: Language,
    band: float = 0.0,
) -> str:
    """The model's recommendation as a sentence for a non-expert, with the risk and the
    limit; in the review band, that a person decides."""
    return word(
        f"verdict_{recommendation}",
        language,
        risk=percent(probability, language),
        limit=percent(threshold, language),
        band=band_points(band, language),
    )


def band_points(band: float, language: Language) -> str:
    """The review band's half-width in points: "2", "1,5"."""
    points_ = round(band * 100, 1)
    return number(points_, language, 0 if points_ == int(points_) else 1)


def distance(probability: float, threshold: float, language: Language) -> str:
    """How far the risk is from the limit, in percentage points, with an arrow."""
    points = number(abs(probability - threshold) * 100, language, 1)
    return word("below" if probability < threshold else "above", language, points=points)


def points(change: float, language: Language) -> str:
    """A change in percentage points with ▲/▼, never colour alone: "▲ +1.6 points"."""
    arrow = "" if round(change, 1) == 0 else ("▲" if change > 0 else "▼")
    return word("effect_points", language, arrow=arrow, points=signed(change, language, 1)).strip()


def trained_on(tag: str, created: str | None, language: Language) -> str:
    """ "Model <tag>, trained on 6 December 2026", the date in the advisor's language."""
    if not created:
        return word("model", language, tag=tag)
    day = datetime.fromisoformat(created).date()
    return word("model_trained", language, tag=tag, date=date(day, language))


def moment(timestamp: str, language: Language, zone: str = DEFAULT_TIMEZONE) -> str:
    """An ISO 8601 time from the records, in the advisors' time zone and words:
    "7 December 2026 at 10:14" / "7 décembre 2026 à 10:14"."""
    when = datetime.fromisoformat(timestamp).astimezone(ZoneInfo(zone))
    return word("at_time", language, date=date(when.date(), language), time=f"{when:%H:%M}")
