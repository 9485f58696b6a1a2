"""Reason codes: the principal reasons of a decision, as a letter to the client states them.

A reason is a group of features (:mod:`scoring.features.groups`) that pushed the score one
way, with a stable code, a sentence in English and French, and the fact of the group that
pushed the same way, in human units and placed among applicants. A refusal gives at most
:data:`MAX_REASONS` reasons, all raising the risk; a grant gives its main supporting
reasons, all lowering it. When a group speaks of a history the client does not have, the
reason says so ("First application with us") instead of quoting unknown values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from scoring.explain.facts import (
    FACTS_BY_GROUP,
    Fact,
    FactShares,
    comparison,
    value_text,
)
from scoring.features import FEATURE_NAMES
from scoring.features.groups import GROUP_BY_CODE, GROUP_INDEX, GROUPS
from scoring.wording import LANGUAGES, Language

MAX_REASONS = 4  # adverse-action notices state a few principal reasons
NEGLIGIBLE = 1e-6  # |log-odds| below which a group did not move the score
Direction = Literal["raises", "lowers"]
_DIRECTIONS: tuple[Direction, ...] = ("raises", "lowers")
_POSITION = {name: i for i, name in enumerate(FEATURE_NAMES)}

# A history the client does not have: the group's count is unknown (not provided) or zero.
_ABSENT: dict[str, tuple[str, str]] = {  # group -> (count feature, reason code)
    "bureau_overdue": ("BURO_COUNT", "no_bureau_record"),
    "bureau_current": ("BURO_COUNT", "no_bureau_record"),
    "bureau_history": ("BURO_COUNT", "no_bureau_record"),
    "previous_applications": ("PREV_COUNT", "first_application"),
    "previous_refusals": ("PREV_COUNT", "first_application"),
    "instalments": ("INSTAL_COUNT", "no_loan_with_us"),
    "consumer_loans": ("POS_COUNT", "no_loan_with_us"),
    "credit_cards": ("CC_COUNT", "no_card_with_us"),
}
# Sentences of the codes that are not a group's: what an absent history or status means.
SPECIAL: dict[str, dict[Language, str]] = {
    "no_bureau_record": {
        "en": "No record of credits with other lenders",
        "fr": "Aucun crédit connu chez d'autres prêteurs",
    },
    "first_application": {"en": "First application with us", "fr": "Première demande chez nous"},
    "no_loan_with_us": {
        "en": "No earlier loan with us",
        "fr": "Aucun crédit antérieur chez nous",
    },
    "no_card_with_us": {
        "en": "No earlier credit card with us",
        "fr": "Aucune carte de crédit antérieure chez nous",
    },
}
_EFFECT = {
    "en": {"raises": "This raises the risk.", "lowers": "This lowers the risk."},
    "fr": {"raises": "Cela augmente le risque.", "lowers": "Cela réduit le risque."},
}


@dataclass(frozen=True)
class Reason:
    """One principal reason: its code, sentence, direction and the quoted value."""

    code: str
    group: str
    direction: Direction
    text: str
    value: str | None
    contribution: float  # log-odds of the group


def reason_codes() -> list[dict[str, Any]]:
    """The published list: every code with the sentence a letter states, in each language.

    A reason given to a client adds the quoted fact to this sentence (see
    :func:`principal_reasons`); the code and the sentence never change between models.
    """
    codes: list[dict[str, Any]] = [
        {
            "code": f"{group.code}.{direction}",
            "group": group.code,
            "direction": direction,
            "text": {lang: code_sentence(group.code, direction, lang) for lang in LANGUAGES},
            "description": {"en": group.description_en, "fr": group.description_fr},
        }
        for group in GROUPS
        for direction in _DIRECTIONS
    ]
    codes += [
        {
            "code": code,
            "group": None,
            "direction": None,
            "text": {lang: f"{text[lang]}." for lang in LANGUAGES},
            "description": None,
        }
        for code, text in SPECIAL.items()
    ]
    return codes


def code_sentence(group: str, direction: Direction, language: Language) -> str:
    """The letter's sentence for a group's reason, e.g. "External credit scores: this raised
    the estimated risk." (no agreement to make in French with "cela a")."""
    return _SENTENCES[language][direction].format(label=_title(group, language))


_SENTENCES = {
    "en": {"raises": "{label}: this raised the estimated risk.",
           "lowers": "{label}: this lowered the estimated risk."},
    "fr": {"raises": "{label}\u00a0: cela a augmenté le risque estimé.",
           "lowers": "{label}\u00a0: cela a réduit le risque estimé."},
}  # fmt: skip


def group_totals(contributions: np.ndarray) -> np.ndarray:
    """Log-odds per group (in :data:`GROUPS` order): the exact sums of their features'."""
    return np.bincount(GROUP_INDEX, weights=contributions, minlength=len(GROUPS))


def principal_reasons(
    contributions: np.ndarray,
    values: np.ndarray,
    reference: Mapping[str, Any],
    refused: bool,
    language: Language,
    currency: str = "",
) -> list[Reason]:
    """The reasons of the decision: up to :data:`MAX_REASONS` groups pushing its way.

    ``contributions`` and ``values`` follow :data:`scoring.features.FEATURE_NAMES` (a
    feature the model does not use contributes 0); ``reference`` holds each feature's
    training percentiles, to place the client among applicants.
    """
    totals = group_totals(contributions)
    sign = 1.0 if refused else -1.0
    order = np.argsort(-sign * totals, kind="stable")
    chosen = [int(i) for i in order if sign * totals[i] > NEGLIGIBLE][:MAX_REASONS]
    direction: Direction = "raises" if refused else "lowers"
    shares = FactShares.of(contributions)
    reasons, codes = [], set()
    for index in chosen:
        reason = _reason(
            GROUPS[index].code, float(totals[index]), direction, shares, values,
            reference, language, currency,
        )  # fmt: skip
        if reason.code not in codes:  # two bureau groups with no record: one reason
            codes.add(reason.code)
            reasons.append(reason)
    return reasons


def rows_reasons(
    contributions: np.ndarray,
    values: np.ndarray,
    refused: np.ndarray,
    reference: Mapping[str, Any],
    language: Language,
    currency: str = "",
) -> list[list[Reason]]:
    """:func:`principal_reasons` of each row of a batch (a file, /predict_batch): rows of
    ``contributions`` and ``values``, refused where ``refused``."""
    return [
        principal_reasons(row, features, reference, bool(refusal), language, currency)
        for row, features, refusal in zip(contributions, values, refused, strict=True)
    ]


def reason_table(reasons: Sequence[Sequence[Reason]]) -> dict[str, list[str]]:
    """Columns ``reason_1_code``, ``reason_1_text``, … ``reason_4_text`` of each row's reasons
    (empty where fewer), so a mail merge can print a notice per row of a scored file."""
    columns: dict[str, list[str]] = {}
    for k in range(MAX_REASONS):
        given = [row[k] if k < len(row) else None for row in reasons]
        columns[f"reason_{k + 1}_code"] = [r.code if r else "" for r in given]
        columns[f"reason_{k + 1}_text"] = [r.text if r else "" for r in given]
    return columns


def _reason(
    group: str,
    total: float,
    direction: Direction,
    shares: FactShares,
    values: np.ndarray,
    reference: Mapping[str, Any],
    language: Language,
    currency: str,
) -> Reason:
    effect = _EFFECT[language][direction]
    absent = _ABSENT.get(group)
    if absent is not None and _has_none(values, absent[0]):
        code = absent[1]
        return Reason(code, group, direction, f"{SPECIAL[code][language]}. {effect}", None, total)
    code, title = f"{group}.{direction}", _title(group, language)
    fact = _quoted_fact(group, total, shares, values)
    if fact is None:  # nothing readable moved this way: say what the group covers
        text = f"{title} — {_lower_first(_description(group, language))} {effect}"
        return Reason(code, group, direction, text, None, total)
    value = value_text(fact, values, language, currency)
    label = fact.label_en if language == "en" else fact.label_fr
    place = comparison(fact, values, reference, language)
    colon = "\u00a0: " if language == "fr" else ": "  # French: a no-break space before ":"
    detail = f"{label}{colon}{value}" + (f" ({place})" if place else "")
    return Reason(code, group, direction, f"{title} — {detail}. {effect}", value, total)


def _quoted_fact(group: str, total: float, shares: FactShares, values: np.ndarray) -> Fact | None:
    """The group's readable fact that pushed most the way the group did, with a known value."""
    best, best_size = None, 0.0
    for fact in FACTS_BY_GROUP.get(group, []):
        moved = shares[fact]
        if moved * total > 0 and abs(moved) > best_size and _known(fact, values):
            best, best_size = fact, abs(moved)
    return best


def _known(fact: Fact, values: np.ndarray) -> bool:
    """Whether the client's value of ``fact`` can be said: a category none of whose levels
    is set (not given, or a level the model does not use) is as unknown as a missing number."""
    return value_text(fact, values, "en") is not None


def _has_none(values: np.ndarray, count_feature: str) -> bool:
    count = values[_POSITION[count_feature]]
    return bool(np.isnan(count) or count == 0)


def _description(group: str, language: Language) -> str:
    info = GROUP_BY_CODE[group]
    return info.description_en if language == "en" else info.description_fr


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _title(group: str, language: Language) -> str:
    info = GROUP_BY_CODE[group]
    return info.label_en if language == "en" else info.label_fr
