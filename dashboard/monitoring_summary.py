"""The monitor's document (``POST /monitoring``) in a supervisor's words: the period, the
status in a sentence, what the stability index means, the features that moved most and the
performance by month of decision, as sentences and tables in English or French.

Pure functions of the document, tested without a server or a browser; the figures are in
:mod:`dashboard.monitoring_charts`, the view in :mod:`dashboard.monitoring`. Features are named
by their labels (the document carries them in both languages), never by their column names.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date as Date
from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from dashboard.formatting import without_date_unit
from dashboard.wording import word
from scoring.wording import Language
from scoring.wording.formats import date, is_missing, number, percent

Document = Mapping[str, Any]
PERIODS = (7, 30, 90)  # days the supervisor can look back over, up to today
DEFAULT_DAYS = 30  # the API's default period
TOP = 10  # features in the table
# Below this many applications, chance alone moves the index: with the reference's ten
# deciles and a missing bin, an unchanged population's index averages about 10 / n (so 0.10,
# the watch threshold, at 100 applications) and an empty bin alone adds up to 0.7.
FEW_APPLICATIONS = 500
NONE = "—"  # a value the period does not have
_LEVEL_KEYS = {"stable": "stable", "watch": "watch", "act": "act", "no data": "no_data"}


def period_days(days: int, today: Date) -> tuple[Date, Date]:
    """The last ``days`` days up to ``today`` included, as the API takes them: [since, until)."""
    until = today + timedelta(days=1)
    return until - timedelta(days=days), until


def level_name(level: str, language: Language) -> str:
    """ "to watch" / "à surveiller", as the monitor's report says it."""
    return word(f"mon_level_{_LEVEL_KEYS[level]}", language)


def index_text(value: float | None, language: Language) -> str:
    """A stability index with two decimals ("0,16"); a dash when the period has none."""
    return NONE if value is None or is_missing(value) else number(value, language, 2)


def share_text(value: float | None, language: Language) -> str:
    """A share as a percentage; a dash when the period has none."""
    return NONE if value is None or is_missing(value) else percent(value, language)


def day_of(start: str) -> Date:
    """The day an ISO time of the records falls on (UTC, as the API counts days)."""
    return datetime.fromisoformat(start).date()


def month_name(month: str, language: Language) -> str:
    """ "2026-03" as "March 2026" / "mars 2026"."""
    return date(Date.fromisoformat(f"{month}-01"), language).split(" ", 1)[1]


def singular(n: int, language: Language) -> bool:
    """Whether ``n`` takes the singular: 1 in English; 0 and 1 in French."""
    return n == 1 if language == "en" else n < 2


def applications_text(n: int, language: Language) -> str:
    """ "1 application counted", "4,200 applications counted", "0 demande comptée"."""
    if singular(n, language):
        return word("mon_applications_one", language, n=number(n, language))
    return word("mon_applications_many", language, n=number(n, language))


def period_text(document: Document, language: Language) -> str:
    """The period's first and last days, what was counted and the model. ``until`` is
    excluded, so the last day shown is the day before it."""
    since, until = document["period"]["since"], document["period"]["until"]
    last = Date.fromisoformat(until) - timedelta(days=1)
    return word(
        "mon_period",
        language,
        since=date(Date.fromisoformat(since), language),
        until=date(last, language),
        applications=applications_text(document["applications"], language),
        model=document["model"],
    )


def no_data(document: Document) -> bool:
    """Whether no application was counted: there is nothing to compare."""
    return document["applications"] == 0 or document["status"] == "no data"


def _features(n: int, language: Language) -> str:
    key = "mon_feature_one" if singular(n, language) else "mon_feature_many"
    return word(key, language, n=number(n, language))


def status_text(document: Document, language: Language) -> str:
    """The status in one or two sentences: what crossed which threshold."""
    status = document["status"]
    if no_data(document):
        return word("mon_status_no_data", language)
    if status == "stable":
        return word("mon_status_stable", language)
    levels = [f["level"] for f in document["features"]]
    features = levels.count(status)
    score = document["score"]["level"] == status
    subjects = _features(features, language)
    if score:
        subjects = (
            word("mon_score_and", language, features=subjects)
            if features
            else word("mon_the_score", language)
        )
    verb = word("mon_verb_one" if singular(features + score, language) else "mon_verb_many",
                language)  # fmt: skip
    sentence = word(f"mon_status_{status}", language, subjects=subjects, verb=verb)
    watched = levels.count("watch")
    if status == "act" and watched:
        more = "mon_more_watch_one" if singular(watched, language) else "mon_more_watch_many"
        sentence += " " + word(more, language, n=number(watched, language))
    return sentence


def score_text(document: Document, language: Language) -> str:
    """The score's own index and level."""
    score = document["score"]
    index = index_text(score["psi"], language)
    return word("mon_score", language, index=index, level=level_name(score["level"], language))


def explained(document: Document, language: Language) -> str:
    """What the stability index and the document's thresholds mean, in one sentence."""
    thresholds = document["thresholds"]
    return word(
        "mon_explained",
        language,
        watch=index_text(thresholds["watch"], language),
        act=index_text(thresholds["act"], language),
    )


def few_text(document: Document, language: Language) -> str | None:
    """A caution when too few applications were counted to trust the index, else None."""
    n = document["applications"]
    if no_data(document) or n >= FEW_APPLICATIONS:
        return None
    return word(
        "mon_few",
        language,
        applications=applications_text(n, language),
        minimum=number(FEW_APPLICATIONS, language),
    )


def feature_label(feature: Mapping[str, Any], language: Language) -> str:
    """A feature's label without "(days before application)", which says how it is stored."""
    return without_date_unit(feature[f"label_{language}"])


def labels(document: Document, language: Language) -> dict[str, str]:
    """Each feature's label by its name, to name the features the windows list."""
    return {f["name"]: feature_label(f, language) for f in document["features"]}


def top_text(document: Document, language: Language, top: int = TOP) -> str:
    """How many features crossed a threshold, and how many the table lists."""
    features = document["features"]
    flagged = sum(f["level"] in ("watch", "act") for f in features)
    key = "mon_top_none" if not flagged else "mon_top_one" if flagged == 1 else "mon_top_many"
    return word(
        key,
        language,
        flagged=number(flagged, language),
        total=number(len(features), language),
        shown=number(min(top, len(features)), language),
    )


def features_table(document: Document, language: Language, top: int = TOP) -> pd.DataFrame:
    """The ``top`` features that moved most (the document ranks them), in words."""
    keys = ("mon_col_feature", "mon_col_group", "mon_col_index", "mon_col_level",
            "mon_col_missing_now", "mon_col_missing_training", "mon_col_weight")  # fmt: skip
    rows = [
        (
            feature_label(f, language),
            f[f"group_{language}"],
            index_text(f["psi"], language),
            level_name(f["level"], language),
            share_text(f["missing"], language),
            share_text(f["reference_missing"], language),
            share_text(f["importance"], language),
        )
        for f in document["features"][:top]
    ]
    return pd.DataFrame(rows, columns=[word(key, language) for key in keys])


def outcomes_known(document: Document) -> bool:
    """Whether any month has a repayment outcome, so an observed default rate."""
    return any(v["observed_default_rate"] is not None for v in document["vintages"])


def _observed(vintage: Mapping[str, Any], language: Language) -> str:
    """The observed rate beside the rate expected of the same credits, or "not known yet"."""
    if vintage["observed_default_rate"] is None:
        return word("mon_pending", language)
    return word(
        "mon_observed_cell",
        language,
        observed=percent(vintage["observed_default_rate"], language),
        expected=share_text(vintage["expected_default_rate_known"], language),
    )


def vintages_table(document: Document, language: Language) -> pd.DataFrame:
    """One row a month of decisions, oldest first; without any outcome known, the expected
    default rate only."""
    known = outcomes_known(document)
    keys = ["mon_col_month", "mon_col_decided", "mon_col_granted", "mon_col_against",
            "mon_col_reviewed", "mon_col_expected"]  # fmt: skip
    if known:
        keys += ["mon_col_known", "mon_col_observed"]
    rows = []
    for v in document["vintages"]:
        row = [
            month_name(v["month"], language),
            number(v["decided"], language),
            percent(v["approval_rate"], language),
            percent(v["override_rate"], language),
            number(v["reviewed"], language),
            share_text(v["expected_default_rate"], language),
        ]
        if known:
            row += [number(v["outcomes_known"], language), _observed(v, language)]
        rows.append(row)
    return pd.DataFrame(rows, columns=[word(key, language) for key in keys])
