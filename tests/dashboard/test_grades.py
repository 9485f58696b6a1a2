"""The score in points and its grade beside the probability (``dashboard/grades.py`` and the
decision view), from the real service's answers, in English and French."""

from __future__ import annotations

import pytest

from dashboard.api import CreditApi
from dashboard.decision import DecisionView
from dashboard.grades import grades_frame, score_sentence
from dashboard.store import DashboardStore
from scoring.wording.formats import NARROW_SPACE
from tests.support.dashboard import rendered_text

ANSWER = {"points": 578, "grade": "B", "grade_default_rate": 0.037}


def test_the_score_sentence_gives_points_grade_meaning_and_observed_rate() -> None:
    assert score_sentence(ANSWER, "en") == (
        "Credit score 578 (the higher, the safer). Risk grade B: low risk. "
        "Of past applicants in grade B, 3.7% had payment difficulties."
    )
    assert score_sentence(ANSWER, "fr") == (
        "Score de crédit 578 (plus il est élevé, plus le risque est faible). Classe de "
        "risque B : risque faible. Parmi les demandeurs passés de la classe B, "
        f"3,7{NARROW_SPACE}% ont eu des difficultés de paiement."
    )


def test_without_an_observed_rate_or_points_nothing_is_invented() -> None:
    assert score_sentence({**ANSWER, "grade_default_rate": None}, "en").endswith("low risk.")
    assert score_sentence({"probability": 0.04}, "en") == ""


@pytest.fixture(scope="module")
def scale(api: CreditApi) -> dict:
    return api.model()["scale"]


def test_the_grades_table_says_each_grade_in_the_language(scale: dict) -> None:
    english = grades_frame(scale, "en", current="C")
    assert list(english.columns) == [
        "Grade", "Meaning", "Risk band", "Credit score", "Share of applicants",
        "Had payment difficulties",
    ]  # fmt: skip
    assert list(english["Grade"]) == ["A", "B", "C ◀ this client", "D", "E"]
    assert list(english["Risk band"]) == [
        "below 2.5%", "2.5% to 5%", "5% to 10%", "10% to 20%", "20% or more",
    ]  # fmt: skip
    assert english["Credit score"].iloc[0] == "593 or more"
    assert english["Credit score"].iloc[-1] == "527 or less"
    french = grades_frame(scale, "fr", current="A")
    assert french["Classe"].iloc[0] == "A ◀ ce client"
    assert french["Signification"].iloc[-1] == "risque très élevé"
    assert french["Tranche de risque"].iloc[1] == f"de 2,5{NARROW_SPACE}% à 5{NARROW_SPACE}%"
    assert grades_frame({}, "en").empty


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_decision_shows_points_and_grade_beside_the_risk(
    api: CreditApi, known_client: int, language
) -> None:
    store = DashboardStore(api=api)
    store.load_model_info()
    store.select(known_client)
    store.language = language
    answer = store.explanation
    text = rendered_text(DecisionView(store=store))
    sentence = score_sentence(answer, language)
    assert str(answer["points"]) in sentence and answer["grade"] in sentence
    assert sentence in text
    marked = {"en": "◀ this client", "fr": "◀ ce client"}[language]
    assert f"{answer['grade']} {marked}" in text
    assert text.count(marked) == 1
    title = {"en": "What the risk grades mean", "fr": "Ce que signifient les classes de risque"}
    assert title[language] in text
