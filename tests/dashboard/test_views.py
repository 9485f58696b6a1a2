"""The views without a browser, fed by the real service: what they render for no client, a
client and an API error, in English and French, and the "why" figures built from real
answers in risk points."""

from __future__ import annotations

import panel as pn
import pytest
from bokeh.document import Document

from dashboard.api import CreditApi
from dashboard.app import TITLE, App, create_app
from dashboard.charts import ACCEPTANCE, HATCH, REFUSAL
from dashboard.decision import DecisionView, verdict_html
from dashboard.formatting import verdict
from dashboard.profile import ProfileView
from dashboard.selection import SelectionView
from dashboard.store import DashboardStore
from dashboard.whatif import WhatIfView
from dashboard.why import WhyView, group_shares, groups_table, reasons_markdown, steps
from dashboard.why_charts import shares, waterfall
from scoring.wording.formats import percent
from tests.support.dashboard import rendered_text, visible_texts
from tests.support.serving import TOKEN, LiveService

VIEWS = (DecisionView, WhyView, ProfileView, WhatIfView, SelectionView)
CHOOSE = "Choose a client to see the recommendation."


@pytest.fixture
def store(api: CreditApi) -> DashboardStore:
    return DashboardStore(api=api)


@pytest.fixture(scope="module")
def info(api: CreditApi) -> dict:
    return api.model()


# --- why: risk points from real answers -------------------------------------------------------


@pytest.mark.parametrize("top", [3, 100])
def test_the_waterfall_steps_from_the_average_applicant_to_the_client_exactly(
    api: CreditApi, known_client: int, top: int
) -> None:
    answer = api.explain(known_client, purpose="view")
    shown = steps(answer, "en", top=top)
    fig = waterfall(shown, answer["base_probability"], answer["probability"], 0.5, "en")
    data = fig.renderers[0].data_source.data
    # Rows: the average applicant, one a step, this client; each step starts where the last ended.
    assert data["right"][0] == pytest.approx(100 * answer["base_probability"])
    assert data["right"][-1] == pytest.approx(100 * answer["probability"])
    level = 100 * answer["base_probability"]
    for step, left, right in zip(shown, data["left"][1:-1], data["right"][1:-1], strict=True):
        assert (left, right) == pytest.approx(tuple(sorted((level, level + step.points))))
        level += step.points
    assert level == pytest.approx(100 * answer["probability"], abs=1e-9)  # exact, in points
    for step, hatch, color, text in zip(
        shown, data["hatch"][1:-1], data["color"][1:-1], data["text"][1:-1], strict=True
    ):
        raises = step.points > 0
        assert (hatch == HATCH, color == REFUSAL, text.startswith("▲")) == (raises,) * 3
        assert text.endswith(" pts") and (raises or color == ACCEPTANCE)


def test_the_groups_after_the_first_are_one_bar(api: CreditApi, known_client: int) -> None:
    answer = api.explain(known_client, language="fr", purpose="view")
    groups = answer["groups"]
    shown = steps(answer, "fr", top=5)
    assert [s.label for s in shown[:5]] == [g["label"] for g in groups[:5]]
    assert shown[5].label == f"{len(groups) - 5} autres groupes"
    assert shown[5].points == pytest.approx(sum(g["points"] for g in groups[5:]))
    assert shown[0].detail == "\u00a0; ".join(
        f"{f['label'][:1].upper()}{f['label'][1:]}\u00a0: {f['value'] or 'inconnu'}"
        for f in groups[0]["facts"]
    )


def test_labels_wrap_and_are_never_cut(api: CreditApi, known_client: int) -> None:
    answer = api.explain(known_client, language="fr", purpose="view")
    fig = waterfall(steps(answer, "fr", top=100), 0.05, 0.06, 0.08, "fr")
    labels = list(fig.yaxis.major_label_overrides.values())
    assert [label.replace("\n", " ").replace("\u00a0", " ") for label in labels[1:-1]] == [
        g["label"] for g in answer["groups"]
    ]
    assert all(len(line) <= 30 for label in labels for line in label.split("\n"))
    assert not any("…" in label or label.split("\n")[-1].startswith(":") for label in labels)


def test_the_weight_of_each_group_for_all_applicants_in_the_language(info: dict) -> None:
    weights = info["card"]["group_importance"]
    french = {g["code"]: g["label"]["fr"] for g in info["groups"]}
    overall = group_shares(info, "fr", top=4)
    ranked = sorted(weights, key=lambda code: -weights[code])
    assert list(overall)[:4] == [french[code] for code in ranked[:4]]
    assert list(overall)[4] == f"{len(weights) - 4} autres groupes"
    assert sum(overall.values()) == pytest.approx(1.0)
    fig = shares(list(overall), list(overall.values()), "fr")
    assert fig.renderers[0].data_source.data["text"][0] == percent(weights[ranked[0]], "fr", 0)
    assert group_shares({**info, "card": {}}, "fr") == {}  # an older model: no figure


def test_the_groups_table_says_what_moved_and_by_how_many_points(
    api: CreditApi, known_client: int
) -> None:
    answer = api.explain(known_client, language="fr", purpose="view")
    table = groups_table(answer, "fr")
    assert list(table.columns) == ["Groupe de facteurs", "Ce qui a joué", "Effet sur le risque"]
    assert list(table["Groupe de facteurs"]) == [g["label"] for g in answer["groups"]]
    for (_, row), group in zip(table.iterrows(), answer["groups"], strict=True):
        for fact in group["facts"]:
            label = fact["label"][:1].upper() + fact["label"][1:]
            assert f"{label}\u00a0: {fact['value'] or 'inconnu'}" in row["Ce qui a joué"]
        effect, points = row["Effet sur le risque"], round(group["points"], 1)
        assert effect.endswith(" points") and "." not in effect  # French decimals
        assert effect.startswith("▲" if points > 0 else "▼" if points < 0 else "0")


def test_the_reasons_are_titled_for_the_recommendation(
    api: CreditApi, decided_clients: dict[str, int]
) -> None:
    refused = api.explain(decided_clients["refused"], purpose="view")
    text = reasons_markdown(refused, "en")
    assert text.startswith("### Main reasons the model recommends refusing")
    assert [line[:4] for line in text.splitlines()[2:]] == ["- ▲ "] * len(refused["reasons"])
    granted = api.explain(decided_clients["granted"], language="fr", purpose="view")
    text = reasons_markdown(granted, "fr")
    assert text.startswith("### Principales raisons de la recommandation d'accord")
    assert all(f"- ▼ {r['text']}" in text for r in granted["reasons"])


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_analyst_term_reaches_the_advisor(
    store: DashboardStore, decided_clients: dict[str, int], language: str
) -> None:
    store.language = language
    for client_id in decided_clients.values():
        store.select(client_id)
        text = rendered_text(App(store=store)) + rendered_text(WhyView(store=store))
        for term in ("log-odds", "SHAP", "shap", "contribution", "…"):
            assert term not in text, term


# --- the views, rendered -------------------------------------------------------------------


@pytest.mark.parametrize("view", VIEWS)
def test_before_any_client_only_the_decision_asks_for_one(view, store: DashboardStore) -> None:
    assert rendered_text(view(store=store)).count(CHOOSE) == (view is DecisionView)


def test_the_page_asks_for_a_client_once(store: DashboardStore) -> None:
    assert rendered_text(App(store=store)).count(CHOOSE) == 1


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
    risk, threshold, band = answer["probability"], answer["threshold"], answer["review_band"]
    sentence = verdict(answer["recommendation"], risk, threshold, "en", band)
    assert f"estimated risk {percent(risk, 'en')}" in sentence
    assert sentence in rendered_text(decision)
    assert "From the average applicant's risk to this client's" in rendered_text(why)
    assert "Current job start" in rendered_text(profile)
    assert "€" in rendered_text(profile)
    store.language = "fr"
    french = verdict(answer["recommendation"], risk, threshold, "fr", band)
    assert f"risque estimé {percent(risk, 'fr')}" in french
    assert french in rendered_text(decision)
    reasons = [r["text"] for r in store.explanation["reasons"]]
    assert reasons and all(text in rendered_text(why) for text in reasons)
    assert "Début de l'emploi actuel" in rendered_text(profile)
    assert f"Modèle {model_tag}, entraîné le " in rendered_text(decision)


@pytest.mark.parametrize("view", (DecisionView, WhyView, ProfileView, WhatIfView))
def test_an_api_error_is_one_alert_not_a_trace(
    view, unreachable: CreditApi, known_client: int
) -> None:
    store = DashboardStore(api=unreachable)
    store.select(known_client)
    panel = view(store=store).__panel__()
    root = panel.get_root(Document())
    text = rendered_text(panel)
    assert "Traceback" not in text
    shown = "is not reachable (is it running?)" in text
    alert = any("alert-danger" in " ".join(m.css_classes or ()) for m in root.references()
                if hasattr(m, "css_classes"))  # fmt: skip
    assert shown == alert == (view is DecisionView)  # said above the tabs, not again in them


def test_verdict_html_repeats_the_colour_with_a_symbol(
    api: CreditApi, decided_clients: dict[str, int]
) -> None:
    granted = verdict_html(api.explain(decided_clients["granted"], purpose="view"), "en")
    refused = verdict_html(api.explain(decided_clients["refused"], purpose="view"), "en")
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
    assert template.title == TITLE == "Prêt à dépenser"  # no "advisor" in either language
    app = App(store=store)
    assert {"Why", "The client", "Other clients", "What if?"} <= set(visible_texts(app))
    store.language = "fr"
    assert {"Pourquoi", "Le client", "Autres clients", "Et si ?"} <= set(visible_texts(app))


def test_a_bad_deep_link_is_explained_and_its_valid_part_applied(
    store: DashboardStore, known_client: int
) -> None:
    app = App(store=store)
    app._bad_link({"client_id": "abc", "language": "fr"})
    assert store.error == "« abc » n'est pas un identifiant client : tapez uniquement des chiffres."
    app._bad_link({"client_id": known_client, "language": "de"})  # an unknown language is ignored
    assert store.explanation["client_id"] == known_client and store.language == "fr"
