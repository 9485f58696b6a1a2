"""Each grade in words (``scoring/wording/grades.py``): every grade said in both languages,
the words telling grades apart and climbing with the risk."""

from __future__ import annotations

import pytest

from scoring.scale import GRADES
from scoring.wording import LANGUAGES
from scoring.wording.grades import GRADE_MEANINGS, grade_meaning


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_grade_has_its_own_meaning(language) -> None:
    meanings = [grade_meaning(grade, language) for grade in GRADES]
    assert set(GRADE_MEANINGS[language]) == set(GRADES)
    assert len(set(meanings)) == len(GRADES)


def test_the_french_says_the_same_risk_in_french() -> None:
    assert [grade_meaning(g, "fr") for g in GRADES] == [
        "risque très faible",
        "risque faible",
        "risque modéré",
        "risque élevé",
        "risque très élevé",
    ]
    assert all(grade_meaning(g, "fr") != grade_meaning(g, "en") for g in GRADES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_extremes_are_the_middle_words_strengthened(language) -> None:
    """A and E say "very" of B and D: the words climb with the grades."""
    very = {"en": "very ", "fr": "très "}[language]
    a, b, _, d, e = (grade_meaning(g, language) for g in GRADES)
    assert a.replace(very, "") == b and e.replace(very, "") == d and very in a and very in e
