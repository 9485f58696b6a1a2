"""The monitor's report reads right: summary first, the most moved feature at the top, the
status in words, every feature on demand, French throughout, light at 200 features, and a
clear page when nothing was counted. Documents are the real summary of real reference bins
(tests/support/monitor_documents.py)."""

from __future__ import annotations

import copy
import html
import re
from typing import Any

import pytest

from scoring.features import FEATURE_NAMES
from scoring.wording.formats import NARROW_SPACE
from tests.support.monitor_documents import decided, empty_document, monitor_document
from training.monitoring.html import render_report

FRENCH_HEADINGS = (
    "Rapport de suivi du modèle", "Stabilité du score", "Caractéristiques qui ont le plus bougé",
    "Évolution de la dérive", "Performance par mois de décision", "Calibration",
    "Toutes les caractéristiques, les plus déplacées d'abord",
)  # fmt: skip
ENGLISH_WORDS = ("to watch", "action needed", "no data", "Feature", "Drift", "training", "missing")


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return monitor_document()


@pytest.fixture(scope="module")
def english(document: dict[str, Any]) -> str:
    return render_report(document)


@pytest.fixture(scope="module")
def french(document: dict[str, Any]) -> str:
    return render_report(document, "fr")


def _section(page: str, name: str) -> str:
    return page.split(f'<section id="{name}"')[1].split("</section>")[0]


def _texts(markup: str, pattern: str) -> list[str]:
    """The text (tags removed, entities decoded) of each match of ``pattern``'s group."""
    return [html.unescape(re.sub(r"<[^>]+>", "", m)).strip() for m in re.findall(pattern, markup)]


def _labels(page: str) -> list[str]:
    """The label cells of the summary table, top to bottom."""
    return _texts(_section(page, "top"), r'<td class="label">(.*?)</td>')


def test_the_summary_comes_before_the_details(english: str) -> None:
    order = [english.index(f'id="{s}"') for s in ("score", "top", "drift", "vintages")]
    assert order == sorted(order)
    assert order[-1] < english.index('<details class="feature"')


def test_the_most_moved_feature_leads_the_summary_table(
    document: dict[str, Any], english: str
) -> None:
    labels = _labels(english)
    by_name = {f["name"]: f for f in document["features"]}
    income, credit = by_name["AMT_INCOME_TOTAL"], by_name["AMT_CREDIT"]
    age, annuity = by_name["DAYS_BIRTH"], by_name["AMT_ANNUITY"]
    assert (income["level"], age["level"], annuity["level"]) == ("act", "watch", "stable")
    assert labels[0] == document["features"][0]["label_en"]
    assert labels.index(income["label_en"]) < labels.index(age["label_en"])
    assert labels.index(credit["label_en"]) < labels.index(age["label_en"])
    assert labels.index(age["label_en"]) < labels.index(annuity["label_en"])


def test_the_summary_table_shows_labels_never_column_names(english: str, french: str) -> None:
    for page in (english, french):
        labels = _labels(page)
        assert labels and not set(labels) & set(FEATURE_NAMES)
        assert not [label for label in labels if re.search(r"[A-Z]+_[A-Z]+", label)]


def test_the_status_sentence_counts_the_features_beyond_the_action_threshold(
    document: dict[str, Any], english: str, french: str
) -> None:
    acts = sum(f["level"] == "act" for f in document["features"])
    watches = sum(f["level"] == "watch" for f in document["features"])
    assert acts > 1 and watches == 1 and document["score"]["level"] == "watch"
    status = _texts(english, r'(?s)<section class="status act".*?>(.*?)</section>')[0]
    assert status == (
        f"Action needed: {acts} features moved beyond the action threshold. 1 more feature is "
        "to watch. The score itself is to watch."
    )
    assert f"Action requise\u00a0: {acts} caractéristiques ont dépassé le seuil d'action." in (
        html.unescape(french)
    )


def _with_levels(document: dict[str, Any], features: list[str], score: str) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    for feature, level in zip(changed["features"], features + ["stable"] * 1_000, strict=False):
        feature["level"] = level
    changed["score"]["level"] = score
    severity = ("stable", "watch", "act")
    changed["status"] = max([*features, score], key=severity.index)
    return changed


@pytest.mark.parametrize(
    ("features", "score", "language", "sentence"),
    [
        ([], "stable", "en",
         "Stable: neither the score nor any feature moved past the watch threshold."),
        (["watch"], "stable", "en",
         "To watch: 1 feature moved past the watch threshold; nothing needs action yet."),
        (["watch"], "watch", "fr",
         "À surveiller\u00a0: le score et 1 caractéristique ont dépassé le seuil de "
         "surveillance\u00a0; aucune action n'est encore requise."),
        (["act"], "stable", "fr",
         "Action requise\u00a0: 1 caractéristique a dépassé le seuil d'action."),
        ([], "act", "en", "Action needed: the score moved beyond the action threshold."),
    ],
)  # fmt: skip
def test_the_status_sentence_of_each_level(
    document: dict[str, Any], features: list[str], score: str, language: str, sentence: str
) -> None:
    page = render_report(_with_levels(document, features, score), language)  # type: ignore[arg-type]
    assert sentence in html.unescape(page)


def test_every_feature_opens_on_demand_with_its_chart(
    document: dict[str, Any], english: str
) -> None:
    details = re.findall(r'<details class="feature" id="f-([A-Z0-9_]+)">(.*?)</details>', english)
    assert [name for name, _ in details] == [f["name"] for f in document["features"]]
    assert all("<svg" in body and "missing" in body for _, body in details)
    assert not re.search(r"<details[^>]*\bopen\b", english)  # all closed: the page stays light


def test_the_french_page_is_french_throughout(document: dict[str, Any], french: str) -> None:
    text = html.unescape(re.sub(r"<[^>]+>", " ", french.split("<body>")[1].split("<script>")[0]))
    headings = _texts(french, r"<h[123]>(.*?)</h[123]>")
    assert [h for h in FRENCH_HEADINGS if not any(h in heading for heading in headings)] == []
    assert [word for word in ENGLISH_WORDS if re.search(rf"\b{word}\b", text)] == []
    assert "à surveiller" in text and "action requise" in text
    english_only = [f["label_en"] for f in document["features"] if f["label_en"] != f["label_fr"]]
    assert [label for label in english_only if label in text] == []
    assert f"4{NARROW_SPACE}200" in text  # applications, with French separators
    assert "0,10" in text and "0,25" in text  # the thresholds


def test_every_text_is_escaped(document: dict[str, Any]) -> None:
    hostile = {**document, "model": '<script>alert("x")</script>'}
    page = render_report(hostile)
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_the_page_is_self_contained(english: str) -> None:
    assert not re.search(r"https?://|\bsrc=|<link\b|@import", english)
    assert english.count("<script>") == 1


def test_two_hundred_features_stay_well_under_a_megabyte() -> None:
    large = monitor_document(features=200)
    page = render_report(large)
    assert len(large["features"]) == 200
    assert page.count('<details class="feature"') == 200
    assert len(page.encode()) < 700_000


def test_vintages_without_outcomes_say_so_and_show_the_expected_rate() -> None:
    pending = [d for d in decided() if d.outcome is None]
    page = render_report(monitor_document(decisions=pending))
    section = html.unescape(_section(page, "vintages"))
    assert "No repayment outcome is known yet" in section
    assert "no outcome yet" in section  # above each month's expected bar
    assert "Expected default rate" in section and re.search(r"\d+\.\d%", section)
    assert "calibration will show once repayments are recorded" in section


def test_vintages_with_outcomes_compare_observed_with_expected(english: str) -> None:
    section = html.unescape(_section(english, "vintages"))
    assert "No repayment outcome is known yet" not in section
    assert "Observed default rate" in section and "<circle" in section  # calibration points


@pytest.mark.parametrize(
    ("language", "title", "cause"),
    [("en", "No application was counted in this period", "drift capture is switched off"),
     ("fr", "Aucune demande n'a été comptée sur la période", "le comptage de la dérive")],
)  # fmt: skip
def test_a_period_without_applications_says_what_it_may_mean(
    language: str, title: str, cause: str
) -> None:
    page = html.unescape(render_report(empty_document(), language))  # type: ignore[arg-type]
    assert title in page and cause in page
    assert "reference bins" in page or "classes de référence" in page
    assert "<details" not in page and 'id="top"' not in page


def test_an_unknown_language_is_refused(document: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="'de'"):
        render_report(document, "de")  # type: ignore[arg-type]


SHADOW = {
    "challenger": "credit_scoring:challenger1",
    "applications": 4200,
    "decision_flips": 315,
    "flip_share": 0.075,
    "granted_to_refused": 200,
    "refused_to_granted": 115,
    "rank_correlation": 0.934,
    "mean_probability": {"champion": 0.081, "challenger": 0.079},
}


def test_a_shadow_challenger_is_reported_in_the_readers_words(document: dict[str, Any]) -> None:
    page = render_report({**document, "shadow": [SHADOW]})
    section = _section(page, "shadow")
    cells = _texts(section, r'<td class="num">(.*?)</td>')
    assert cells[:5] == ["4,200", "315 (7.5%)", "200", "115", "0.93"]
    assert "would have decided" in section and "same order" in section
    french = html.unescape(
        _section(render_report({**document, "shadow": [SHADOW]}, "fr"), "shadow")
    )
    assert "Décisions qu'il changerait" in french and "315 (7,5" in french and "0,93" in french


def test_without_a_challenger_there_is_no_shadow_section(english: str) -> None:
    assert 'id="shadow"' not in english
