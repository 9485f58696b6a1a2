"""The Monitoring view's sentences, tables and figures, from documents the real
``scoring.monitoring.summary.summary`` builds (``tests/support/monitor_documents.py``): what
they say in English and in French for each status, the no-data period, a period with too few
applications, months with and without known repayments."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import holoviews as hv
import pytest
from bokeh.models import ColumnDataSource, Span

from dashboard.monitoring_charts import counts_figure, drift_figure, vintage_figure
from dashboard.monitoring_summary import (
    applications_text,
    explained,
    features_table,
    few_text,
    no_data,
    outcomes_known,
    period_days,
    period_text,
    score_text,
    status_text,
    top_text,
    vintages_table,
)
from tests.support.monitor_documents import decided, empty_document, monitor_document

RAW_NAME = re.compile(r"\b[A-Z]{2,}_[A-Z_]+\b")  # AMT_INCOME_TOTAL, EXT_SOURCE_3, …


@pytest.fixture(scope="module")
def drifted() -> dict:
    """Income, credit amount, children and car age beyond the action threshold, age to
    watch, the score to watch; three months of decisions."""
    return monitor_document()


def test_the_period_is_the_last_days_up_to_today_included() -> None:
    assert period_days(7, date(2026, 3, 7)) == (date(2026, 3, 1), date(2026, 3, 8))
    assert period_days(30, date(2026, 3, 31)) == (date(2026, 3, 2), date(2026, 4, 1))


def test_the_period_names_its_last_day_not_the_excluded_end(drifted: dict) -> None:
    assert period_text(drifted, "en") == (
        "1 March 2026 to 7 March 2026: 4,200 applications counted, model "
        "credit_scoring:monitor-test."
    )
    assert period_text(drifted, "fr") == (
        "Du 1er mars 2026 au 7 mars 2026\u00a0: 4\u202f200 demandes comptées, modèle "
        "credit_scoring:monitor-test."
    )


@pytest.mark.parametrize(
    ("n", "english", "french"),
    [(0, "0 applications counted", "0 demande comptée"),
     (1, "1 application counted", "1 demande comptée"),
     (2, "2 applications counted", "2 demandes comptées")],
)  # fmt: skip
def test_counts_agree_with_their_noun_in_each_language(n: int, english: str, french: str) -> None:
    assert (applications_text(n, "en"), applications_text(n, "fr")) == (english, french)


def test_action_needed_names_what_crossed_and_what_is_to_watch(drifted: dict) -> None:
    assert drifted["status"] == "act"
    assert status_text(drifted, "en") == (
        "Action needed: 4 features moved beyond the action threshold. 1 more feature is to watch."
    )
    assert status_text(drifted, "fr") == (
        "Action requise\u00a0: 4 caractéristiques ont dépassé le seuil d'action. 1 autre "
        "caractéristique est à surveiller."
    )
    assert score_text(drifted, "en") == "The score itself: stability index 0.16, to watch."
    assert score_text(drifted, "fr") == (
        "Le score lui-même\u00a0: indice de stabilité 0,16, à surveiller."
    )


def test_the_score_alone_to_watch_says_nothing_needs_action_yet() -> None:
    document = monitor_document(features=3, days=7, decisions=[])  # only the score drifts
    assert (document["status"], document["score"]["level"]) == ("watch", "watch")
    assert status_text(document, "en") == (
        "To watch: the score moved past the watch threshold; nothing needs action yet."
    )
    assert status_text(document, "fr") == (
        "À surveiller\u00a0: le score a dépassé le seuil de surveillance\u00a0; aucune action "
        "n'est encore requise."
    )
    assert top_text(document, "en").startswith("None of the model's 3 features moved")
    assert top_text(document, "fr").startswith("Aucune des 3 caractéristiques du modèle n'a")


def test_a_stable_period_says_nothing_moved() -> None:
    document = monitor_document(features=3, days=1, decisions=[])
    assert document["status"] == "stable"
    assert status_text(document, "en").startswith("Stable: neither the score nor any feature")
    assert status_text(document, "fr").startswith("Stable\u00a0: ni le score ni aucune")


def test_the_index_and_its_thresholds_are_explained_in_the_documents_numbers(
    drifted: dict,
) -> None:
    english, french = explained(drifted, "en"), explained(drifted, "fr")
    assert "0 means no change" in english and "From 0.10 it is to watch" in english
    assert "from 0.25 the model sees clients unlike those it learnt from" in english
    assert "À partir de 0,10, c'est à surveiller" in french and "à partir de 0,25" in french
    for text in (english, french):
        assert "PSI" not in text and "SHAP" not in text and "log-odds" not in text


def test_a_period_without_applications_says_so_and_nothing_else() -> None:
    document = empty_document()
    assert no_data(document) and document["status"] == "no data"
    assert status_text(document, "en") == "No data: no application was counted in this period."
    assert status_text(document, "fr") == (
        "Aucune donnée\u00a0: aucune demande n'a été comptée sur la période."
    )
    assert few_text(document, "en") is None  # nothing to be cautious about: nothing counted


def test_too_few_applications_are_a_caution_not_a_verdict(drifted: dict) -> None:
    assert few_text(drifted, "en") is None  # 4,200 applications
    few = {**drifted, "applications": 40}
    assert few_text(few, "en") == (
        "Only 40 applications counted: with fewer than 500, chance alone moves the index, so "
        "read it with care."
    )
    assert few_text(few, "fr").startswith("Seulement 40 demandes comptées\u00a0: en dessous de 500")


def test_the_features_table_names_features_by_their_labels(drifted: dict) -> None:
    english, french = features_table(drifted, "en"), features_table(drifted, "fr")
    assert len(english) == 10
    assert list(english.columns) == [
        "Feature", "Group", "Stability index", "Level", "Missing now", "Missing in training",
        "Weight in the model",
    ]  # fmt: skip
    first = english.iloc[0].tolist()
    assert first[:4] == ["Client income", "Income and repayment burden", "1.34", "action needed"]
    assert french.iloc[0].tolist()[:4] == [
        "Revenu du client", "Revenus et charge de remboursement", "1,34", "action requise"
    ]  # fmt: skip
    car = english[english["Feature"] == "Car age"].iloc[0]
    assert (car["Missing now"], car["Missing in training"]) == ("50.0%", "20.3%")
    assert "Age" in set(english["Feature"])  # "(days before application)" left out
    assert set(french["Niveau"]) == {"action requise", "à surveiller", "stable"}
    cells = " ".join(str(v) for table in (english, french) for v in table.to_numpy().ravel())
    assert not RAW_NAME.search(cells)


def test_months_with_and_without_repayments_known(drifted: dict) -> None:
    table = vintages_table(drifted, "en")
    assert list(table["Month"]) == ["January 2026", "February 2026", "March 2026"]
    observed = list(table["Observed default rate"])
    assert observed[0] == "12.7% (expected for the same credits: 8.0%)"
    assert observed[2] == "not known yet"
    french = vintages_table(drifted, "fr")
    assert french["Taux de défaut observé"].iloc[2] == "pas encore connu"
    assert french["Mois"].iloc[0] == "janvier 2026"


def test_without_any_repayment_known_only_the_expected_rate_is_shown() -> None:
    pending = [replace(d, outcome=None) for d in decided()]
    document = monitor_document(decisions=pending)
    assert not outcomes_known(document)
    table = vintages_table(document, "en")
    assert "Expected default rate" in table.columns
    assert "Observed default rate" not in table.columns
    fig = hv.render(vintage_figure(document, "en"), backend="bokeh")
    assert [item.label.value for item in fig.legend[0].items] == ["expected by the model"]


# --- figures ---------------------------------------------------------------------------------


def _texts(fig) -> list[str]:
    return [t for s in fig.select(ColumnDataSource) for t in s.data.get("text", [])]


def test_the_drift_figure_draws_each_day_and_names_both_thresholds(drifted: dict) -> None:
    fig = hv.render(drift_figure(drifted, "fr"), backend="bokeh")
    assert sorted(span.location for span in fig.select(Span)) == [0.10, 0.25]
    assert {" surveillance dès 0,10", " action dès 0,25"} <= set(_texts(fig))
    points = next(s for s in fig.select(ColumnDataSource) if "detail" in s.data)
    assert list(points.data["psi"]) == pytest.approx([w["score_psi"] for w in drifted["windows"]])
    assert points.data["detail"][0].startswith("Revenu du client (")  # labels, not names
    assert fig.yaxis.axis_label == "Stabilité du score"


def test_the_counts_figure_stacks_each_days_features(drifted: dict) -> None:
    fig = hv.render(counts_figure(drifted, "en"), backend="bokeh")
    act, watch = (r.data_source.data for r in fig.renderers)
    assert list(act["top"]) == [w["act"] for w in drifted["windows"]]
    assert list(watch["bottom"]) == list(act["top"])  # stacked on the action bars
    assert list(watch["top"] - watch["bottom"]) == [w["watch"] for w in drifted["windows"]]
    assert [item.label.value for item in fig.legend[0].items] == [
        "action needed (hatched)", "to watch"
    ]  # fmt: skip


def test_the_vintage_figure_says_which_months_have_no_repayment_yet(drifted: dict) -> None:
    fig = hv.render(vintage_figure(drifted, "fr"), backend="bokeh")
    texts = _texts(fig)
    assert "pas encore connu" in texts  # March, where its observed bar would be
    assert "12,7\u202f%" in texts and "8,0\u202f%" in texts
    assert [item.label.value for item in fig.legend[0].items] == [
        "attendu par le modèle", "observé (hachuré)"
    ]  # fmt: skip
