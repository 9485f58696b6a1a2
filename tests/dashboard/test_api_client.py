"""The API client against the real service: right routes and token, real answers, and every
real failure a sentence an advisor can act on."""

from __future__ import annotations

import pandas as pd
import pytest
from starlette.testclient import TestClient

from dashboard.api import ApiError, CreditApi
from scoring.model.scorer import CreditModel
from tests.support.serving import TOKEN, LiveService, Sent


def test_every_call_goes_to_its_route_with_the_bearer_token(
    api: CreditApi, sent: list[Sent], known_client: int, credit_model: CreditModel
) -> None:
    assert api.model()["threshold"] == pytest.approx(credit_model.threshold)
    assert api.client(known_client)["application"]["SK_ID_CURR"] == known_client
    assert api.explain(known_client, purpose="view", language="fr")["language"] == "fr"
    application = {**api.client(known_client)["application"], "SK_ID_CURR": None}
    explained = api.explain(application=application, history={}, purpose="what-if")
    assert explained["client_id"] is None
    assert api.predict(application=application, history={}, purpose="what-if")["client_id"] is None
    assert api.predict_batch([{"application": application}], purpose="what-if")["count"] == 1
    paths = ["/model", "/clients", "/explain", "/clients", "/explain", "/predict", "/predict_batch"]
    assert [s.path for s in sent] == paths
    assert sent[1].body == sent[3].body == {"client_id": known_client}
    assert sent[2].body == {"client_id": known_client, "language": "fr", "purpose": "view"}
    assert sent[4].body == {
        "language": "en", "application": application, "history": {}, "purpose": "what-if"
    }  # fmt: skip
    assert sent[5].body == {"application": application, "history": {}, "purpose": "what-if"}
    assert sent[6].body["purpose"] == "what-if"
    assert {s.authorization for s in sent} == {f"Bearer {TOKEN}"}


def test_the_service_answers_every_dashboard_call(api: CreditApi, known_client: int) -> None:
    """The fields the views read are in the answers, and no log-odds are needed."""
    info = api.model()
    assert {"tag", "threshold", "review_band", "features", "card", "groups"} <= set(info)
    assert sum(info["card"]["group_importance"].values()) == pytest.approx(1.0)
    assert all(set(g["label"]) == {"en", "fr"} for g in info["groups"])
    client = api.client(known_client)
    by_id = api.explain(known_client, purpose="view", language="fr")
    resent = api.explain(
        application=client["application"],
        history=client["history"],
        language="fr",
        purpose="what-if",
    )
    assert resent["probability"] == pytest.approx(by_id["probability"], abs=1e-9)
    assert by_id["contributions"] is None  # the dashboard never asks for them
    assert by_id["reasons"] and all(r["text"].endswith("le risque.") for r in by_id["reasons"])
    points = sum(g["points"] for g in by_id["groups"])
    assert 100 * by_id["base_probability"] + points == pytest.approx(100 * by_id["probability"])


def test_an_unreachable_service_is_named_with_its_address(unreachable: CreditApi) -> None:
    with pytest.raises(ApiError) as caught:
        unreachable.model()
    assert caught.value.message == (
        f"The scoring service at {unreachable.base_url} is not reachable (is it running?)."
    )
    assert caught.value.status is None


def test_an_answer_too_slow_is_a_timeout_not_a_failure(
    live: LiveService, model_dataset: dict[str, pd.DataFrame]
) -> None:
    """10,000 applications take the real service well over 50 ms to score and record."""
    row = model_dataset["application_train"].iloc[0]
    application = {
        k: (None if pd.isna(v) else v) for k, v in row.items() if k not in ("SK_ID_CURR", "TARGET")
    }
    with pytest.raises(ApiError) as caught:
        CreditApi(live.url, TOKEN, timeout=0.05).predict_batch(
            [{"application": application}] * 10_000, purpose="what-if"
        )
    assert f"The scoring service at {live.url} did not answer within 0.05 s" in (
        caught.value.message
    )


def test_wrong_token_is_reported_as_such(asgi_client: TestClient) -> None:
    wrong = CreditApi(str(asgi_client.base_url), "wrong", client=asgi_client)
    with pytest.raises(ApiError, match="API token was refused") as caught:
        wrong.model()
    assert caught.value.status == 401
    assert "CREDIT_API_TOKEN" in caught.value.message


def test_a_records_outage_says_the_service_is_not_ready(
    api: CreditApi, known_client: int, audit_locked
) -> None:
    with audit_locked(), pytest.raises(ApiError) as caught:
        api.explain(known_client, purpose="view")
    assert caught.value.status == 503
    assert caught.value.message.startswith("The scoring service is not ready: ")
    assert "records database unavailable" in caught.value.message
    assert api.explain(known_client, purpose="view")["client_id"] == known_client  # recovers


def test_unknown_client_and_bad_input_are_named(
    api: CreditApi, unknown_client: int, known_client: int
) -> None:
    with pytest.raises(ApiError, match=rf"^Client {unknown_client} is unknown\.$") as unknown:
        api.client(unknown_client)
    assert unknown.value.status == 404
    with pytest.raises(ApiError, match=rf"^Client {unknown_client} is unknown\.$"):
        api.explain(unknown_client, purpose="view")
    application = {**api.client(known_client)["application"], "AMT_CREDIT": -5.0}
    with pytest.raises(ApiError) as bad:
        api.explain(application=application, history={}, purpose="what-if")
    assert bad.value.status == 400
    assert bad.value.message == (
        "The application was refused as input: AMT_CREDIT: Input should be greater than or "
        "equal to 0"
    )
    assert "Traceback" not in bad.value.message
