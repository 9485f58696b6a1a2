"""What a new user reads when the service refuses a request, through BentoML's ASGI app: the
problems in plain words, a wrong method or path as JSON, a refused token with its reason, and
the error examples of the API page equal to what the service answers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from scoring.serving import openapi
from scoring.serving.schemas import APPLICATION_EXAMPLE
from tests.support.inputs import APPLICATION
from tests.support.serving import AUTH, TOKEN

PAGE = "the API page at / has an example of each route"


def _post(client: TestClient, path: str, body: Any, headers: dict[str, str] = AUTH) -> Any:
    return client.post(path, json=body, headers=headers)


@pytest.mark.parametrize(
    ("path", "body", "words"),
    [
        ("/predict", dict(APPLICATION), 'the application\'s fields go under "application"'),
        ("/predict", dict(APPLICATION), '{"client_id": 100002}'),
        ("/explain", {"application": {**APPLICATION, "DAYS_BIRTH": 12000}},
         "Age, counted in days before the application, as a negative number"),
        ("/explain", {"application": {**APPLICATION, "DAYS_BIRTH": 12000}},
         "at most -6570 (18 years before)"),
        ("/predict", {"application": {**APPLICATION, "AMT_INCOME_TOTAL": "135000"}},
         "application.AMT_INCOME_TOTAL: must be a JSON number, written without quotes"),
        ("/predict", {"application": {**APPLICATION, "AMT_CREDITT": 1}},
         "application.AMT_CREDITT: unknown field: did you mean AMT_CREDIT?"),
        ("/explain", {"client_id": 1, "lang": "fr"}, "lang: unknown field: did you mean language?"),
        ("/predict_batch", {"applications": [APPLICATION]},
         "not a field of applications[0]: the application's fields go under"),
        ("/clients", {"client_id": "100002"},
         "client_id: must be a JSON integer, written without quotes"),
    ],
    ids=["flat application", "flat application: a known client", "positive age",
         "positive age: the bound in years", "string amount", "misspelled column",
         "misspelled request field", "flat batch item", "string client id"],
)  # fmt: skip
def test_a_refused_request_says_what_to_send(
    asgi_client: TestClient, path: str, body: Any, words: str
) -> None:
    response = _post(asgi_client, path, body)
    assert response.status_code == 400
    answer = response.json()
    assert words in answer["error"]
    assert "IODescriptor" not in response.text and "validation error" not in response.text
    assert answer["error"].split(" ")[1] in ("problem", "problems")
    assert all(set(item) == {"loc", "msg", "type"} for item in answer["detail"])


def test_a_wrong_method_names_the_right_one_on_every_route(asgi_client: TestClient) -> None:
    document = asgi_client.get("/docs.json").json()
    for path, operations in document["paths"].items():
        wrong, right = ("GET", "POST") if "post" in operations else ("POST", "GET")
        response = asgi_client.request(wrong, path, headers=AUTH)
        assert response.status_code == 405, path
        body = " with a JSON body" if right == "POST" else ""
        assert response.json() == {
            "error": f"{path} does not take {wrong}: send a {right}{body}; {PAGE}"
        }
        assert right in response.headers["allow"]


def test_an_unknown_route_is_json_and_an_unknown_client_keeps_its_answer(
    asgi_client: TestClient,
) -> None:
    response = asgi_client.get("/predictions", headers=AUTH)
    assert response.status_code == 404
    assert response.json() == {"error": f"no such route: {PAGE}, and /docs.json lists them"}
    unknown = _post(asgi_client, "/clients", {"client_id": 999_999_999})
    assert unknown.json() == {"error": "client_id 999999999 is not a known client"}


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({}, "no Authorization header; send 'Authorization: Bearer <token>'"),
        ({"Authorization": TOKEN}, "the Authorization header must read 'Bearer <token>'"),
        ({"Authorization": f"Basic {TOKEN}"}, "the Authorization header must read 'Bearer"),
        ({"Authorization": f"bearer {TOKEN}"}, "the Authorization header must read 'Bearer"),
        ({"Authorization": "Bearer wrong"}, "invalid token: it is not the one this service"),
    ],
    ids=["none", "token alone", "basic scheme", "lower-case scheme", "wrong token"],
)
def test_a_refused_token_says_why(
    asgi_client: TestClient, headers: dict[str, str], reason: str
) -> None:
    response = _post(asgi_client, "/predict", {"client_id": 1}, headers)
    assert response.status_code == 401
    assert response.json()["error"].startswith(f"authentication required: {reason}")
    assert TOKEN not in response.text


def test_the_documented_error_examples_are_what_the_service_answers(
    asgi_client: TestClient,
) -> None:
    document = asgi_client.get("/docs.json").json()
    documented = {
        int(code): response["content"]["application/json"]["example"]
        for code, response in document["paths"]["/predict"]["post"]["responses"].items()
        if code != "200"
    }
    invalid = {"application": {**APPLICATION_EXAMPLE, "DAYS_BIRTH": 12000}}
    answers = {
        400: _post(asgi_client, "/predict", invalid),
        401: _post(asgi_client, "/predict", invalid, headers={}),
        404: _post(asgi_client, "/predict", {"client_id": openapi.UNKNOWN_CLIENT}),
        415: asgi_client.post(
            "/predict",
            content=json.dumps(invalid),
            headers={**AUTH, "Content-Type": "text/plain"},
        ),
    }
    for code, response in answers.items():
        assert response.status_code == code
        assert response.json() == documented[code], code
