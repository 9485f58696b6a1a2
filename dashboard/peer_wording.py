"""The peer views' phrases and value formats, in English and French.

Kept beside :mod:`dashboard.wording` in the same shape (one dict per language, the same
keys in both) so the two can be merged or reviewed together; snapshot column labels come
from :mod:`scoring.descriptors`, feature labels from the feature catalogue.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.formatting import feature_value
from dashboard.peer_groups import Rank
from scoring.descriptors import DESCRIPTOR_BY_NAME, label
from scoring.features import FEATURES
from scoring.wording import Language
from scoring.wording.formats import amount, number, percent, quantity, unknown

PEER_WORDS: dict[Language, dict[str, str]] = {
    "en": {
        "mode": "Compare with",
        "mode_all": "All clients",
        "mode_similar": "Similar clients (shared traits)",
        "mode_neighbours": "Nearest neighbours",
        "mode_outcome": "Repaid vs defaulted",
        "mode_decision": "Granted vs refused",
        "filters": "Similar on",
        "filter_gender": "Gender",
        "filter_age_band": "Age band (10 years)",
        "filter_income_band": "Income band (quintile)",
        "filter_contract_type": "Contract type",
        "filter_education": "Education",
        "filter_family_status": "Family status",
        "filter_income_type": "Income type",
        "filter_housing": "Housing",
        "neighbours": "Number of neighbours",
        "feature": "Characteristic",
        "feature_y": "Second characteristic (vertical axis)",
        "group_all": "All clients",
        "group_similar": "Similar clients",
        "group_neighbours": "Nearest neighbours",
        "group_repaid": "Clients who repaid",
        "group_defaulted": "Clients who defaulted",
        "group_granted": "Granted clients",
        "group_refused": "Refused clients",
        "of_all": "of all clients",
        "of_similar": "of similar clients",
        "of_neighbours": "of the nearest neighbours",
        "of_repaid": "of clients who repaid",
        "of_defaulted": "of clients who defaulted",
        "of_granted": "of granted clients",
        "of_refused": "of refused clients",
        "rank": "Higher than {below} {of_group} ({n} clients with a known value).",
        "rank_ties": "Higher than {below} and equal to {equal} {of_group} "
        "({n} clients with a known value).",
        "no_rank": "{group}: no comparison, {reason}.",
        "unknown_value": "the client's value is unknown",
        "empty_group": "no client with a known value",
        "client": "this client: {value}",
        "share": "Clients of the group (%)",
        "score": "Average estimated risk",
        "tool_pan": "Move the map",
        "tool_wheel_zoom": "Zoom with the mouse wheel",
        "tool_box_zoom": "Zoom on an area",
        "tool_reset": "Back to the whole map",
        "tool_save": "Save as an image",
        "tool_hover": "Values under the pointer",
        "scatter": "Every client, coloured by mean risk (darker = lower); the star is this "
        "client ({value}).",
        "star": "this client",
        "no_client_row": "This client's characteristics are not available yet.",
        "no_snapshot": "No portfolio snapshot at {path}: the comparisons with other clients "
        "need one. Run make snapshot (python -m training snapshot --data DIR --out {path}), "
        "or point {variable} at an existing file.",
        "same_feature": "Choose two different characteristics to draw the map.",
    },
    "fr": {
        "mode": "Comparer avec",
        "mode_all": "Tous les clients",
        "mode_similar": "Clients similaires (traits communs)",
        "mode_neighbours": "Plus proches voisins",
        "mode_outcome": "Remboursé ou en défaut",
        "mode_decision": "Accordé ou refusé",
        "filters": "Similaires par",
        "filter_gender": "Genre",
        "filter_age_band": "Tranche d'âge (10 ans)",
        "filter_income_band": "Tranche de revenu (quintile)",
        "filter_contract_type": "Type de contrat",
        "filter_education": "Niveau d'études",
        "filter_family_status": "Situation familiale",
        "filter_income_type": "Type de revenu",
        "filter_housing": "Logement",
        "neighbours": "Nombre de voisins",
        "feature": "Caractéristique",
        "feature_y": "Deuxième caractéristique (axe vertical)",
        "group_all": "Tous les clients",
        "group_similar": "Clients similaires",
        "group_neighbours": "Plus proches voisins",
        "group_repaid": "Clients ayant remboursé",
        "group_defaulted": "Clients en défaut",
        "group_granted": "Clients acceptés",
        "group_refused": "Clients refusés",
        "of_all": "de tous les clients",
        "of_similar": "des clients similaires",
        "of_neighbours": "des plus proches voisins",
        "of_repaid": "des clients ayant remboursé",
        "of_defaulted": "des clients en défaut",
        "of_granted": "des clients acceptés",
        "of_refused": "des clients refusés",
        "rank": "Supérieur à {below} {of_group} ({n} clients de valeur connue).",
        "rank_ties": "Supérieur à {below} et égal à {equal} {of_group} "
        "({n} clients de valeur connue).",
        "no_rank": "{group} : pas de comparaison, {reason}.",
        "unknown_value": "la valeur du client est inconnue",
        "empty_group": "aucun client de valeur connue",
        "client": "ce client : {value}",
        "share": "Clients du groupe (%)",
        "score": "Risque estimé moyen",
        "tool_pan": "Déplacer la carte",
        "tool_wheel_zoom": "Zoomer avec la molette",
        "tool_box_zoom": "Zoomer sur une zone",
        "tool_reset": "Revenir à la carte entière",
        "tool_save": "Enregistrer l'image",
        "tool_hover": "Valeurs sous le pointeur",
        "scatter": "Tous les clients, colorés selon le risque moyen (plus foncé = plus faible) ; "
        "l'étoile est ce client ({value}).",
        "star": "ce client",
        "no_client_row": "Les caractéristiques de ce client ne sont pas encore disponibles.",
        "no_snapshot": "Aucun instantané du portefeuille à {path} : les comparaisons avec les "
        "autres clients en ont besoin. Lancez make snapshot (python -m training snapshot "
        "--data DIR --out {path}), ou indiquez un fichier existant dans {variable}.",
        "same_feature": "Choisissez deux caractéristiques différentes pour tracer la carte.",
    },
}
_UNITS = {info.name: info.unit for info in FEATURES}
MIN_TIES = 0.5  # percent: equal values are mentioned when at least this share is tied


def peer_word(key: str, language: Language, **fields: Any) -> str:
    """The peer phrase ``key`` in ``language``, with ``fields`` filled in."""
    return PEER_WORDS[language][key].format(**fields)


def value_text(column: str, value: Any, language: Language, currency: str = "") -> str:
    """A snapshot value in human units: years, amounts with their currency, percentages."""
    descriptor = DESCRIPTOR_BY_NAME.get(column)
    missing = value is None or pd.isna(value)
    if column == "probability" and not missing:
        return percent(float(value), language)
    if descriptor is None:
        return feature_value(
            column, None if missing else float(value), _UNITS.get(column), language, currency
        )
    if missing:
        return unknown(language)
    value, unit = float(value), descriptor.unit
    if unit == "currency":
        return amount(value, language, currency)
    if unit == "ratio":
        return percent(value, language)
    if unit == "multiple":
        return f"{number(value, language, 1)} ×"
    if unit in ("years", "months", "days"):
        return quantity(round(value, 1), unit.removesuffix("s"), language)
    return number(value, language, 0 if value.is_integer() else 2)


def axis_label(column: str, language: Language, currency: str) -> str:
    """A characteristic's label, with the currency when it is an amount."""
    descriptor = DESCRIPTOR_BY_NAME.get(column)
    unit = descriptor.unit if descriptor is not None else _UNITS.get(column)
    text = label(column, language)
    return f"{text} ({currency})" if unit == "currency" and currency else text


def rank_text(group: str, rank: Rank | None, known: bool, language: Language) -> str:
    """'Higher than 72 % of similar clients (1,234 …).' or why there is no rank."""
    if rank is None:
        reason = peer_word("empty_group" if known else "unknown_value", language)
        return peer_word("no_rank", language, group=group_name(group, language), reason=reason)
    fields = {
        "below": percent(rank.below / 100, language, 0),
        "equal": percent(rank.equal / 100, language, 0),
        "of_group": peer_word(f"of_{group}", language),
        "n": number(rank.size, language),
    }
    return peer_word("rank_ties" if rank.equal >= MIN_TIES else "rank", language, **fields)


def group_name(group: str, language: Language, size: int | None = None) -> str:
    """'Similar clients', or 'Similar clients (1,234)' with the number of clients shown."""
    name = peer_word(f"group_{group}", language)
    return name if size is None else f"{name} ({number(size, language)})"
