"""Every sentence of the dashboard, in English and French, in one place.

Column and feature labels are not here: they come from :mod:`scoring.schema` and the API.
Keeping the phrases together lets a translator review them at once and a test check that
both languages have the same keys and placeholders.
"""

from __future__ import annotations

from typing import Any

from scoring.wording import Language

WORDS: dict[Language, dict[str, str]] = {
    "en": {
        # titles
        "decision_title": "Decision for client {client_id}",
        "why_title": "Why this decision",
        "profile_title": "The client's information",
        "whatif_title": "What if the application changed?",
        "peers_title": "Compared with other clients",
        "whatif_hint": "Change the amounts, then re-score. The term is the credit divided by "
        "the annuity; changing the credit keeps the term.",
        "risk_change": "Estimated risk: {before} → {after} ({points} points).",
        # decision
        "granted": "The application would be granted: estimated risk {risk}, below the "
        "{limit} limit.",
        "refused": "The application would be refused: estimated risk {risk}, at or above "
        "the {limit} limit.",
        "below": "▼ {points} points below the limit",
        "above": "▲ {points} points above the limit",
        "model": "Model {tag}",
        "limit": "limit {limit}",
        "client_marker": "this client {risk}",
        "grant_zone": "granted",
        "refusal_zone": "refused (hatched)",
        "risk_axis": "Estimated risk of payment difficulties (%)",
        # why
        "raises": "▲ raises the risk",
        "lowers": "▼ lowers the risk",
        "others": "+ {count} other factors",
        "limit_line": "limit",
        "average_client": "average client",
        "towards_refusal": "What raises the risk",
        "towards_acceptance": "What lowers the risk",
        "waterfall_axis": "Effect on the risk score (log-odds, from the average client)",
        "importance_axis": "Average effect over all clients (mean |SHAP|)",
        "importance_title": "What matters for all clients",
        "factor": "Factor",
        "client_value": "Client's value",
        "effect": "Effect",
        "contribution": "Contribution",
        "importance": "Importance for all clients",
        # profile
        "identity": "Personal situation",
        "work": "Work and income",
        "housing": "Housing and assets",
        "loan": "Requested credit",
        "term": "Term",
        "term_value": "{n} months",
        # what-if
        "rescore": "Re-score",
        "largest": "Largest credit granted",
        "scenario_title": "With these changes",
        "change": "Change",
        "before": "Before",
        "after": "After",
        "largest_found": "The largest amount granted with the same term is {amount} "
        "(requested {requested}).",
        "none_granted": "No amount between {low} and {high} would be granted with this term.",
        "all_granted": "Every amount tried, up to {high}, would be granted.",
        # selection and status
        "search": "Client ID",
        "search_hint": "Type digits of a client ID",
        "show": "Show",
        "recent": "Recent clients",
        "choose": "Choose a client to see the decision.",
        "not_an_id": "'{text}' is not a client ID: type digits only.",
        # common
        "yes": "yes",
        "no": "no",
        "not_employed": "not employed / pensioner",
    },
    "fr": {
        "decision_title": "Décision pour le client {client_id}",
        "why_title": "Pourquoi cette décision",
        "profile_title": "Les informations du client",
        "whatif_title": "Et si la demande changeait ?",
        "peers_title": "Comparaison avec les autres clients",
        "whatif_hint": "Modifiez les montants, puis recalculez. La durée est le crédit divisé "
        "par l'annuité ; changer le crédit garde la durée.",
        "risk_change": "Risque estimé : {before} → {after} ({points} points).",
        "granted": "La demande serait acceptée : risque estimé {risk}, sous la limite de {limit}.",
        "refused": "La demande serait refusée : risque estimé {risk}, au niveau ou au-dessus "
        "de la limite de {limit}.",
        "below": "▼ {points} points sous la limite",
        "above": "▲ {points} points au-dessus de la limite",
        "model": "Modèle {tag}",
        "limit": "limite {limit}",
        "client_marker": "ce client {risk}",
        "grant_zone": "accepté",
        "refusal_zone": "refusé (hachuré)",
        "risk_axis": "Risque estimé de difficultés de paiement (%)",
        "raises": "▲ augmente le risque",
        "lowers": "▼ réduit le risque",
        "others": "+ {count} autres facteurs",
        "limit_line": "limite",
        "average_client": "client moyen",
        "towards_refusal": "Ce qui augmente le risque",
        "towards_acceptance": "Ce qui réduit le risque",
        "waterfall_axis": "Effet sur le score de risque (log-odds, depuis le client moyen)",
        "importance_axis": "Effet moyen sur l'ensemble des clients (|SHAP| moyen)",
        "importance_title": "Ce qui compte pour l'ensemble des clients",
        "factor": "Facteur",
        "client_value": "Valeur du client",
        "effect": "Effet",
        "contribution": "Contribution",
        "importance": "Importance pour l'ensemble des clients",
        "identity": "Situation personnelle",
        "work": "Emploi et revenus",
        "housing": "Logement et patrimoine",
        "loan": "Crédit demandé",
        "term": "Durée",
        "term_value": "{n} mois",
        "rescore": "Recalculer",
        "largest": "Crédit maximal accepté",
        "scenario_title": "Avec ces changements",
        "change": "Écart",
        "before": "Avant",
        "after": "Après",
        "largest_found": "Le montant le plus élevé accepté avec la même durée est {amount} "
        "(demandé : {requested}).",
        "none_granted": "Aucun montant entre {low} et {high} ne serait accepté avec cette durée.",
        "all_granted": "Tous les montants essayés, jusqu'à {high}, seraient acceptés.",
        "search": "Identifiant client",
        "search_hint": "Tapez des chiffres d'un identifiant",
        "show": "Afficher",
        "recent": "Clients récents",
        "choose": "Choisissez un client pour voir la décision.",
        "not_an_id": "« {text} » n'est pas un identifiant client : tapez uniquement des chiffres.",
        "yes": "oui",
        "no": "non",
        "not_employed": "sans emploi / retraité",
    },
}


def word(key: str, language: Language, **fields: Any) -> str:
    """The phrase ``key`` in ``language``, with ``fields`` filled in."""
    return WORDS[language][key].format(**fields)
