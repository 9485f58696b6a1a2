"""The REST API's contract, written once and run at two depths: in process through
``to_asgi()`` (``tests/service/test_api.py``) and over a real `bentoml serve`
(``tests/serve/test_api.py``). Each check takes an :class:`Api` and asserts; ``CHECKS`` lists
them with their arguments, one pytest case each."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

import httpx
import numpy as np
import pytest

from scoring.serving.audit import AuditLog
from tests.support.inputs import APPLICATION, HISTORY
from tests.support.serving import AUTH


class Api(NamedTuple):
    """A client of the service (a TestClient is an httpx.Client) and what the checks read."""

    client: httpx.Client
    known_client: int
    audit: AuditLog


def _post(api: Api, path: str, body: Any) -> httpx.Response:
    return api.client.post(path, json=body, headers=AUTH)


def predict_an_application_and_a_known_client(api: Api) -> None:
    for body, client_id in (
        ({"application": APPLICATION}, 900001),
        ({"client_id": api.known_client}, api.known_client),
    ):
        response = _post(api, "/predict", body)
        assert response.status_code == 200, response.text
        result = response.json()
        assert result["client_id"] == client_id
        assert 0 < result["probability"] < 1
        assert result["decision"] == (
            "refused" if result["probability"] >= result["threshold"] else "granted"
        )
        assert result["model"].startswith("credit_scoring:") and len(result["request_id"]) == 32


def explain_adds_up_to_the_log_odds_and_gives_reasons(api: Api, language: str) -> None:
    body = {"application": APPLICATION, "history": HISTORY, "language": language}
    response = _post(api, "/explain", body)
    assert response.status_code == 200, response.text
    assert len(response.content) <= 10_000, "the default answer stays small"
    result = response.json()
    p = result["probability"]
    groups = result["groups"]
    total = result["base_value"] + sum(g["contribution"] for g in groups)
    assert abs(total - math.log(p / (1 - p))) <= 1e-5
    points = 100 * result["base_probability"] + sum(g["points"] for g in groups)
    assert abs(points - 100 * p) <= 1e-6
    assert result["contributions"] is None
    assert all(fact["value"] is not None for g in groups for fact in g["facts"]), "no unknowns"
    reasons, refused = result["reasons"], result["decision"] == "refused"
    assert 1 <= len(reasons) <= 4
    assert {r["direction"] for r in reasons} == {"raises" if refused else "lowers"}
    labels = {g["code"]: g["label"] for g in groups}
    assert labels.get("external_scores") == (
        "Scores de crédit externes" if language == "fr" else "External credit scores"
    )
    detailed = _post(api, "/explain", {**body, "detail": "features"}).json()
    ext3 = next(c for c in detailed["contributions"] if c["feature"] == "EXT_SOURCE_3")
    assert ext3["value"] == pytest.approx(0.3)
    total = detailed["base_value"] + sum(c["contribution"] for c in detailed["contributions"])
    assert abs(total - math.log(p / (1 - p))) <= 1e-5


def batch_reasons_equal_single_explanations(api: Api) -> None:
    applications = [
        {"application": {**APPLICATION, "SK_ID_CURR": 900200 + i, "AMT_CREDIT": 2e5 + 3e5 * i}}
        for i in range(4)
    ]
    batch = _post(api, "/predict_batch", {"applications": applications, "reasons": True,
                                          "language": "fr"})  # fmt: skip
    assert batch.status_code == 200, batch.text
    for item, result in zip(applications, batch.json()["results"], strict=True):
        single = _post(api, "/explain", {**item, "language": "fr"}).json()
        assert result["reasons"] == single["reasons"]
    plain = _post(api, "/predict_batch", {"applications": applications}).json()
    assert all(r["reasons"] is None for r in plain["results"])


def batch_results_equal_single_calls(api: Api) -> None:
    applications = [
        {"application": {**APPLICATION, "SK_ID_CURR": 900100 + i, "AMT_CREDIT": 2e5 + 1e5 * i},
         **({"history": HISTORY} if i % 2 else {})}
        for i in range(6)
    ]  # fmt: skip
    batch = _post(api, "/predict_batch", {"applications": applications})
    assert batch.status_code == 200, batch.text
    singles = [_post(api, "/predict", item).json() for item in applications]
    assert [r["client_id"] for r in batch.json()["results"]] == [s["client_id"] for s in singles]
    np.testing.assert_allclose(
        [r["probability"] for r in batch.json()["results"]],
        [s["probability"] for s in singles],
        rtol=0,
        atol=1e-12,
    )


def model_card_and_client_lookup(api: Api) -> None:
    model = api.client.get("/model", headers=AUTH)
    assert model.status_code == 200
    info = model.json()
    assert info["threshold"] == pytest.approx(info["metadata"]["threshold"])
    assert 50 <= len(info["features"]) <= 200 and {"label_en", "label_fr", "unit"} <= set(
        info["features"][0]
    )
    codes = {entry["code"] for entry in info["reason_codes"]}
    assert {"external_scores.raises", "first_application", "no_bureau_record"} <= codes
    assert {g["code"] for g in info["groups"]} >= {"external_scores", "instalments"}
    client = _post(api, "/clients", {"client_id": api.known_client})
    assert client.status_code == 200
    assert client.json()["application"]["SK_ID_CURR"] == api.known_client


def bad_input_gets_a_4xx_naming_the_field(api: Api, body: dict, field: str) -> None:
    path = "/predict_batch" if "applications" in body else "/predict"
    response = _post(api, path, body)
    assert 400 <= response.status_code < 500, response.text
    assert field in response.text


def non_finite_numbers_and_malformed_json_are_rejected(api: Api) -> None:
    for raw in (
        '{"application": {"NAME_CONTRACT_TYPE": "Cash loans", "CODE_GENDER": "F", '
        '"AMT_INCOME_TOTAL": NaN, "AMT_CREDIT": 1, "DAYS_BIRTH": -12000}}',
        '{"application": {"AMT_CREDIT": Infinity}}',
        '{"application": ',
    ):
        response = api.client.post(
            "/predict", content=raw, headers={**AUTH, "Content-Type": "application/json"}
        )
        assert 400 <= response.status_code < 500, response.text


def oversized_batch_and_unknown_client(api: Api) -> None:
    oversized = {"applications": [{"application": APPLICATION}] * 10_001}
    response = _post(api, "/predict_batch", oversized)
    assert response.status_code == 400 and "applications" in response.text
    unknown = _post(api, "/predict", {"client_id": 999_999_999})
    assert unknown.status_code == 404 and "999999999" in unknown.text


def every_data_endpoint_needs_the_token(api: Api, method: str, path: str, body: Any) -> None:
    kwargs = {"json": body} if body is not None else {}
    for headers in (
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": AUTH["Authorization"] + "x"},
    ):
        response = getattr(api.client, method)(path, headers=headers, **kwargs)
        assert response.status_code == 401
        assert "SK_ID_CURR" not in response.text and "probability" not in response.text


def health_needs_no_token(api: Api) -> None:
    assert api.client.get("/livez").status_code == 200
    assert api.client.get("/readyz").status_code == 200


def one_audit_row_per_decision(api: Api) -> None:
    before = api.audit.count()
    ok = [_post(api, "/predict", {"application": APPLICATION}) for _ in range(3)]
    ok.append(_post(api, "/explain", {"application": APPLICATION}))
    anonymous = {k: v for k, v in APPLICATION.items() if k != "SK_ID_CURR"}
    batch = _post(api, "/predict_batch", {"applications": [{"application": anonymous}] * 4})
    failed = _post(api, "/predict", {"application": {**APPLICATION, "AMT_CREDIT": -1}})
    assert failed.status_code == 400
    ids = [r.json()["request_id"] for r in ok] + [r["request_id"] for r in batch.json()["results"]]
    assert api.audit.count() - before == len(ids) == 8
    rows = api.audit.fetch(ids)
    assert sorted(r.request_id for r in rows) == sorted(ids)
    assert {r.endpoint for r in rows} == {"predict", "explain", "predict_batch"}
    assert all(len(r.input_hash) == 64 for r in rows)


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
ONE_ITEM = {"applications": [{"application": APPLICATION}]}
PROTECTED = [
    {"method": "post", "path": "/predict", "body": {"client_id": 1}},
    {"method": "post", "path": "/explain", "body": {"application": APPLICATION}},
    {"method": "post", "path": "/predict_batch", "body": ONE_ITEM},
    {"method": "get", "path": "/model", "body": None},
    {"method": "post", "path": "/clients", "body": {"client_id": 100002}},
]  # fmt: skip


def _case(check: Callable[..., None], name: str, **arguments: Any) -> Any:
    return pytest.param(check, arguments, id=name)


CHECKS = [
    _case(predict_an_application_and_a_known_client, "predict an application and a client"),
    *(
        _case(explain_adds_up_to_the_log_odds_and_gives_reasons, f"explain ({lang})", language=lang)
        for lang in ("en", "fr")
    ),
    _case(batch_results_equal_single_calls, "batch equals single calls"),
    _case(batch_reasons_equal_single_explanations, "batch reasons equal /explain's"),
    _case(model_card_and_client_lookup, "model card and client lookup"),
    *(
        _case(bad_input_gets_a_4xx_naming_the_field, f"bad input: {case}", body=body, field=field)
        for case, body, field in BAD_INPUTS
    ),
    _case(non_finite_numbers_and_malformed_json_are_rejected, "non-finite and malformed JSON"),
    _case(oversized_batch_and_unknown_client, "oversized batch and unknown client"),
    *(
        _case(every_data_endpoint_needs_the_token, f"token: {r['method']} {r['path']}", **r)
        for r in PROTECTED
    ),
    _case(health_needs_no_token, "health needs no token"),
    _case(one_audit_row_per_decision, "one audit row per decision"),
]
