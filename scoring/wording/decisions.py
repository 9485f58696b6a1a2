"""Words of decisions, in English and French: outcomes, recommendations and the reasons a
person gives for departing from the model (the list the dashboard offers and the API accepts).
"""

from __future__ import annotations

from typing import Literal, get_args

from scoring.wording import Language

OUTCOMES: dict[str, dict[Language, str]] = {
    "granted": {"en": "granted", "fr": "accordé"},
    "refused": {"en": "refused", "fr": "refusé"},
    "review": {"en": "to be reviewed by a person", "fr": "à examiner par une personne"},
}

# Why a person decided other than the model recommended, or decided a case it left to them.
# Codes are stable (stored in the records); texts may be reworded.
OverrideReason = Literal[
    "income_documented",
    "guarantee",
    "data_corrected",
    "history_explained",
    "affordability",
    "inconsistent_documents",
    "policy_exception",
    "other",
]
OVERRIDE_REASONS: dict[OverrideReason, dict[Language, str]] = {
    "income_documented": {
        "en": "Income or savings not in the application were documented",
        "fr": "Des revenus ou une épargne absents de la demande ont été justifiés",
    },
    "guarantee": {
        "en": "A guarantor or a guarantee was provided",
        "fr": "Une caution ou une garantie a été apportée",
    },
    "data_corrected": {
        "en": "Information in the application was wrong and has been corrected",
        "fr": "Des informations de la demande étaient erronées et ont été corrigées",
    },
    "history_explained": {
        "en": "Past payment difficulties were explained and are settled",
        "fr": "Des difficultés de paiement passées ont été expliquées et sont réglées",
    },
    "affordability": {
        "en": "The repayments would weigh too much on the budget seen in the interview",
        "fr": "Les remboursements pèseraient trop sur le budget constaté en entretien",
    },
    "inconsistent_documents": {
        "en": "Documents are missing or inconsistent",
        "fr": "Des pièces manquent ou sont incohérentes",
    },
    "policy_exception": {
        "en": "Exception under the lending policy, approved by a supervisor",
        "fr": "Dérogation prévue par la politique de crédit, validée par un superviseur",
    },
    "other": {
        "en": "Other reason, explained in the note",
        "fr": "Autre motif, expliqué dans la note",
    },
}
NOTE_REQUIRED = frozenset({"other"})  # the code says nothing by itself
assert set(OVERRIDE_REASONS) == set(get_args(OverrideReason)), "one text per reason code"


def outcome(word: str, language: Language) -> str:
    """``granted``, ``refused`` or ``review`` in ``language``."""
    return OUTCOMES[word][language]


def override_reason(code: str, language: Language) -> str:
    """The sentence of an override reason code in ``language``."""
    return OVERRIDE_REASONS[code][language]  # type: ignore[index]
