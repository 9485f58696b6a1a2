"""The REST API, tested once and run twice: in process (to_asgi) and against `bentoml serve`."""

from __future__ import annotations

import math
from collections.abc import Iterator

import httpx
import numpy as np
import pytest

from scoring.serving.audit import AuditLog
from tests.support.inputs import APPLICATION, HISTORY
from tests.support.serving import AUTH

pytestmark = pytest.mark.slow


@pytest.fixture(params=["asgi", pytest.param("http", marks=pytest.mark.slow)])
def api(request, service_env) -> Iterator[httpx.Client]:
    if request.param == "asgi":
        yield request.getfixturevalue("asgi_client")
    else:
        with httpx.Client(base_url=request.getfixturevalue("server"), timeout=60) as client:
            yield client


@pytest.fixture
def audit(service_env) -> AuditLog:
    return AuditLog(service_env["CREDIT_AUDIT_DB_URL"])


@pytest.fixture(scope="module")
def known_client(model_dataset) -> int:
    return int(model_dataset["application_train"]["SK_ID_CURR"].iloc[0])


def post(api, path: str, body, **kwargs) -> httpx.Response:
    return api.post(path, json=body, headers=AUTH, **kwargs)


def test_predict_an_application_and_a_known_client(api, known_client):
    for body, client_id in (
        ({"application": APPLICATION}, 900001),
        ({"client_id": known_client}, known_client),
    ):
        response = post(api, "/predict", body)
        assert response.status_code == 200, response.text
        result = response.json()
        assert result["client_id"] == client_id
        assert 0 < result["probability"] < 1
        assert result["decision"] == (
            "refused" if result["probability"] >= result["threshold"] else "granted"
        )
        assert result["model"].startswith("credit_scoring:") and len(result["request_id"]) == 32


@pytest.mark.parametrize("language", ["en", "fr"])
def test_explain_adds_up_to_the_log_odds_and_gives_reasons(api, language):
    response = post(
        api, "/explain", {"application": APPLICATION, "history": HISTORY, "language": language}
    )
    assert response.status_code == 200, response.text
    result = response.json()
    total = result["base_value"] + sum(c["contribution"] for c in result["contributions"])
    p = result["probability"]
    assert abs(total - math.log(p / (1 - p))) <= 1e-5
    reasons = result["reasons"]
    assert 1 <= len(reasons["towards_refusal"]) <= 4 and len(reasons["towards_acceptance"]) <= 4
    assert all(r["contribution"] > 0 for r in reasons["towards_refusal"])
    assert all(r["contribution"] < 0 for r in reasons["towards_acceptance"])
    ext3 = next(c for c in result["contributions"] if c["feature"] == "EXT_SOURCE_3")
    assert ext3["value"] == pytest.approx(0.3)
    assert ext3["label"] == ("Score externe 3" if language == "fr" else "External score 3")


def test_batch_results_equal_single_calls(api):
    applications = [
        {"application": {**APPLICATION, "SK_ID_CURR": 900100 + i, "AMT_CREDIT": 2e5 + 1e5 * i},
         **({"history": HISTORY} if i % 2 else {})}
        for i in range(6)
    ]  # fmt: skip
    batch = post(api, "/predict_batch", {"applications": applications})
    assert batch.status_code == 200, batch.text
    singles = [post(api, "/predict", item).json() for item in applications]
    assert [r["client_id"] for r in batch.json()["results"]] == [s["client_id"] for s in singles]
    np.testing.assert_allclose(
        [r["probability"] for r in batch.json()["results"]],
        [s["probability"] for s in singles],
        rtol=0,
        atol=1e-12,
    )


def test_model_card_and_client_lookup(api, known_client):
    model = api.get("/model", headers=AUTH)
    assert model.status_code == 200
    info = model.json()
    assert info["threshold"] == pytest.approx(info["metadata"]["threshold"])
    assert len(info["features"]) > 500 and {"label_en", "label_fr", "unit"} <= set(
        info["features"][0]
    )
    client = post(api, "/clients", {"client_id": known_client})
    assert client.status_code == 200
    assert client.json()["application"]["SK_ID_CURR"] == known_client


REQUIRED_ONLY = {k: v for k, v in APPLICATION.items() if k != "DAYS_BIRTH"}
BAD_INPUTS = [
    ("wrong type", {"application": {**APPLICATION, "AMT_CREDIT": "lots"}}, "AMT_CREDIT"),
    ("string number", {"application": {**APPLICATION, "AMT_CREDIT": "1"}}, "AMT_CREDIT"),
    ("negative amount", {"application": {**APPLICATION, "AMT_CREDIT": -5}}, "AMT_CREDIT"),
    ("absurd amount", {"application": {**APPLICATION, "AMT_CREDIT": 1e15}}, "AMT_CREDIT"),
    ("unknown category", {"application": {**APPLICATION, "CODE_GENDER": "Z"}}, "CODE_GENDER"),
    ("unknown field", {"application": {**APPLICATION, "AMT_CREDITT": 1}}, "AMT_CREDITT"),
    ("missing required", {"application": REQUIRED_ONLY}, "DAYS_BIRTH"),
    ("both sources", {"application": APPLICATION, "client_id": 1}, "client_id"),
    ("empty batch", {"applications": []}, "applications"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "body", "field"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_gets_a_4xx_naming_the_field(api, case, body, field):
    path = "/predict_batch" if "applications" in body else "/predict"
    response = post(api, path, body)
    assert 400 <= response.status_code < 500, response.text
    assert field in response.text


def test_non_finite_numbers_and_malformed_json_are_rejected(api):
    for raw in (
        '{"application": {"NAME_CONTRACT_TYPE": "Cash loans", "CODE_GENDER": "F", '
        '"AMT_INCOME_TOTAL": NaN, "AMT_CREDIT": 1, "DAYS_BIRTH": -12000}}',
        '{"application": {"AMT_CREDIT": Infinity}}',
        '{"application": ',
    ):
        response = api.post(
            "/predict", content=raw, headers={**AUTH, "Content-Type": "application/json"}
        )
        assert 400 <= response.status_code < 500, response.text


def test_oversized_batch_and_unknown_client(api):
    oversized = {"applications": [{"application": APPLICATION}] * 10_001}
    response = post(api, "/predict_batch", oversized)
    assert response.status_code == 400 and "applications" in response.text
    unknown = post(api, "/predict", {"client_id": 999_999_999})
    assert unknown.status_code == 404 and "999999999" in unknown.text


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/predict", {"client_id": 1}),
        ("post", "/explain", {"application": APPLICATION}),
        ("post", "/predict_batch", {"applications": [{"application": APPLICATION}]}),
        ("get", "/model", None),
        ("post", "/clients", {"client_id": 100002}),
    ],
)
def test_every_data_endpoint_needs_the_token(api, method, path, body):
    kwargs = {"json": body} if body is not None else {}
    for headers in (
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": AUTH["Authorization"] + "x"},
    ):
        response = getattr(api, method)(path, headers=headers, **kwargs)
        assert response.status_code == 401
        assert "SK_ID_CURR" not in response.text and "probability" not in response.text


def test_health_and_metrics_need_no_token(api):
    assert api.get("/livez").status_code == 200
    assert api.get("/readyz").status_code == 200


def test_one_audit_row_per_decision(api, audit):
    before = audit.count()
    ok = [post(api, "/predict", {"application": APPLICATION}) for _ in range(3)]
    ok.append(post(api, "/explain", {"application": APPLICATION}))
    anonymous = {k: v for k, v in APPLICATION.items() if k != "SK_ID_CURR"}
    batch = post(api, "/predict_batch", {"applications": [{"application": anonymous}] * 4})
    failed = post(api, "/predict", {"application": {**APPLICATION, "AMT_CREDIT": -1}})
    assert failed.status_code == 400
    ids = [r.json()["request_id"] for r in ok] + [r["request_id"] for r in batch.json()["results"]]
    assert audit.count() - before == len(ids) == 8
    rows = audit.fetch(ids)
    assert sorted(r.request_id for r in rows) == sorted(ids)
    assert {r.endpoint for r in rows} == {"predict", "explain", "predict_batch"}
    assert all(len(r.input_hash) == 64 for r in rows)
