"""What each risk grade means, in English and French: one source for the dashboard and
anything else that words a grade for a person (the grades themselves are
:mod:`scoring.scale`'s)."""

from __future__ import annotations

from scoring.scale import Grade
from scoring.wording import Language

GRADE_MEANINGS: dict[Language, dict[Grade, str]] = {
    "en": {
        "A": "very low risk",
        "B": "low risk",
        "C": "moderate risk",
        "D": "high risk",
        "E": "very high risk",
    },
    "fr": {
        "A": "risque très faible",
        "B": "risque faible",
        "C": "risque modéré",
        "D": "risque élevé",
        "E": "risque très élevé",
    },
}


def grade_meaning(grade: Grade, language: Language) -> str:
    """The grade in words: "B" → "low risk" / "risque faible"."""
    return GRADE_MEANINGS[language][grade]
