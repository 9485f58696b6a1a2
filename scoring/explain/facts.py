"""The facts an explanation may quote: a feature as a person reads it, with its value and
where it stands among all applicants.

Most features are aggregates nobody thinks in ("share of months with status X"); only the
ones below have a plain reading, in English and French. A reason quotes the fact of its
group that pushed the same way the group did, so the fact never contradicts the reason.
One-hot siblings of a category (income type, housing…) form one fact whose value is the
client's level, named by :mod:`scoring.wording.levels`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import numpy as np

from scoring.features import FEATURE_NAMES
from scoring.features.application import BINARY, ONE_HOT, TABLE
from scoring.features.groups import FEATURE_GROUPS
from scoring.features.labels import safe_name
from scoring.wording import Language
from scoring.wording.formats import (
    age_years,
    amount,
    duration,
    number,
    percent,
    quantity,
)
from scoring.wording.levels import level_name

Kind = Literal["amount", "share", "count", "score", "age", "since", "days", "term", "level"]


@dataclass(frozen=True)
class Fact:
    """A feature (or a category's one-hot siblings) with a plain reading.

    ``kind`` says how its value reads: an amount, a share (%), a count, a score, an age
    (from days of birth), a time since a past date (``since``, from negative days), a
    number of days, a term in months (from the repayment rate), or a category level.
    """

    key: str
    label_en: str
    label_fr: str
    kind: Kind


# In each group, the facts an advisor can read to a client; every other feature still
# counts in its group's total, it is just never quoted.
FACTS: tuple[Fact, ...] = (
    Fact("EXT_SOURCE_1", "external score 1 (0 to 1)", "score externe 1 (de 0 à 1)", "score"),
    Fact("EXT_SOURCE_2", "external score 2 (0 to 1)", "score externe 2 (de 0 à 1)", "score"),
    Fact("EXT_SOURCE_3", "external score 3 (0 to 1)", "score externe 3 (de 0 à 1)", "score"),
    Fact("DAYS_BIRTH", "age", "âge", "age"),
    Fact("DAYS_EMPLOYED", "time in the current job", "ancienneté dans l'emploi actuel", "since"),
    Fact("NAME_INCOME_TYPE", "kind of income", "nature des revenus", "level"),
    Fact("OCCUPATION_TYPE", "occupation", "métier", "level"),
    Fact("AMT_INCOME_TOTAL", "yearly income", "revenu annuel", "amount"),
    Fact("ANNUITY_INCOME_PERC", "repayments as a share of income",
         "part des revenus prise par les remboursements", "share"),
    Fact("INCOME_PER_PERSON", "income per household member", "revenu par membre du foyer",
         "amount"),
    Fact("AMT_CREDIT", "amount of credit requested", "montant du crédit demandé", "amount"),
    Fact("AMT_ANNUITY", "repayment per period", "montant de chaque remboursement", "amount"),
    Fact("AMT_GOODS_PRICE", "price of the goods financed", "prix du bien financé", "amount"),
    Fact("CREDIT_GOODS_RATIO", "credit as a share of the goods' price",
         "crédit rapporté au prix du bien", "share"),
    Fact("PAYMENT_RATE", "term of the credit", "durée du crédit", "term"),
    Fact("NAME_CONTRACT_TYPE", "kind of credit", "type de crédit", "level"),
    Fact("NAME_EDUCATION_TYPE", "education", "niveau d'études", "level"),
    Fact("NAME_FAMILY_STATUS", "family status", "situation familiale", "level"),
    Fact("CNT_CHILDREN", "children", "enfants", "count"),
    Fact("CNT_FAM_MEMBERS", "household members", "membres du foyer", "count"),
    Fact("NAME_HOUSING_TYPE", "housing", "logement", "level"),
    Fact("FLAG_OWN_REALTY", "owns a home", "propriétaire d'un logement", "level"),
    Fact("FLAG_OWN_CAR", "owns a car", "propriétaire d'une voiture", "level"),
    Fact("REGION_RATING_CLIENT", "rating of the region (1 best, 3 worst)",
         "note de la région (1 la meilleure, 3 la moins bonne)", "count"),
    Fact("DAYS_ID_PUBLISH", "time since the identity document was issued",
         "temps écoulé depuis la délivrance de la pièce d'identité", "since"),
    Fact("DAYS_REGISTRATION", "time since the registration last changed",
         "temps écoulé depuis le dernier changement d'enregistrement", "since"),
    Fact("DAYS_LAST_PHONE_CHANGE", "time since the phone number last changed",
         "temps écoulé depuis le dernier changement de téléphone", "since"),
    Fact("AMT_REQ_CREDIT_BUREAU_YEAR", "credit enquiries about you in the last year",
         "consultations du bureau de crédit à votre sujet sur un an", "count"),
    Fact("AMT_REQ_CREDIT_BUREAU_QRT", "credit enquiries about you in the last three months",
         "consultations du bureau de crédit à votre sujet sur trois mois", "count"),
    Fact("BURO_CREDIT_DAY_OVERDUE_MAX", "longest current delay on a credit elsewhere",
         "plus long retard en cours sur un crédit ailleurs", "days"),
    Fact("BURO_AMT_CREDIT_SUM_OVERDUE_MEAN", "amount overdue on credits elsewhere",
         "montant en retard sur les crédits ailleurs", "amount"),
    Fact("BURO_STATUS_1_MEAN_MEAN", "months with a late payment at other lenders",
         "mois avec un retard de paiement chez d'autres prêteurs", "share"),
    Fact("BURO_CREDIT_ACTIVE_Bad_debt_MEAN", "credits elsewhere written off as bad debt",
         "crédits passés en perte chez d'autres prêteurs", "share"),
    Fact("ACTIVE_AMT_CREDIT_SUM_DEBT_SUM", "debt still owed to other lenders",
         "dette restant due à d'autres prêteurs", "amount"),
    Fact("BURO_CREDIT_ACTIVE_Active_MEAN", "credits elsewhere still being repaid",
         "crédits ailleurs encore en cours de remboursement", "share"),
    Fact("BURO_COUNT", "credits with other lenders", "crédits chez d'autres prêteurs", "count"),
    Fact("BURO_DAYS_CREDIT_MIN", "time since the first credit elsewhere",
         "temps écoulé depuis le premier crédit ailleurs", "since"),
    Fact("BURO_DAYS_CREDIT_MAX", "time since the latest credit elsewhere",
         "temps écoulé depuis le dernier crédit ailleurs", "since"),
    Fact("PREV_NAME_CONTRACT_STATUS_Refused_MEAN", "previous applications with us refused",
         "demandes précédentes chez nous refusées", "share"),
    Fact("PREV_COUNT", "previous applications with us", "demandes précédentes chez nous",
         "count"),
    Fact("PREV_NAME_CONTRACT_STATUS_Approved_MEAN", "previous applications with us approved",
         "demandes précédentes chez nous acceptées", "share"),
    Fact("APPROVED_AMT_CREDIT_MAX", "largest credit we granted before",
         "plus gros crédit que nous avons accordé", "amount"),
    Fact("PREV_DAYS_DECISION_MAX", "time since the latest previous application",
         "temps écoulé depuis la dernière demande", "since"),
    Fact("INSTAL_DPD_MEAN", "usual delay on past instalments with us",
         "retard habituel sur les échéances passées chez nous", "days"),
    Fact("INSTAL_DPD_MAX", "longest delay on an instalment with us",
         "plus long retard sur une échéance chez nous", "days"),
    Fact("INSTAL_PAYMENT_PERC_MEAN", "part of each past instalment paid",
         "part payée de chaque échéance passée", "share"),
    Fact("INSTAL_DBD_MEAN", "how early instalments with us were usually paid",
         "avance habituelle de paiement des échéances chez nous", "days"),
    Fact("POS_SK_DPD_MAX", "longest delay on a consumer or cash loan with us",
         "plus long retard sur un crédit à la consommation chez nous", "days"),
    Fact("POS_COUNT", "months of consumer and cash loans with us",
         "mois de crédits à la consommation chez nous", "count"),
    Fact("CC_SK_DPD_MAX", "longest delay on a credit card with us",
         "plus long retard sur une carte de crédit chez nous", "days"),
    Fact("CC_UTILISATION_MEAN", "card balance as a share of its limit",
         "solde de la carte rapporté à son plafond", "share"),
)  # fmt: skip
_POSITION = {name: i for i, name in enumerate(FEATURE_NAMES)}


@cache  # a fact's positions never change; /explain asks for them ~70 times a call
def positions(fact: Fact) -> tuple[int, ...]:
    """The feature positions a fact sums: one, or a category's one-hot siblings."""
    if fact.key in ONE_HOT:
        levels = TABLE[fact.key].levels
        return tuple(_POSITION[f"{fact.key}_{safe_name(level)}"] for level in levels)
    return (_POSITION[fact.key],)


@cache
def indices(fact: Fact) -> list[int]:
    """:func:`positions` as a list, the form NumPy indexes an array with (not to be changed)."""
    return list(positions(fact))


# Which features each fact sums, as 0/1 rows: one product gives every fact's share of a
# client's contributions, where a sum per fact cost ~60 NumPy calls per /explain.
_MEMBERSHIP = np.zeros((len(FACTS), len(FEATURE_NAMES)))
for _row, _fact in enumerate(FACTS):
    _MEMBERSHIP[_row, indices(_fact)] = 1.0
_ROW = {fact.key: row for row, fact in enumerate(FACTS)}  # by key: a str's hash is cached
FACTS_BY_GROUP: dict[str, list[Fact]] = {}  # a group's facts, in FACTS order
for _fact in FACTS:
    FACTS_BY_GROUP.setdefault(FEATURE_GROUPS[positions(_fact)[0]], []).append(_fact)


@dataclass(frozen=True)
class FactShares:
    """How much each fact moved one client's score (log-odds), computed once per answer."""

    shares: np.ndarray

    @classmethod
    def of(cls, contributions: np.ndarray) -> FactShares:
        """The shares of ``contributions`` (one per feature, in ``FEATURE_NAMES`` order)."""
        return cls(_MEMBERSHIP @ np.asarray(contributions, dtype=np.float64))

    def __getitem__(self, fact: Fact) -> float:
        return float(self.shares[_ROW[fact.key]])


def value_text(
    fact: Fact, values: np.ndarray, language: Language, currency: str = ""
) -> str | None:
    """The client's value in human units, or None when it is unknown."""
    if fact.kind == "level":
        return _level(fact, values, language)
    x = float(values[_POSITION[fact.key]])
    if np.isnan(x):
        return None
    if fact.kind == "amount":
        return amount(x, language, currency)
    if fact.kind == "share":
        return percent(x, language, 0 if round(100 * x, 1).is_integer() else 1)
    if fact.kind == "count":
        return number(x, language, 0 if x.is_integer() else 1)
    if fact.kind == "score":
        return number(x, language, 2)
    if fact.kind == "age":
        return quantity(age_years(x), "year", language)
    if fact.kind == "since":
        return duration(x, language)
    if fact.kind == "days":
        return quantity(round(x, 1), "day", language)
    return quantity(round(1.0 / x), "month", language) if x > 0 else None  # term


def comparison(
    fact: Fact, values: np.ndarray, reference: Mapping[str, Any], language: Language
) -> str | None:
    """Where the value stands among applicants, from the training percentiles; None when
    nothing meaningful can be said (a category, an unknown value, no reference)."""
    if fact.kind == "level":
        return None
    x = float(values[_POSITION[fact.key]])
    percentiles = (reference.get(fact.key) or {}).get("percentiles")
    if np.isnan(x) or not percentiles:
        return None
    q = np.asarray(percentiles, dtype=np.float64)
    below = min(int(np.searchsorted(q, x, side="left")), 100)  # % of applicants lower
    above = min(len(q) - int(np.searchsorted(q, x, side="right")), 100)  # % higher
    if fact.kind in ("age", "since"):  # days before the application: lower is longer ago
        below, above = above, below
    if max(below, above) == 0:
        return None
    higher = below >= above
    share = percent(min(below if higher else above, 99) / 100, language, 0)  # never "all"
    return _COMPARISONS[language][(fact.kind == "age", higher)].format(share=share)


_COMPARISONS = {  # neutral phrasing: no agreement with the fact's noun or the client
    "en": {
        (True, True): "older than {share} of applicants",
        (True, False): "younger than {share} of applicants",
        (False, True): "above {share} of applicants",
        (False, False): "below {share} of applicants",
    },
    "fr": {
        (True, True): "au-dessus de {share} des demandeurs",
        (True, False): "en dessous de {share} des demandeurs",
        (False, True): "au-dessus de {share} des demandeurs",
        (False, False): "en dessous de {share} des demandeurs",
    },
}


def _level(fact: Fact, values: np.ndarray, language: Language) -> str | None:
    """The client's category: the one-hot position set to 1, or the binary's 0/1 level."""
    x = values[indices(fact)]
    if fact.key in BINARY:
        level = BINARY[fact.key][int(x[0])] if x[0] in (0.0, 1.0) else None
    else:
        active = np.flatnonzero(x == 1.0)
        level = TABLE[fact.key].levels[active[0]] if len(active) else None
    return None if level is None else level_name(fact.key, level, language)
