"""The views without a browser: what they render for no client, a client and an API error,
in English and French; the formatting and search logic behind them."""

from __future__ import annotations

import re
import time

import numpy as np
import pandas as pd
import panel as pn
import pytest
from bokeh.document import Document

from dashboard.app import App, create_app
from dashboard.charts import ACCEPTANCE, HATCH, REFUSAL, gauge, gauge_upper, waterfall
from dashboard.decision import DecisionView, verdict_html
from dashboard.formatting import (
    age_years,
    amount,
    column_label,
    column_value,
    distance,
    employment,
    feature_value,
    percent,
    points,
    signed,
    verdict,
)
from dashboard.profile import ProfileView, profile_rows
from dashboard.selection import SelectionView, id_index, matching_ids, snapshot_ids
from dashboard.store import DashboardStore, fetch_model_info
from dashboard.whatif import WhatIfView
from dashboard.why import WhyView, factors_table, global_importance, waterfall_bars
from dashboard.wording import WORDS
from tests.dashboard.fake_api import APPLICATION, FakeScoringApi, explanation, model_info
from tests.dashboard.helpers import rendered_text

VIEWS = (DecisionView, WhyView, ProfileView, WhatIfView, SelectionView)


@pytest.fixture(autouse=True)
def _fresh_model_cache():
    fetch_model_info.clear()
    yield
    fetch_model_info.clear()


@pytest.fixture
def fake() -> FakeScoringApi:
    return FakeScoringApi()


@pytest.fixture
def store(fake: FakeScoringApi) -> DashboardStore:
    return DashboardStore(api=fake.api())


# --- formatting and wording ----------------------------------------------------------------


def test_human_units_in_english_and_french() -> None:
    assert age_years(-13795) == 37 and column_value("DAYS_BIRTH", -13795, "fr") == "37 ans"
    assert employment(365243, "en") == "not employed / pensioner"
    assert employment(365243, "fr") == "sans emploi / retraité"
    assert employment(-4530, "en") == "12.4 years ago"
    assert amount(981917.96, "en") == "981,918" and amount(981917.96, "fr") == "981\u202f918"
    assert percent(0.042, "en") == "4.2 %" and percent(0.042, "fr") == "4,2 %"
    assert points(0.0161, "en") == "+1.6" and points(-0.0004, "en") == "0.0"
    assert signed(-1234.5, "fr", 1) == "−1\u202f234,5" and signed(0.3, "en") == "+0.30"
    assert column_value("FLAG_OWN_CAR", "Y", "fr") == "oui"
    assert column_value("OWN_CAR_AGE", None, "en") == "unknown"


def test_feature_values_follow_their_unit() -> None:
    assert feature_value("DAYS_ID_PUBLISH", -857.0, "days", "en") == "2.3 years ago"
    assert feature_value("X", -45.0, "days", "fr") == "il y a 45 jours"
    assert feature_value("CREDIT_GOODS_RATIO", 1.0009, "ratio", "en") == "100.1 %"
    assert feature_value("FLAG_OWN_REALTY_Y", 0.0, "flag", "en") == "no"
    assert feature_value("BURO_DAYS_CREDIT_SUM", -3000.0, "days", "en") == "-3,000"
    assert feature_value("EXT_SOURCE_3", 0.2596, "score", "fr") == "0,26"
    assert feature_value("EXT_SOURCE_1", None, "score", "fr") == "inconnu"


def test_labels_come_from_the_schema_without_the_day_unit() -> None:
    assert column_label("DAYS_BIRTH", "en") == "Age" and column_label("DAYS_BIRTH", "fr") == "Âge"
    assert column_label("AMT_CREDIT", "fr") == "Montant du crédit"


def test_the_verdict_reads_like_the_issue_asks() -> None:
    assert verdict("granted", 0.042, 0.073, "en") == (
        "The application would be granted: estimated risk 4.2 %, below the 7.3 % limit."
    )
    assert verdict("refused", 0.12, 0.073, "fr").startswith("La demande serait refusée")
    assert distance(0.042, 0.073, "en") == "▼ 3.1 points below the limit"
    assert distance(0.12, 0.073, "fr") == "▲ 4,7 points au-dessus de la limite"


def test_both_languages_have_the_same_phrases_and_placeholders() -> None:
    assert WORDS["en"].keys() == WORDS["fr"].keys()
    for key, english in WORDS["en"].items():
        fields = set(re.findall(r"{(\w*)}", english))
        assert fields == set(re.findall(r"{(\w*)}", WORDS["fr"][key])), key


# --- charts --------------------------------------------------------------------------------


def test_gauge_marks_the_refusal_side_with_hatching_not_colour_alone() -> None:
    fig = gauge(0.065, 0.073, "en")
    quads = [r.glyph for r in fig.renderers if type(r.glyph).__name__ == "Quad"]
    refusal = next(q for q in quads if q.left == pytest.approx(7.3))
    assert refusal.hatch_pattern == HATCH and refusal.fill_color == REFUSAL
    assert next(q for q in quads if q.right == pytest.approx(7.3)).fill_color == ACCEPTANCE
    labels = [getattr(item, "text", "") for item in fig.center]
    assert "limit 7.3 %" in labels and "this client 6.5 %" in labels
    assert gauge_upper(0.065, 0.073) == 25 and gauge_upper(0.9, 0.073) == 100


def test_waterfall_bars_that_raise_the_risk_are_hatched_and_marked() -> None:
    bars = waterfall_bars(explanation(APPLICATION, "en"), model_info(), "en", top=5)
    data = waterfall(bars, -3.0, 0.073, "en").renderers[0].data_source.data
    for contribution, hatch, color, text in zip(
        [bar.contribution for bar in bars], data["hatch"], data["color"], data["text"], strict=True
    ):
        raises = contribution > 0
        assert (hatch == HATCH, color == REFUSAL, text.startswith("▲")) == (raises,) * 3


# --- why -----------------------------------------------------------------------------------


def test_waterfall_shows_the_strongest_factors_and_sums_the_rest() -> None:
    answer = explanation(APPLICATION, "en")
    bars = waterfall_bars(answer, model_info(), "en", top=5)
    assert len(bars) == 6 and bars[-1].label == "+ 15 other factors"
    total = sum(c["contribution"] for c in answer["contributions"])
    assert sum(bar.contribution for bar in bars) == pytest.approx(total)
    assert bars[0].label == "External score 3" and bars[0].value == "0.26"
    magnitudes = [abs(bar.contribution) for bar in bars[:-1]]
    assert magnitudes == sorted(magnitudes, reverse=True)
    age = next(bar for bar in bars if bar.label == "Age")  # day unit dropped: "37 years"
    assert age.value == "37 years"


def test_global_importance_and_factor_table_follow_the_language() -> None:
    assert list(global_importance(model_info(), "fr")) == [
        "Score externe 3", "Montant du crédit / revenu du client", "Âge"
    ]  # fmt: skip
    table = factors_table(explanation(APPLICATION, "fr"), model_info(), "fr", top=3)
    assert list(table.columns) == [
        "Facteur", "Valeur du client", "Effet", "Contribution",
        "Importance pour l'ensemble des clients",
    ]  # fmt: skip
    first = table.iloc[0]
    assert first["Effet"] == "▲ augmente le risque" and first["Valeur du client"] == "0,26"
    assert first["Importance pour l'ensemble des clients"] == "0,410"


# --- profile -------------------------------------------------------------------------------


def test_profile_rows_in_human_units_with_schema_labels() -> None:
    english = dict(row for rows in profile_rows(APPLICATION, "en").values() for row in rows)
    assert english["Age"] == "37 years"
    assert english["Current job start"] == "not employed / pensioner"
    assert english["Term"] == "20 months" and english["Credit amount"] == "500,000"
    assert "Car age" not in english  # only for car owners
    french = profile_rows(APPLICATION, "fr")
    assert list(french) == [
        "Situation personnelle", "Emploi et revenus", "Logement et patrimoine", "Crédit demandé"
    ]  # fmt: skip
    assert ("Âge", "37 ans") in french["Situation personnelle"]


# --- the views, rendered -------------------------------------------------------------------


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_renders_before_any_client(view, store: DashboardStore) -> None:
    text = rendered_text(view(store=store))
    assert view is SelectionView or "Choose a client to see the decision." in text


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_renders_a_client(view, store: DashboardStore) -> None:
    store.select(100002)
    assert isinstance(view(store=store).__panel__(), pn.viewable.Viewable)
    assert rendered_text(view(store=store))


def test_views_show_the_client_in_the_chosen_language(store: DashboardStore) -> None:
    store.select(100002)
    decision, why, profile = (
        DecisionView(store=store),
        WhyView(store=store),
        ProfileView(store=store),
    )
    assert "The application would be granted: estimated risk 5.0 %" in rendered_text(decision)
    assert "What raises the risk" in rendered_text(why)
    assert "Current job start" in rendered_text(profile)
    store.language = "fr"
    assert "La demande serait acceptée : risque estimé 5,0 %" in rendered_text(decision)
    assert "ce qui augmente le risque" in rendered_text(why)
    assert "Début de l'emploi actuel" in rendered_text(profile)
    assert "Modèle credit_scoring:fake" in rendered_text(decision)


@pytest.mark.parametrize("view", (DecisionView, WhyView, ProfileView, WhatIfView))
def test_an_api_error_renders_an_alert_not_a_trace(
    view, fake: FakeScoringApi, store: DashboardStore
) -> None:
    fake.down = True
    store.select(100002)
    panel = view(store=store).__panel__()
    root = panel.get_root(Document())
    text = rendered_text(panel)
    assert "is not reachable (is it running?)" in text and "Traceback" not in text
    assert any("alert-danger" in " ".join(m.css_classes or ()) for m in root.references()
               if hasattr(m, "css_classes"))  # fmt: skip


def test_verdict_html_repeats_the_colour_with_a_symbol() -> None:
    granted = verdict_html(explanation(APPLICATION, "en"), "en")
    refused = verdict_html(explanation({**APPLICATION, "AMT_CREDIT": 9e5}, "en"), "en")
    assert "✔" in granted and ACCEPTANCE in granted
    assert "✖" in refused and REFUSAL in refused and "▲" in refused


# --- selection -----------------------------------------------------------------------------


def test_prefix_search_stays_fast_with_300k_ids() -> None:
    index = id_index(np.arange(100002, 100002 + 300_000))
    start = time.perf_counter()
    for _ in range(100):
        found = matching_ids(index, "12345")
    assert (time.perf_counter() - start) / 100 < 0.005  # per keystroke, far below 5 ms
    assert found == ["123450", "123451", "123452", "123453", "123454", "123455", "123456",
                     "123457", "123458", "123459"]  # fmt: skip
    assert matching_ids(index, "abc") == [] and matching_ids(index, "") == []
    assert matching_ids(index, "9") == []


def test_suggestions_come_from_the_snapshot_ids(store: DashboardStore) -> None:
    view = SelectionView(store=store)
    view.suggest("1000")
    assert view.suggestions == []  # no snapshot yet: typed IDs are still accepted
    store.snapshot = pd.DataFrame({"SK_ID_CURR": [100002, 100010, 200000], "x": [1, 2, 3]})
    view.suggest("1000")
    assert view.suggestions == ["100002", "100010"]
    assert list(snapshot_ids(store.snapshot.set_index("SK_ID_CURR"))) == [100002, 100010, 200000]
    later = SelectionView(store=store)  # the peers view loaded the snapshot first
    later.suggest("2")
    assert later.suggestions == ["200000"]


def test_typing_an_id_selects_it_and_text_is_explained(store: DashboardStore) -> None:
    view = SelectionView(store=store)
    view.query = "100002"
    assert store.explanation["client_id"] == 100002
    view.query = "abc"
    assert store.error == "'abc' is not a client ID: type digits only."
    view.query = "100002"
    view.show(view)  # the button: the same client again clears the message
    assert store.error == "" and store.recent == [100002]


def test_show_with_an_empty_box_retries_the_linked_client(
    fake: FakeScoringApi, store: DashboardStore
) -> None:
    fake.down = True
    store.client_id = 100002  # what ?client=100002 does
    assert "not reachable" in store.error
    fake.down = False
    view = SelectionView(store=store)
    view.show(view)
    assert store.error == "" and store.explanation["client_id"] == 100002


# --- the app -------------------------------------------------------------------------------


def test_the_app_builds_the_template_with_every_view(store: DashboardStore) -> None:
    template = create_app(store.api)
    assert isinstance(template, pn.template.FastListTemplate)
    assert template.title == "Prêt à dépenser — advisor"
    app = App(store=store)
    assert rendered_text(app)
    store.language = "fr"
    assert "Pourquoi cette décision" in rendered_text(app)


def test_a_bad_deep_link_is_explained_and_its_valid_part_applied(store: DashboardStore) -> None:
    app = App(store=store)
    app._bad_link({"client_id": "abc", "language": "fr"})
    assert store.error == "« abc » n'est pas un identifiant client : tapez uniquement des chiffres."
    app._bad_link({"client_id": 100002, "language": "de"})  # an unknown language is ignored
    assert store.explanation["client_id"] == 100002 and store.language == "fr"
