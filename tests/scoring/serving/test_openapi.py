"""What the API promises on paper: the corrected OpenAPI document, the client lookup's body,
and error texts that never quote the value sent (BentoML logs them)."""

from __future__ import annotations

import json
from typing import Any

import bentoml
import pytest
from pydantic import ValidationError

from scoring.serving import openapi, responses, schemas
from scoring.serving.auth import PUBLIC_PATHS

VERSION = "credit_scoring:ab12cd34ef56gh78"
SECRET_INCOME = "987654.321x"
SECRET_ID = 987_654_321
ERRORS = {"/predict": (400, 404, 413, 415, 503), "/clients": (400, 404, 413, 415, 503)}


@bentoml.service(name="contract_probe")
class Probe:
    """Two endpoints shaped like the real ones; its spec is built without an ASGI app."""

    @bentoml.api(route="/predict", input_spec=schemas.ScoringRequest)
    def predict(self, **fields: Any) -> responses.Prediction:
        raise NotImplementedError

    @bentoml.api(route="/clients", input_spec=schemas.ClientLookup)
    def client(self, client_id: int) -> responses.ClientData:
        raise NotImplementedError


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return openapi.openapi_document(Probe.openapi_spec.asdict(), ERRORS, PUBLIC_PATHS, VERSION)


def _model(document: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
    """The component schema a request or response body refers to."""
    reference = content["application/json"]["schema"]["$ref"]
    return document["components"]["schemas"][reference.rsplit("/", 1)[1]]


def test_the_document_is_openapi_3_1_with_a_bearer_scheme(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"] == {
        "bearerAuth": {"type": "http", "scheme": "bearer"}
    }
    for name in ("InvalidArgument", "NotFound", "InternalServerError"):
        assert name not in document["components"]["schemas"]


@pytest.mark.parametrize("path", sorted(ERRORS))
def test_each_error_status_is_documented_with_its_real_body(
    document: dict[str, Any], path: str
) -> None:
    operation = document["paths"][path]["post"]
    assert operation["security"] == [{"bearerAuth": []}]
    documented = {code for code in operation["responses"] if code != "200"}
    assert documented == {str(code) for code in (*ERRORS[path], 401)}  # no BentoML 500
    for code in documented:
        body = operation["responses"][code]["content"]["application/json"]["schema"]
        assert body == {"$ref": "#/components/schemas/ErrorResponse"}
        assert operation["responses"][code]["description"] == openapi.ERRORS[int(code)]
    error = document["components"]["schemas"]["ErrorResponse"]
    assert error["required"] == ["error"]
    assert {"type": "null"} in error["properties"]["detail"]["anyOf"]


def test_the_document_names_the_product_and_the_model_and_nothing_of_bentoml(
    document: dict[str, Any],
) -> None:
    """BentoML's own ``info`` shows version "None", loads badges from other hosts and links to
    its Slack and Twitter; Swagger UI renders it on the API page."""
    assert document["info"] == {
        "title": "Prêt à dépenser — credit scoring API",
        "version": VERSION,
        "description": openapi.DESCRIPTION,
    }
    assert "Authorization: Bearer <token>" in openapi.DESCRIPTION
    text = json.dumps({key: value for key, value in document.items() if key != "components"})
    for word in ("http://", "https://", "BentoML Slack", "Twitter", "shields.io"):
        assert word not in text
    tags = {tag["name"]: tag["description"] for tag in document["tags"]}
    assert tags == openapi.TAGS


@pytest.mark.parametrize("path", sorted(ERRORS))
def test_each_error_status_shows_an_example_of_its_own(document: dict[str, Any], path: str) -> None:
    responses_ = document["paths"][path]["post"]["responses"]
    examples = {
        code: response["content"]["application/json"]["example"]
        for code, response in responses_.items()
        if code != "200"
    }
    for example in examples.values():
        responses.ErrorResponse.model_validate(example)
    assert len({json.dumps(example) for example in examples.values()}) == len(examples)
    assert examples["400"]["error"].startswith("1 problem in the request: application.DAYS_BIRTH")
    assert "IODescriptor" not in json.dumps(examples)


def test_the_health_probes_need_no_token(document: dict[str, Any]) -> None:
    for path in ("/livez", "/readyz", "/metrics"):
        for operation in document["paths"][path].values():
            assert "security" not in operation and "401" not in operation["responses"]


def test_request_and_response_models_keep_their_nullable_fields(
    document: dict[str, Any],
) -> None:
    predict = document["paths"]["/predict"]["post"]
    assert predict["requestBody"]["required"] is True
    request = _model(document, predict["requestBody"]["content"])
    answer = _model(document, predict["responses"]["200"]["content"])
    assert {"type": "null"} in request["properties"]["client_id"]["anyOf"]
    assert {"type": "null"} in answer["properties"]["client_id"]["anyOf"]
    lookup = document["paths"]["/clients"]["post"]
    body = _model(document, lookup["requestBody"]["content"])
    assert body["required"] == ["client_id"] and body["additionalProperties"] is False
    assert body["properties"]["client_id"]["maximum"] == schemas.MAX_KEY
    assert "parameters" not in lookup  # the id is never in the URL


@pytest.mark.parametrize(
    ("model", "body"),
    [
        (schemas.ScoringRequest, {"application": {**schemas.APPLICATION_EXAMPLE,
                                                  "AMT_INCOME_TOTAL": SECRET_INCOME}}),
        (schemas.ScoringRequest, {"client_id": -SECRET_ID}),
        (schemas.BatchRequest, {"applications": [{"application": {
            **schemas.APPLICATION_EXAMPLE, "AMT_INCOME_TOTAL": SECRET_INCOME}}]}),
        (schemas.ClientLookup, {"client_id": f"{SECRET_ID}"}),
        (schemas.ClientLookup, {"client_id": -SECRET_ID}),
    ],
    ids=["application", "client_id", "batch", "lookup as a string", "lookup negative"],
)  # fmt: skip
def test_a_rejected_request_names_the_field_not_the_value(model: type, body: dict) -> None:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(body)
    text = str(caught.value)
    assert "987654" not in text and "input_value" not in text
    assert caught.value.errors()[0]["loc"][-1] in ("AMT_INCOME_TOTAL", "client_id")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"client_id": schemas.MAX_KEY + 1}, "client_id"),
        ({"client_id": -1}, "client_id"),
        ({"client_id": 1.5}, "client_id"),
        ({"client_id": "1"}, "client_id"),
        ({"client_id": True}, "client_id"),
        ({"client_id": None}, "client_id"),
        ({}, "client_id"),
        ({"client_id": 1, "language": "fr"}, "language"),
    ],
)
def test_a_lookup_takes_one_int64_client_id_and_nothing_else(body: dict, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        schemas.ClientLookup.model_validate(body)
    assert [error["loc"] for error in caught.value.errors()] == [(field,)]


@pytest.mark.parametrize("client_id", [0, 100002, schemas.MAX_KEY])
def test_a_lookup_accepts_every_int64_id(client_id: int) -> None:
    assert schemas.ClientLookup.model_validate({"client_id": client_id}).client_id == client_id
