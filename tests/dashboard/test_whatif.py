"""What-if against the real service: the view's amounts, re-scoring a scenario, the largest
credit granted in one batch, failures and the language."""

from __future__ import annotations

import pandas as pd
import pytest
from starlette.testclient import TestClient

from dashboard.api import CreditApi
from dashboard.formatting import without_date_unit
from dashboard.scenario import (
    GRID_SIZE,
    LargestGranted,
    amount_grid,
    compare_contributions,
    grid_items,
    largest_message,
    modified_application,
)
from dashboard.store import DashboardStore
from dashboard.whatif import WhatIfView
from tests.support.dashboard import rendered_text
from tests.support.serving import AUTH, TOKEN, LiveService, Sent

AMOUNTS = ["AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE"]


@pytest.fixture(scope="module")
def mixed_client(api: CreditApi, model_dataset: dict[str, pd.DataFrame]) -> int:
    """The first client with known amounts whose grid of amounts gets both decisions."""
    train = model_dataset["application_train"].dropna(subset=AMOUNTS)
    for client_id in train["SK_ID_CURR"].head(50):
        client = api.client(int(client_id))
        amounts = amount_grid(client["application"]["AMT_CREDIT"])
        items = grid_items(client["application"], client["history"], amounts)
        if len({r["decision"] for r in api.predict_batch(items)["results"]}) == 2:
            return int(client_id)
    pytest.fail("no client among the first 50 has both decisions over its grid")


def _view(api: CreditApi, client_id: int) -> WhatIfView:
    store = DashboardStore(api=api)
    assert store.select(client_id), store.error
    return WhatIfView(store=store)


def _single(asgi_client: TestClient, item: dict) -> dict:
    """One POST /predict of an application and its history."""
    response = asgi_client.post("/predict", json=item, headers=AUTH)
    assert response.status_code == 200, response.text
    return response.json()


def test_compare_contributions_shows_before_after_and_change(
    api: CreditApi, known_client: int
) -> None:
    client = api.client(known_client)
    before = api.explain(known_client)
    credit = 1.8 * client["application"]["AMT_CREDIT"]
    changed = modified_application(client["application"], {"AMT_CREDIT": credit})
    after = api.explain(application=changed, history=client["history"])
    assert after["probability"] != before["probability"]
    table = compare_contributions(before, after, "en", top=3)
    assert list(table.columns) == ["Factor", "Before", "After", "Change"] and len(table) == 3
    old = {c["feature"]: c["contribution"] for c in before["contributions"]}
    new = {c["feature"]: c["contribution"] for c in after["contributions"]}
    feature_of = {without_date_unit(c["label"]): c["feature"] for c in after["contributions"]}
    shown = [feature_of[label] for label in table["Factor"]]
    weight = {f: max(abs(old[f]), abs(new[f])) for f in new}
    assert min(weight[f] for f in shown) >= max(w for f, w in weight.items() if f not in shown)
    for (_, row), feature in zip(table.iterrows(), shown, strict=True):
        for column, x in (("Before", old[feature]), ("After", new[feature]),
                          ("Change", new[feature] - old[feature])):  # fmt: skip
            arrow = "" if round(x, 3) == 0 else ("▲ +" if x > 0 else "▼ −")
            assert row[column].startswith(arrow), (feature, column, row[column], x)


def test_the_view_starts_from_the_clients_amounts(
    api: CreditApi,
    known_client: int,
    unknown_client: int,
    model_dataset: dict[str, pd.DataFrame],
) -> None:
    view = _view(api, known_client)
    row = model_dataset["application_train"].set_index("SK_ID_CURR").loc[known_client]
    assert view.credit == pytest.approx(row["AMT_CREDIT"])
    assert view.annuity == pytest.approx(row["AMT_ANNUITY"])
    assert view.term == pytest.approx(row["AMT_CREDIT"] / row["AMT_ANNUITY"])
    assert view.income == pytest.approx(row["AMT_INCOME_TOTAL"])
    assert view.goods_price == pytest.approx(row["AMT_GOODS_PRICE"])
    view.store.select(unknown_client)
    assert view.credit is None and view.result == {}


def test_term_and_annuity_stay_consistent(api: CreditApi, known_client: int) -> None:
    view = _view(api, known_client)
    view.term = 40
    assert view.annuity == pytest.approx(view.credit / 40)
    view.credit = 800000.0  # a new amount keeps the term
    assert (view.term, view.annuity) == (40, 20000.0)
    view.annuity = 40000.0
    assert view.term == 20.0


def test_rescoring_sends_the_modified_application_with_the_history(
    api: CreditApi, asgi_client: TestClient, sent: list[Sent], known_client: int
) -> None:
    view = _view(api, known_client)
    term = view.term
    view.credit = 2 * view.credit
    view.score()
    last = sent[-1]
    assert (last.method, last.path) == ("POST", "/explain")
    assert last.body["application"]["AMT_CREDIT"] == view.credit
    assert last.body["application"]["AMT_ANNUITY"] == pytest.approx(view.credit / term)
    assert last.body["history"] == view.store.client["history"]
    single = _single(asgi_client, {k: last.body[k] for k in ("application", "history")})
    assert view.result["decision"] == single["decision"]
    assert view.result["probability"] == pytest.approx(single["probability"], abs=1e-9)
    assert rendered_text(view).count(f"would be {single['decision']}") == 1


def test_the_largest_amount_is_one_batch_and_agrees_with_single_calls(
    api: CreditApi, asgi_client: TestClient, sent: list[Sent], mixed_client: int
) -> None:
    view = _view(api, mixed_client)
    calls = len(sent)
    view.largest()
    assert [s.path for s in sent[calls:]] == ["/predict_batch"]
    assert len(sent[-1].body["applications"]) == GRID_SIZE
    client = view.store.client
    requested = client["application"]["AMT_CREDIT"]
    amounts = amount_grid(requested)
    items = grid_items(client["application"], client["history"], amounts)
    decisions = [_single(asgi_client, item)["decision"] for item in items]
    granted = [a for a, d in zip(amounts, decisions, strict=True) if d == "granted"]
    assert granted and len(granted) < len(amounts)  # the client was chosen for both answers
    assert view.outcome == LargestGranted(
        amount=max(granted), all_granted=False, low=amounts[0], high=amounts[-1]
    )
    # Every larger amount on the grid is refused (no monotonicity is assumed below it).
    assert all(d == "refused" for a, d in zip(amounts, decisions, strict=True) if a > max(granted))
    message = largest_message(view.outcome, requested, "en")
    assert message.startswith("The largest amount granted with the same term is")
    assert message in rendered_text(view)


def test_an_api_failure_shows_an_alert_and_the_next_click_retries(
    live: LiveService, known_client: int
) -> None:
    view = _view(CreditApi(live.url, TOKEN), known_client)
    live.stop()
    view.score()
    assert view.result == {} and "not reachable" in view.store.error
    assert "not reachable" in rendered_text(view)
    live.start()
    view.score()  # the client's own amounts: the client's own answer
    assert view.store.error == "" and view.result["decision"] == view.store.explanation["decision"]
    assert view.result["probability"] == pytest.approx(view.store.explanation["probability"])


def test_the_scenario_follows_the_language(api: CreditApi, known_client: int) -> None:
    view = _view(api, known_client)
    view.score()
    view.store.language = "fr"
    assert view.result["language"] == "fr"
    french = {"granted": "acceptée", "refused": "refusée"}[view.result["decision"]]
    assert f"La demande serait {french}" in rendered_text(view)
