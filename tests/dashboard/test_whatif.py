"""What-if against the real service: amounts typed as advisors write them, re-scoring with
/predict, what changed before → after, the largest credit granted in one batch, failures
and the language."""

from __future__ import annotations

import pandas as pd
import pytest
from starlette.testclient import TestClient

from dashboard.api import CreditApi
from dashboard.formatting import verdict
from dashboard.scenario import (
    GRID_SIZE,
    LargestGranted,
    amount_grid,
    grid_items,
    largest_message,
)
from dashboard.store import DashboardStore
from dashboard.whatif import WhatIfView
from scoring.wording.formats import NARROW_SPACE
from tests.support.dashboard import rendered_text
from tests.support.serving import AUTH, TOKEN, LiveService, Sent

AMOUNTS = ["AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE"]


@pytest.fixture(scope="module")
def mixed_client(api: CreditApi, model_dataset: dict[str, pd.DataFrame]) -> int:
    """The first client with known amounts whose grid is granted for some amounts and not for
    others (refused, or left to a person in the review band)."""
    train = model_dataset["application_train"].dropna(subset=AMOUNTS)
    for client_id in train["SK_ID_CURR"].head(400):
        client = api.client(int(client_id))
        amounts = amount_grid(client["application"]["AMT_CREDIT"])
        items = grid_items(client["application"], client["history"], amounts)
        answer = api.predict_batch(items, purpose="what-if")["results"]
        answers = {r["recommendation"] for r in answer}
        if "granted" in answers and len(answers) > 1:
            return int(client_id)
    pytest.fail("no client among the first 400 is granted for some amounts and not others")


def _view(api: CreditApi, client_id: int, language: str = "en") -> WhatIfView:
    store = DashboardStore(api=api, language=language)
    assert store.select(client_id), store.error
    return WhatIfView(store=store)


def _single(asgi_client: TestClient, item: dict) -> dict:
    """One POST /predict of an application and its history (a simulation, as the view's)."""
    response = asgi_client.post("/predict", json={**item, "purpose": "what-if"}, headers=AUTH)
    assert response.status_code == 200, response.text
    return response.json()


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
    assert view.edited == [] and view.fields["income"].value == view.income
    view.store.select(unknown_client)
    assert view.credit is None and view.result == {} and view.fields["credit"].text == ""


def test_term_and_annuity_stay_consistent(api: CreditApi, known_client: int) -> None:
    view = _view(api, known_client)
    view.term = 40
    assert view.annuity == pytest.approx(view.credit / 40)
    view.credit = 800000.0  # a new amount keeps the term
    assert (view.term, view.annuity) == (40, 20000.0)
    view.annuity = 40000.0
    assert view.term == 20.0
    assert view.edited == ["term", "credit", "annuity"]  # what the advisor typed, in order


@pytest.mark.parametrize(
    "typed",
    ["1 200 000", "1\u00a0200\u00a0000", f"1{NARROW_SPACE}200{NARROW_SPACE}000", "1200000",
     "1 200 000 €", "1 200 000,00"],
)  # fmt: skip
def test_french_amounts_are_read_as_typed(api: CreditApi, known_client: int, typed: str) -> None:
    view = _view(api, known_client, "fr")
    view.fields["credit"].text = typed
    assert view.credit == 1_200_000.0 and view.edited == ["credit"]
    assert view.fields["credit"].text == f"1{NARROW_SPACE}200{NARROW_SPACE}000"  # as understood
    assert view.fields["credit"].error == ""


def test_an_unreadable_amount_is_said_beside_its_field_and_not_reverted(
    api: CreditApi, known_client: int
) -> None:
    view = _view(api, known_client, "fr")
    before = view.income
    view.fields["income"].text = "100.000,50"
    assert view.income == before and view.edited == []  # the last good value stays
    assert view.fields["income"].text == "100.000,50"  # what was typed stays, to be fixed
    error = view.fields["income"].error
    assert error == "« 100.000,50 » n'est pas un nombre : écrivez-le comme 100 000 ou 100 000,50."
    assert error in rendered_text(view.fields["income"])
    view.fields["income"].text = "100 000,50"
    assert view.income == 100000.5 and view.fields["income"].error == ""
    view.fields["term"].text = "0"
    assert view.fields["term"].error == "« 0 » doit être supérieur à zéro."


def test_rescoring_sends_the_modified_application_to_predict(
    api: CreditApi, asgi_client: TestClient, sent: list[Sent], known_client: int
) -> None:
    view = _view(api, known_client)
    term = view.term
    view.fields["credit"].text = f"{2 * view.credit:,.2f}"
    view.score()
    last = sent[-1]
    assert (last.method, last.path) == ("POST", "/predict")
    assert last.body["application"]["AMT_CREDIT"] == pytest.approx(view.credit)
    assert last.body["application"]["AMT_ANNUITY"] == pytest.approx(view.credit / term)
    assert last.body["history"] == view.store.client["history"]
    assert last.body["purpose"] == "what-if"  # a simulation, never an application assessed
    single = _single(asgi_client, {k: last.body[k] for k in ("application", "history")})
    assert view.result["recommendation"] == single["recommendation"]
    assert view.result["probability"] == pytest.approx(single["probability"], abs=1e-9)
    sentence = verdict(
        single["recommendation"], single["probability"], single["threshold"], "en",
        single["review_band"],
    )  # fmt: skip
    assert rendered_text(view).count(sentence) == 1


def test_the_changes_are_the_edited_fields_and_the_risk_in_points(
    api: CreditApi, known_client: int
) -> None:
    view = _view(api, known_client, "fr")
    before = view.store.explanation["probability"]
    view.fields["credit"].text = "1 000 000"
    view.fields["goods_price"].text = "900 000"
    view.score()
    [table] = [pane for pane in view._answer().objects if "<table" in str(pane.object)]
    text = rendered_text(table).replace(NARROW_SPACE, " ")
    assert "Montant du crédit" in text and "1 000 000 €" in text and "900 000 €" in text
    assert "Annuité du prêt (même durée)" in text  # follows from the credit, and says so
    assert "Revenu du client" not in text and "Durée" not in text.replace("(même durée)", "")
    after = view.result["probability"]
    points = round(100 * (after - before), 1)
    arrow = "▲ +" if points > 0 else "▼ −" if points < 0 else ""
    assert f"({arrow}{abs(points):.1f} points)".replace(".", ",") in text
    for analyst in ("log-odds", "SHAP", "contribution"):
        assert analyst not in text


def test_the_largest_amount_is_one_batch_and_agrees_with_single_calls(
    api: CreditApi, asgi_client: TestClient, sent: list[Sent], mixed_client: int
) -> None:
    view = _view(api, mixed_client)
    calls = len(sent)
    view.largest()
    assert [s.path for s in sent[calls:]] == ["/predict_batch"]
    assert len(sent[-1].body["applications"]) == GRID_SIZE
    assert sent[-1].body["purpose"] == "what-if"
    client = view.store.client
    requested = client["application"]["AMT_CREDIT"]
    amounts = amount_grid(requested)
    items = grid_items(client["application"], client["history"], amounts)
    answers = [_single(asgi_client, item)["recommendation"] for item in items]
    granted = [a for a, r in zip(amounts, answers, strict=True) if r == "granted"]
    assert granted and len(granted) < len(amounts)  # the client was chosen for both answers
    assert view.outcome == LargestGranted(
        amount=max(granted), all_granted=False, low=amounts[0], high=amounts[-1]
    )
    # No larger amount on the grid is granted (no monotonicity is assumed below it).
    assert all(r != "granted" for a, r in zip(amounts, answers, strict=True) if a > max(granted))
    message = largest_message(view.outcome, requested, "en", "€")
    assert message.startswith("The largest amount the model recommends granting")
    assert message in rendered_text(view) and "\u00a0€" in message


def test_the_largest_amount_follows_the_edited_credit_and_goes_with_a_new_edit(
    api: CreditApi, sent: list[Sent], known_client: int
) -> None:
    view = _view(api, known_client)
    view.fields["credit"].text = "250,000"
    view.largest()
    sent_amounts = [item["application"]["AMT_CREDIT"] for item in sent[-1].body["applications"]]
    assert sent_amounts == amount_grid(250_000.0)
    assert view.outcome is not None
    assert largest_message(view.outcome, 250_000.0, "en", "€") in rendered_text(view)
    view.fields["income"].text = "90,000"  # edited again: the answer was for other amounts
    assert view.outcome is None and view.result == {}
    assert "Largest" not in rendered_text(view._answer())


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
    explanation = view.store.explanation
    assert view.store.error == ""
    assert view.result["recommendation"] == explanation["recommendation"]
    assert view.result["probability"] == pytest.approx(view.store.explanation["probability"])


def test_the_scenario_follows_the_language_without_another_call(
    api: CreditApi, sent: list[Sent], known_client: int
) -> None:
    view = _view(api, known_client)
    view.fields["credit"].text = "300,000"
    view.score()
    calls = len(sent)
    view.store.language = "fr"
    assert [s.path for s in sent[calls:]] == ["/explain"]  # the client's reasons, not the scenario
    french = verdict(
        view.result["recommendation"], view.result["probability"], view.result["threshold"],
        "fr", view.result["review_band"],
    )  # fmt: skip
    assert french in rendered_text(view)
    assert view.fields["credit"].text == f"300{NARROW_SPACE}000"
    assert view.fields["credit"].label == "Montant du crédit (€)"
