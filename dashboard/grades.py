"""The score in points and its risk grade, beside the probability: a sentence for the
client, and a table of what every grade means, from the API's answer and the ``scale`` of
GET /model (the figures training measured on applicants the model had not seen)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from dashboard.wording import word
from scoring.wording import Language
from scoring.wording.formats import number, percent
from scoring.wording.grades import grade_meaning

COLUMNS = (
    "col_grade",
    "col_meaning",
    "col_grade_risk",
    "col_grade_score",
    "col_grade_share",
    "col_grade_observed",
)


def score_sentence(answer: Mapping[str, Any], language: Language) -> str:
    """ "Credit score 578 (the higher, the safer). Risk grade B: low risk." and, when
    training measured it, how often past applicants of that grade had payment difficulties;
    empty for an answer without points (a service older than the points scale)."""
    if answer.get("points") is None or not answer.get("grade"):
        return ""
    grade = answer["grade"]
    text = word(
        "score_line",
        language,
        points=number(answer["points"], language),
        grade=grade,
        meaning=grade_meaning(grade, language),
    )
    rate = answer.get("grade_default_rate")
    if rate is not None:
        text += " " + word("grade_observed", language, grade=grade, rate=percent(rate, language))
    return text


def grades_frame(
    scale: Mapping[str, Any], language: Language, current: str | None = None
) -> pd.DataFrame:
    """One row a grade, safest first, headed by the grade (``current`` marked as the
    client's): its meaning, risk and score ranges, share of applicants and how many had
    payment difficulties."""
    rows = []
    for row in scale.get("grades") or ():
        grade = row["grade"]
        observed = row.get("observed_rate")
        rows.append(
            [
                word("this_grade", language, grade=grade) if grade == current else grade,
                grade_meaning(grade, language),
                _risk_range(row["probability_from"], row["probability_to"], language),
                _score_range(row.get("points_from"), row.get("points_to"), language),
                percent(row.get("share") or 0.0, language),
                word("no_figure", language) if observed is None else percent(observed, language),
            ]
        )
    return pd.DataFrame(rows, columns=[word(column, language) for column in COLUMNS])


def _share(value: float, language: Language) -> str:
    """A band's edge as a percentage, without a needless ".0": "2.5%", "5%"."""
    tenths = round(1000 * value)
    return percent(value, language, 0 if tenths % 10 == 0 else 1)


def _risk_range(low: float, high: float, language: Language) -> str:
    if low <= 0:
        return word("risk_to", language, high=_share(high, language))
    if high >= 1:
        return word("risk_from", language, low=_share(low, language))
    return word("risk_range", language, low=_share(low, language), high=_share(high, language))


def _score_range(low: int | None, high: int | None, language: Language) -> str:
    if high is None:
        return word("score_from", language, low=number(low or 0, language))
    if low is None:
        return word("score_to", language, high=number(high, language))
    return word("score_range", language, low=number(low, language), high=number(high, language))
