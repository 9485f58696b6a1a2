"""Every sentence of the dashboard, in English and French, in one place.

Column and feature labels are not here: they come from :mod:`scoring.schema`, the feature
catalogue and the API (group labels, reasons). Keeping the phrases together lets a
translator review them at once and a test check that both languages have the same keys and
placeholders, and that no English phrase shows in the French interface.
"""

from __future__ import annotations

from typing import Any

from dashboard.decision_wording import DECISION_WORDS
from dashboard.monitoring_wording import MONITORING_WORDS
from scoring.wording import Language

_WORDS: dict[Language, dict[str, str]] = {
    "en": {
        # tabs
        "tab_why": "Why",
        "tab_profile": "The client",
        "tab_peers": "Other clients",
        "tab_whatif": "What if?",
        "decision_title": "Recommendation for client {client_id}",
        "why_title": "Why this recommendation",
        "profile_title": "The client's information",
        "whatif_title": "What if the application changed?",
        # recommendation (its verdicts are in dashboard.decision_wording)
        "below": "▼ {points} points below the limit",
        "above": "▲ {points} points above the limit",
        "model": "Model {tag}",
        "model_trained": "Model {tag}, trained on {date}",
        "limit": "limit {limit}",
        "client_marker": "this client {risk}",
        "grant_zone": "grant",
        "refusal_zone": "refuse (hatched)",
        "risk_axis": "Estimated risk of payment difficulties (%)",
        # the score in points and its grade
        "score_line": "Credit score {points} (the higher, the safer). Risk grade {grade}: "
        "{meaning}.",
        "grade_observed": "Of past applicants in grade {grade}, {rate} had payment difficulties.",
        "grades_title": "What the risk grades mean",
        "col_grade": "Grade",
        "col_meaning": "Meaning",
        "col_grade_risk": "Risk band",
        "col_grade_score": "Credit score",
        "col_grade_share": "Share of applicants",
        "col_grade_observed": "Had payment difficulties",
        "risk_range": "{low} to {high}",
        "risk_to": "below {high}",
        "risk_from": "{low} or more",
        "score_range": "{low} to {high}",
        "score_from": "{low} or more",
        "score_to": "{high} or less",
        "this_grade": "{grade} ◀ this client",
        "no_figure": "—",
        # why
        "reasons_refused": "Main reasons the model recommends refusing",
        "reasons_granted": "Main reasons the model recommends granting",
        "steps_title": "From the average applicant's risk to this client's",
        "steps_hint": "Each bar is how much a group of the client's factors moves the "
        "estimated risk, in percentage points, starting from an applicant whose factors "
        "are all average. ▲ raises the risk (hatched), ▼ lowers it.",
        "average_applicant": "Average applicant",
        "this_client": "This client",
        "other_groups": "{count} other groups",
        "step": "{arrow} {points} pts",
        "importance_title": "What matters for all applicants",
        "importance_hint": "Share of the model's weight each group carries, over all applicants.",
        "steps_axis": "Estimated risk (%)",
        "group": "Group of factors",
        "moved": "What moved",
        "effect": "Effect on the risk",
        "effect_points": "{arrow} {points} points",
        "fact": "{label}: {value}",
        "between_facts": "; ",
        # profile
        "identity": "Personal situation",
        "work": "Work and income",
        "housing": "Housing and assets",
        "loan": "Requested credit",
        "term": "Term",
        "term_value": "{n} months",
        # what-if
        "whatif_hint": "Type amounts as you would write them (100,000 or 100000.50), then "
        "re-score. The term is the credit divided by the annuity: a new credit keeps the "
        "term, a new annuity changes it.",
        "amount_label": "{label} ({currency})",
        "term_label": "Term (months)",
        "not_a_number": "'{text}' is not a number: write it like {example}.",
        "not_positive": "'{text}' must be above zero.",
        "too_large": "'{text}' is above the largest amount accepted, {limit}.",
        "example_amount": "100,000 or 100000.50",
        "example_term": "36 or 36.5",
        "rescore": "Re-score",
        "largest": "Largest credit recommended",
        "scenario_title": "With these changes",
        "change": "What changed",
        "before": "Before",
        "after": "After",
        "follows_annuity": "{label} (same term)",
        "follows_term": "{label} (from the new annuity)",
        "risk_row": "Estimated risk",
        "risk_after": "{risk} ({points})",
        "largest_found": "The largest amount the model recommends granting with the same "
        "term is {amount} (amount entered: {requested}).",
        "none_granted": "The model recommends granting no amount between {low} and {high} "
        "with this term.",
        "all_granted": "The model recommends granting every amount tried, up to {high}.",
        # selection and status
        "search": "Client ID",
        "search_hint": "Type digits of a client ID",
        "show": "Show",
        "recent": "Recent clients",
        "choose": "Choose a client to see the recommendation.",
        "not_an_id": "'{text}' is not a client ID: type digits only.",
        # the scoring service's failures
        "api_timeout": "The scoring service at {url} did not answer within {seconds} s; try "
        "again in a moment.",
        "api_unreachable": "The scoring service at {url} is not reachable (is it running?).",
        "api_unreadable": "The scoring service at {url} sent an unreadable answer.",
        "api_token": "The API token was refused by the scoring service: check CREDIT_API_TOKEN "
        "(make serve writes it to .env).",
        "api_unknown_client": "Client {client_id} is unknown.",
        "api_bad_input": "The application was refused as input: {problems}",
        "api_not_ready": "The scoring service is not ready: {reason}.",
        "api_retry": "try again in a moment",
        "api_failed": "The scoring service failed (HTTP {status_code}).",
        "api_failed_because": "The scoring service failed (HTTP {status_code}): {error}.",
        # common
        "yes": "yes",
        "no": "no",
        "not_employed": "not employed / pensioner",
    },
    "fr": {
        "tab_why": "Pourquoi",
        "tab_profile": "Le client",
        "tab_peers": "Autres clients",
        "tab_whatif": "Et si ?",
        "decision_title": "Recommandation pour le client {client_id}",
        "why_title": "Pourquoi cette recommandation",
        "profile_title": "Les informations du client",
        "whatif_title": "Et si la demande changeait ?",
        "below": "▼ {points} points sous la limite",
        "above": "▲ {points} points au-dessus de la limite",
        "model": "Modèle {tag}",
        "model_trained": "Modèle {tag}, entraîné le {date}",
        "limit": "limite {limit}",
        "client_marker": "ce client {risk}",
        "grant_zone": "accord",
        "refusal_zone": "refus (hachuré)",
        "risk_axis": "Risque estimé de difficultés de paiement (%)",
        "score_line": "Score de crédit {points} (plus il est élevé, plus le risque est "
        "faible). Classe de risque {grade} : {meaning}.",
        "grade_observed": "Parmi les demandeurs passés de la classe {grade}, {rate} ont eu "
        "des difficultés de paiement.",
        "grades_title": "Ce que signifient les classes de risque",
        "col_grade": "Classe",
        "col_meaning": "Signification",
        "col_grade_risk": "Tranche de risque",
        "col_grade_score": "Score de crédit",
        "col_grade_share": "Part des demandeurs",
        "col_grade_observed": "Ont eu des difficultés de paiement",
        "risk_range": "de {low} à {high}",
        "risk_to": "moins de {high}",
        "risk_from": "{low} ou plus",
        "score_range": "de {low} à {high}",
        "score_from": "{low} ou plus",
        "score_to": "{high} ou moins",
        "this_grade": "{grade} ◀ ce client",
        "no_figure": "—",
        "reasons_refused": "Principales raisons de la recommandation de refus",
        "reasons_granted": "Principales raisons de la recommandation d'accord",
        "steps_title": "Du risque du demandeur moyen à celui de ce client",
        "steps_hint": "Chaque barre montre de combien un groupe de facteurs du client "
        "déplace le risque estimé, en points de pourcentage, en partant d'un demandeur dont "
        "tous les facteurs sont dans la moyenne. ▲ augmente le risque (hachuré), ▼ le réduit.",
        "average_applicant": "Demandeur moyen",
        "this_client": "Ce client",
        "other_groups": "{count} autres groupes",
        "step": "{arrow} {points} pts",
        "importance_title": "Ce qui compte pour l'ensemble des demandeurs",
        "importance_hint": "Part du poids du modèle que porte chaque groupe, sur l'ensemble "
        "des demandeurs.",
        "steps_axis": "Risque estimé (%)",
        "group": "Groupe de facteurs",
        "moved": "Ce qui a joué",
        "effect": "Effet sur le risque",
        "effect_points": "{arrow} {points} points",
        "fact": "{label}\u00a0: {value}",
        "between_facts": "\u00a0; ",
        "identity": "Situation personnelle",
        "work": "Emploi et revenus",
        "housing": "Logement et patrimoine",
        "loan": "Crédit demandé",
        "term": "Durée",
        "term_value": "{n} mois",
        "whatif_hint": "Tapez les montants comme vous les écrivez (100 000 ou 100 000,50), "
        "puis recalculez. La durée est le crédit divisé par l'annuité : un nouveau crédit "
        "garde la durée, une nouvelle annuité la change.",
        "amount_label": "{label} ({currency})",
        "term_label": "Durée (mois)",
        "not_a_number": "« {text} » n'est pas un nombre : écrivez-le comme {example}.",
        "not_positive": "« {text} » doit être supérieur à zéro.",
        "too_large": "« {text} » dépasse le montant maximal accepté, {limit}.",
        "example_amount": "100 000 ou 100 000,50",
        "example_term": "36 ou 36,5",
        "rescore": "Recalculer",
        "largest": "Crédit maximal recommandé",
        "scenario_title": "Avec ces changements",
        "change": "Ce qui change",
        "before": "Avant",
        "after": "Après",
        "follows_annuity": "{label} (même durée)",
        "follows_term": "{label} (d'après la nouvelle annuité)",
        "risk_row": "Risque estimé",
        "risk_after": "{risk} ({points})",
        "largest_found": "Le montant le plus élevé que le modèle recommande d'accorder avec "
        "la même durée est {amount} (montant saisi : {requested}).",
        "none_granted": "Le modèle ne recommande d'accorder aucun montant entre {low} et "
        "{high} avec cette durée.",
        "all_granted": "Le modèle recommande d'accorder tous les montants essayés, jusqu'à {high}.",
        "search": "Identifiant client",
        "search_hint": "Tapez des chiffres d'un identifiant",
        "show": "Afficher",
        "recent": "Clients récents",
        "choose": "Choisissez un client pour voir la recommandation.",
        "not_an_id": "« {text} » n'est pas un identifiant client : tapez uniquement des chiffres.",
        "api_timeout": "Le service de score à l'adresse {url} n'a pas répondu en {seconds} s ; "
        "réessayez dans un instant.",
        "api_unreachable": "Le service de score à l'adresse {url} est injoignable "
        "(est-il démarré ?).",
        "api_unreadable": "Le service de score à l'adresse {url} a envoyé une réponse illisible.",
        "api_token": "Le service de score a refusé le jeton d'API : vérifiez CREDIT_API_TOKEN "
        "(make serve l'écrit dans .env).",
        "api_unknown_client": "Le client {client_id} est inconnu.",
        "api_bad_input": "La demande a été refusée par le service : {problems}",
        "api_not_ready": "Le service de score n'est pas prêt : {reason}.",
        "api_retry": "réessayez dans un instant",
        "api_failed": "Le service de score a échoué (HTTP {status_code}).",
        "api_failed_because": "Le service de score a échoué (HTTP {status_code}) : {error}.",
        "yes": "oui",
        "no": "non",
        "not_employed": "sans emploi / retraité",
    },
}


WORDS: dict[Language, dict[str, str]] = {
    language: {**phrases, **DECISION_WORDS[language], **MONITORING_WORDS[language]}
    for language, phrases in _WORDS.items()
}


def word(key: str, language: Language, **fields: Any) -> str:
    """The phrase ``key`` in ``language``, with ``fields`` filled in."""
    return WORDS[language][key].format(**fields)
