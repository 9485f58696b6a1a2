"""The dashboard's API client against the real service, in process.

Here rather than in ``tests/dashboard`` because it shares the service tests' ``asgi_client``:
a second BentoML app in the same process would register its Prometheus metrics twice.
"""

from __future__ import annotations

import pandas as pd
import pytest
from starlette.testclient import TestClient

from dashboard.api import ApiError, CreditApi
from dashboard.scenario import GRID_SIZE, amount_grid, grid_items, largest_granted
from tests.service.conftest import TOKEN

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def api(asgi_client: TestClient) -> CreditApi:
    return CreditApi(str(asgi_client.base_url), TOKEN, client=asgi_client)


@pytest.fixture(scope="module")
def known_client(model_dataset: dict[str, pd.DataFrame]) -> int:
    return int(model_dataset["application_train"]["SK_ID_CURR"].iloc[0])


def test_the_service_answers_every_dashboard_call(api: CreditApi, known_client: int) -> None:
    info = api.model()
    assert {"tag", "threshold", "features", "card"} <= set(info)
    assert info["card"]["top_features"][0]["mean_abs_shap"] > 0
    client = api.client(known_client)
    by_id = api.explain(known_client, language="fr")
    resent = api.explain(
        application=client["application"], history=client["history"], language="fr"
    )
    assert resent["probability"] == pytest.approx(by_id["probability"], abs=1e-9)
    assert by_id["reasons"]["towards_refusal"][0]["text"].endswith("le risque.")


def test_service_errors_reach_the_advisor_as_sentences(
    api: CreditApi, asgi_client: TestClient
) -> None:
    with pytest.raises(ApiError, match=r"^Client 1 is unknown\.$"):
        api.client(1)
    with pytest.raises(ApiError, match="AMT_CREDIT: Input should be greater than or equal to 0"):
        api.explain(application={"NAME_CONTRACT_TYPE": "Cash loans", "CODE_GENDER": "F",
                                 "AMT_INCOME_TOTAL": 1e5, "AMT_CREDIT": -5.0,
                                 "DAYS_BIRTH": -12000})  # fmt: skip
    with pytest.raises(ApiError, match="token was refused"):
        CreditApi(str(asgi_client.base_url), "wrong", client=asgi_client).model()


def test_the_largest_amount_granted_takes_one_batch(api: CreditApi, known_client: int) -> None:
    client = api.client(known_client)
    amounts = amount_grid(client["application"]["AMT_CREDIT"])
    answer = api.predict_batch(grid_items(client["application"], client["history"], amounts))
    assert answer["count"] == len(amounts) == GRID_SIZE
    outcome = largest_granted(amounts, answer["results"])
    if outcome.amount is not None:  # the batch decision is the single call's
        item = grid_items(client["application"], client["history"], [outcome.amount])[0]
        assert api.explain(**item)["decision"] == "granted"
