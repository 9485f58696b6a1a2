"""The views without a browser, fed by the real service: what they render for no client, a
client and an API error, in English and French, and the figures built from real answers."""

from __future__ import annotations

import re

import panel as pn
import pytest
from bokeh.document import Document

from dashboard.api import CreditApi
from dashboard.app import App, create_app
from dashboard.charts import ACCEPTANCE, HATCH, REFUSAL, waterfall
from dashboard.decision import DecisionView, verdict_html
from dashboard.formatting import without_date_unit
from dashboard.profile import ProfileView
from dashboard.selection import SelectionView
from dashboard.store import DashboardStore
from dashboard.whatif import WhatIfView
from dashboard.why import WhyView, factors_table, global_importance, strongest, waterfall_bars
from scoring.wording.formats import age_years, percent
from tests.support.dashboard import rendered_text
from tests.support.serving import TOKEN, LiveService

VIEWS = (DecisionView, WhyView, ProfileView, WhatIfView, SelectionView)


@pytest.fixture
def store(api: CreditApi) -> DashboardStore:
    return DashboardStore(api=api)


@pytest.fixture(scope="module")
def info(api: CreditApi) -> dict:
    return api.model()


# --- why: figures and tables from real answers -----------------------------------------------


def test_waterfall_bars_that_raise_the_risk_are_hatched_and_marked(
    api: CreditApi, info: dict, known_client: int
) -> None:
    answer = api.explain(known_client)
    bars = waterfall_bars(answer, info, "en", top=len(answer["contributions"]))
    data = waterfall(bars, answer["base_value"], answer["threshold"], "en")
    data = data.renderers[0].data_source.data
    assert {bar.contribution > 0 for bar in bars} == {True, False}  # both kinds are drawn
    for contribution, hatch, color, text in zip(
        [bar.contribution for bar in bars], data["hatch"], data["color"], data["text"], strict=True
    ):
        raises = contribution > 0
        assert (hatch == HATCH, color == REFUSAL, text.startswith("▲")) == (raises,) * 3


def test_waterfall_shows_the_strongest_factors_and_sums_the_rest(
    api: CreditApi, info: dict, known_client: int
) -> None:
    answer = api.explain(known_client)
    contributions = answer["contributions"]
    bars = waterfall_bars(answer, info, "en", top=5)
    assert len(bars) == 6 and bars[-1].label == f"+ {len(contributions) - 5} other factors"
    total = sum(c["contribution"] for c in contributions)
    assert sum(bar.contribution for bar in bars) == pytest.approx(total)
    first = max(contributions, key=lambda c: abs(c["contribution"]))
    assert bars[0].label == without_date_unit(first["label"]) and bars[0].value
    magnitudes = [abs(bar.contribution) for bar in bars[:-1]]
    assert magnitudes == sorted(magnitudes, reverse=True)
    every = waterfall_bars(answer, info, "en", top=len(contributions))
    age = next(bar for bar in every if bar.label == "Age")  # day unit dropped: "NN years"
    birth = api.client(known_client)["application"]["DAYS_BIRTH"]
    assert age.value == f"{age_years(birth)} years"


def test_global_importance_and_factor_table_follow_the_language(
    api: CreditApi, info: dict, known_client: int
) -> None:
    labels = {f["name"]: f["label_fr"] for f in info["features"]}
    card = info["card"]["top_features"][:10]
    overall = global_importance(info, "fr")
    assert list(overall) == [without_date_unit(labels[f["name"]]) for f in card]
    assert list(overall.values()) == [f["mean_abs_shap"] for f in card]
    answer = api.explain(known_client, language="fr")
    table = factors_table(answer, info, "fr", top=3)
    assert list(table.columns) == [
        "Facteur", "Valeur du client", "Effet", "Contribution",
        "Importance pour l'ensemble des clients",
    ]  # fmt: skip
    importance = {f["name"]: f["mean_abs_shap"] for f in info["card"]["top_features"]}
    for (_, row), c in zip(table.iterrows(), strongest(answer["contributions"], 3), strict=True):
        assert row["Facteur"] == without_date_unit(labels[c["feature"]])
        assert row["Effet"] == ("▲ augmente le risque" if c["contribution"] > 0
                                else "▼ réduit le risque")  # fmt: skip
        assert row["Valeur du client"] and "." not in row["Contribution"]  # French decimals
        if c["feature"] in importance:
            assert re.fullmatch(r"\d+,\d{3}", row["Importance pour l'ensemble des clients"])
            shown = float(row["Importance pour l'ensemble des clients"].replace(",", "."))
            assert shown == pytest.approx(importance[c["feature"]], abs=5e-4)
        else:
            assert row["Importance pour l'ensemble des clients"] == "—"


# --- the views, rendered -----------------------------------------------------------------------


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_renders_before_any_client(view, store: DashboardStore) -> None:
    text = rendered_text(view(store=store))
    assert view is SelectionView or "Choose a client to see the decision." in text


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_renders_a_client(view, store: DashboardStore, known_client: int) -> None:
    store.select(known_client)
    assert isinstance(view(store=store).__panel__(), pn.viewable.Viewable)
    assert rendered_text(view(store=store))


def test_views_show_the_client_in_the_chosen_language(
    store: DashboardStore, known_client: int, model_tag: str
) -> None:
    store.select(known_client)
    decision, why, profile = (
        DecisionView(store=store),
        WhyView(store=store),
        ProfileView(store=store),
    )
    answer = store.explanation
    risk = answer["probability"]
    assert (
        f"The application would be {answer['decision']}: estimated risk {percent(risk, 'en')}"
        in rendered_text(decision)
    )
    assert "What raises the risk" in rendered_text(why)
    assert "Current job start" in rendered_text(profile)
    store.language = "fr"
    french = {"granted": "acceptée", "refused": "refusée"}[answer["decision"]]
    assert f"La demande serait {french} : risque estimé {percent(risk, 'fr')}" in rendered_text(
        decision
    )
    reasons = [r["text"] for side in store.explanation["reasons"].values() for r in side]
    assert reasons and all(text in rendered_text(why) for text in reasons)
    assert "Début de l'emploi actuel" in rendered_text(profile)
    assert f"Modèle {model_tag}" in rendered_text(decision)


@pytest.mark.parametrize("view", (DecisionView, WhyView, ProfileView, WhatIfView))
def test_an_api_error_renders_an_alert_not_a_trace(
    view, unreachable: CreditApi, known_client: int
) -> None:
    store = DashboardStore(api=unreachable)
    store.select(known_client)
    panel = view(store=store).__panel__()
    root = panel.get_root(Document())
    text = rendered_text(panel)
    assert "is not reachable (is it running?)" in text and "Traceback" not in text
    assert any("alert-danger" in " ".join(m.css_classes or ()) for m in root.references()
               if hasattr(m, "css_classes"))  # fmt: skip


def test_verdict_html_repeats_the_colour_with_a_symbol(
    api: CreditApi, decided_clients: dict[str, int]
) -> None:
    granted = verdict_html(api.explain(decided_clients["granted"]), "en")
    refused = verdict_html(api.explain(decided_clients["refused"]), "en")
    assert "✔" in granted and ACCEPTANCE in granted and "▼" in granted
    assert "✖" in refused and REFUSAL in refused and "▲" in refused


# --- selection -----------------------------------------------------------------------------


def test_typing_an_id_selects_it_and_text_is_explained(
    store: DashboardStore, known_client: int
) -> None:
    view = SelectionView(store=store)
    view.query = str(known_client)
    assert store.explanation["client_id"] == known_client
    view.query = "abc"
    assert store.error == "'abc' is not a client ID: type digits only."
    view.query = str(known_client)
    view.show(view)  # the button: the same client again clears the message
    assert store.error == "" and store.recent == [known_client]


def test_show_with_an_empty_box_retries_the_linked_client(
    live: LiveService, known_client: int
) -> None:
    store = DashboardStore(api=CreditApi(live.url, TOKEN))
    live.stop()
    store.client_id = known_client  # what ?client=<id> does
    assert "not reachable" in store.error
    live.start()
    view = SelectionView(store=store)
    view.show(view)
    assert store.error == "" and store.explanation["client_id"] == known_client


# --- the app -------------------------------------------------------------------------------


def test_the_app_builds_the_template_with_every_view(store: DashboardStore) -> None:
    template = create_app(store.api, store.snapshot_path)
    assert isinstance(template, pn.template.FastListTemplate)
    assert template.title == "Prêt à dépenser — advisor"
    app = App(store=store)
    assert rendered_text(app)
    store.language = "fr"
    assert "Pourquoi cette décision" in rendered_text(app)


def test_a_bad_deep_link_is_explained_and_its_valid_part_applied(
    store: DashboardStore, known_client: int
) -> None:
    app = App(store=store)
    app._bad_link({"client_id": "abc", "language": "fr"})
    assert store.error == "« abc » n'est pas un identifiant client : tapez uniquement des chiffres."
    app._bad_link({"client_id": known_client, "language": "de"})  # an unknown language is ignored
    assert store.explanation["client_id"] == known_client and store.language == "fr"
