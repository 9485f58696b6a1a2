"""Principal reasons of a decision in plain English and French, from SHAP contributions.

An advisor must be able to read the reasons to the client (adverse-action style), so each
one is a short sentence about one fact of the file, in human units, placed among all
clients with the training percentiles. One-hot siblings of a categorical are one fact
("Income type: Working"), never "Income type = Pensioner is 0", so their contributions
are summed (SHAP values are additive). Pure functions: the caller passes the reference.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from scoring.features import FEATURES, FeatureInfo
from scoring.features.application import BINARY, ONE_HOT, TABLE
from scoring.features.labels import safe_name
from scoring.schema.common import DAYS_PER_MONTH
from scoring.serving.responses import MAX_REASONS, Reason, Reasons
from scoring.wording import Language
from scoring.wording.formats import (
    NARROW_SPACE,
    age_years,
    duration,
    number,
    percent,
    quantity,
    relative,
    unknown,
)
from scoring.wording.levels import level_name

NEGLIGIBLE = 1e-6  # |log-odds| below which a feature did not move the score
AGE = "DAYS_BIRTH"
# Relative-date suffixes of the labels: the value already says "3.2 years ago".
_DATE_SUFFIXES = (
    " (days before application)",
    " (days from application)",
    " (months before application)",
    " (relative to application)",
    " (jours avant la demande)",
    " (jours par rapport à la demande)",
    " (mois avant la demande)",
    " (par rapport à la demande)",
)
_TEMPLATES = {
    "en": (
        "{label} is {adjective} ({value}, {comparison} than {share} of clients): "
        "it {effect} the risk.",
        "{label}: {value}, which {effect} the risk.",
    ),
    "fr": (
        "{label} : {adjective} ({value} ; {comparison} que {share} des clients), "
        "ce qui {effect} le risque.",
        "{label} : {value}, ce qui {effect} le risque.",
    ),
}
_EFFECTS = {"en": ("raises", "lowers"), "fr": ("augmente", "réduit")}
# Per scale: (adjective, comparison) when the value is above most clients, then below.
_SCALES = {
    "en": {
        "number": (("high", "higher"), ("low", "lower")),
        "age": (("high", "older"), ("low", "younger")),
        "past": (("recent", "more recent"), ("old", "older")),
        "future": (("distant", "more distant"), ("near", "nearer")),
    },
    "fr": {
        "number": (("niveau élevé", "plus haut"), ("niveau faible", "plus bas")),
        "age": (("niveau élevé", "plus âgé"), ("niveau faible", "plus jeune")),
        "past": (("date récente", "plus récente"), ("date ancienne", "plus ancienne")),
        "future": (("date lointaine", "plus lointaine"), ("date proche", "plus proche")),
    },
}
_WORDS = {"en": {"yes": "yes", "no": "no"}, "fr": {"yes": "oui", "no": "non"}}
_EMPLOYED = {"en": "employed for {}", "fr": "en poste depuis {}"}  # DAYS_EMPLOYED, past


@dataclass(frozen=True)
class _Fact:
    """One fact about the client: a feature, or the one-hot siblings of one categorical.

    ``levels`` is empty for a number; for a one-hot group, the level of each position;
    for a binary categorical (one 0/1 feature), its (level for 0, level for 1).
    """

    key: str
    label_en: str
    label_fr: str
    unit: str | None
    positions: tuple[int, ...]
    levels: tuple[str, ...] = ()


def _facts() -> tuple[_Fact, ...]:
    """Every feature in exactly one fact, one-hot siblings gathered by their column."""
    position = {info.name: i for i, info in enumerate(FEATURES)}
    facts = [
        _Fact(
            name,
            TABLE[name].label_en,
            TABLE[name].label_fr,
            None,
            tuple(position[f"{name}_{safe_name(level)}"] for level in TABLE[name].levels),
            TABLE[name].levels,
        )
        for name in ONE_HOT
    ]
    facts += [
        _Fact(name, TABLE[name].label_en, TABLE[name].label_fr, None, (position[name],), levels)
        for name, levels in BINARY.items()
    ]
    taken = {i for fact in facts for i in fact.positions}
    facts += [
        _Fact(info.name, info.label_en, info.label_fr, _unit(info), (i,))
        for i, info in enumerate(FEATURES)
        if i not in taken
    ]
    return tuple(facts)


def _unit(info: FeatureInfo) -> str | None:
    """A total of relative dates is no date ("278 years ago"): shown as a plain number."""
    if info.unit in ("days", "months") and info.name.endswith("_SUM"):
        return None
    return info.unit


def _fact_of(facts: tuple[_Fact, ...]) -> np.ndarray:
    """Index of each feature's fact, to sum contributions per fact with one bincount."""
    index = np.empty(len(FEATURES), dtype=np.intp)
    for i, fact in enumerate(facts):
        index[list(fact.positions)] = i
    return index


_FACTS = _facts()
_FACT_OF = _fact_of(_FACTS)


def explain_reasons(
    contributions: np.ndarray,
    values: np.ndarray,
    reference: Mapping[str, Any],
    language: Language,
    top: int = MAX_REASONS,
) -> Reasons:
    """The ``top`` strongest facts pushing towards refusal and towards acceptance.

    ``contributions`` and ``values`` follow :data:`scoring.features.FEATURES`;
    ``reference`` is the model's reference JSON (its ``features`` percentiles place the
    client among all clients). Facts whose contribution is about 0 are left out.
    """
    totals = np.bincount(_FACT_OF, weights=contributions, minlength=len(_FACTS))
    order = np.argsort(-totals, kind="stable")
    refusal = [i for i in order[:top] if totals[i] > NEGLIGIBLE]
    acceptance = [i for i in order[::-1][:top] if totals[i] < -NEGLIGIBLE]
    stats = reference.get("features", {})
    return Reasons(
        towards_refusal=[_reason(_FACTS[i], totals[i], values, stats, language) for i in refusal],
        towards_acceptance=[
            _reason(_FACTS[i], totals[i], values, stats, language) for i in acceptance
        ],
    )


def _reason(
    fact: _Fact,
    contribution: float,
    values: np.ndarray,
    stats: Mapping[str, Any],
    language: Language,
) -> Reason:
    label = _label(fact, language)
    effect = _EFFECTS[language][0 if contribution > 0 else 1]
    ranked, plain = _TEMPLATES[language]
    if fact.levels:
        value, rank = _level(fact, values, language), None
    else:
        x = float(values[fact.positions[0]])
        value, rank = _display(fact, x, language), _rank(fact, x, stats.get(fact.key), language)
    fields = {"label": label, "value": value, "effect": effect}
    text = plain.format(**fields) if rank is None else ranked.format(**fields, **rank)
    return Reason(
        feature=fact.key, label=label, value=value, contribution=float(contribution), text=text
    )


def _label(fact: _Fact, language: Language) -> str:
    label = fact.label_en if language == "en" else fact.label_fr
    if fact.unit in ("days", "months"):
        for suffix in _DATE_SUFFIXES:
            label = label.replace(suffix, "")
    return label


def _level(fact: _Fact, values: np.ndarray, language: Language) -> str:
    """The client's category: the one-hot position set to 1, or the binary's 0/1 level."""
    x = values[list(fact.positions)]
    if len(fact.positions) == 1:  # NaN (or anything but 0/1) is an unknown level
        level = fact.levels[int(x[0])] if x[0] in (0.0, 1.0) else None
    else:
        active = np.flatnonzero(x == 1.0)
        level = fact.levels[active[0]] if len(active) else None
    if level is None:
        return unknown(language)
    return level_name(fact.key, level, language)


def _scale(fact: _Fact, x: float) -> str:
    """How to compare: dates read as recent/old, the age as older/younger."""
    if fact.key == AGE:
        return "age"
    if fact.unit in ("days", "months"):
        return "past" if x <= 0 else "future"
    return "number"


def _rank(
    fact: _Fact, x: float, stats: Mapping[str, Any] | None, language: Language
) -> dict[str, Any] | None:
    """Adjective, comparison and share of clients, from the reference percentiles.

    None when there is nothing to compare: unknown value, flag, no percentiles, or a value
    equal to every percentile.
    """
    percentiles = (stats or {}).get("percentiles")
    if np.isnan(x) or fact.unit == "flag" or not percentiles:
        return None
    q = np.asarray(percentiles, dtype=np.float64)
    below = min(int(np.searchsorted(q, x, side="left")), 100)  # % of clients lower
    above = min(len(q) - int(np.searchsorted(q, x, side="right")), 100)  # % higher
    scale = _scale(fact, x)
    if scale == "age":  # a lower DAYS_BIRTH is an older client
        below, above = above, below
    if max(below, above) == 0:
        return None
    up = below >= above
    adjective, comparison = _SCALES[language][scale][0 if up else 1]
    share = percent((below if up else above) / 100, language, 0)
    return {"adjective": adjective, "comparison": comparison, "share": share}


def _display(fact: _Fact, x: float, language: Language) -> str:
    """The value in human units: years, months, amounts with separators, percentages."""
    if np.isnan(x):
        return unknown(language)
    if fact.key == AGE:
        return quantity(age_years(x), "year", language)
    if fact.unit == "days" and fact.key == "DAYS_EMPLOYED" and x <= 0:
        return _EMPLOYED[language].format(duration(x, language))
    if fact.unit in ("days", "months"):
        return relative(x if fact.unit == "days" else x * DAYS_PER_MONTH, language)
    if fact.unit == "flag" and x in (0.0, 1.0):
        return _WORDS[language]["yes" if x == 1.0 else "no"]
    if fact.unit in ("ratio", "flag"):
        return percent(x, language, 0 if (100.0 * x).is_integer() else 1)
    if fact.unit == "years":
        return quantity(x, "year", language)
    if fact.unit == "hours":
        return f"{number(x, language)}{NARROW_SPACE if language == 'fr' else ' '}h"
    if fact.unit == "currency":
        return number(x, language, 0 if abs(x) >= 100 or x.is_integer() else 2)
    return number(x, language, _decimals(x))


def _decimals(x: float) -> int:
    """Enough decimals to tell values apart, none for large or whole numbers."""
    if x.is_integer() or abs(x) >= 100:
        return 0
    return 2 if abs(x) < 10 else 1
