"""The API page's OpenAPI document, corrected so that it tells the truth.

BentoML builds the document from the request and response models but documents every API
with the same errors, knows nothing of the bearer token, and describes itself (version
"None", badges loaded from other hosts, links to its Slack); :func:`openapi_document` fixes
that before the service serves it.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any

from pydantic import ValidationError

from scoring.records.decisions import already_decided
from scoring.records.users import throttled
from scoring.serving import auth, errors, middleware, schemas
from scoring.serving.responses import ErrorResponse
from scoring.settings import DEFAULT_MAX_BODY_BYTES

TITLE = "Prêt à dépenser — credit scoring API"
DESCRIPTION = (
    "Scores, decides and explains consumer-credit applications, for advisors' tools and "
    "client systems. Every route except the health probes, `/metrics`, the API page `/` and "
    "`/docs.json` needs `Authorization: Bearer <token>`, the service's `CREDIT_API_TOKEN` "
    '(the demo writes it to `.env`). Every error is `{"error": ..., "detail": ...}`.'
)
SCORING_TAG = "Service APIs"  # BentoML's tag of the APIs, which /model joins
TAGS = {
    SCORING_TAG: "Scoring, explanations, decisions, known clients and the model (bearer token "
    "or API key with the scope each needs).",
    "Infrastructure": "Health probes and metrics (no token).",
}

ERRORS: dict[int, str] = {
    400: "Invalid request: not JSON, or a field is invalid (`detail` names it); for "
    "/score_file, the file's problems by column, with example rows.",
    401: "Missing or wrong bearer token (`Authorization: Bearer <token>`).",
    403: "The key lacks the scope this endpoint needs (the message names it), or the "
    "acting user's role does not allow the act.",
    404: "The client_id is not a known client, or the decision_id a recorded decision.",
    409: "The application already has a decision (send `revises`), the idempotency key was "
    "used for another request, or the decision is not a refusal (letter).",
    413: "The body is larger than the service's limit (`CREDIT_MAX_BODY_BYTES`; "
    "`CREDIT_MAX_FILE_BYTES` for /score_file): split it.",
    415: "The body is not declared as `Content-Type: application/json` (`multipart/form-data` "
    "for /score_file).",
    429: "Too many failed sign-ins for this user: wait the seconds of `Retry-After`.",
    503: "Not ready (model missing or failing its self-check), records database unavailable "
    "(no score or decision is returned unrecorded), or no portfolio for client_id requests.",
}
_COMPONENTS = "#/components/schemas/{model}"
_INVALID = {"application": {**schemas.APPLICATION_EXAMPLE, "DAYS_BIRTH": 12000}}
UNKNOWN_CLIENT = 999_999_999  # no portfolio holds it
_BENTOML_ERROR_CODES = ("400", "404", "500")
BINARY_ANSWERS = {"letter": "application/pdf"}  # API name -> what its 200 answers
# API name -> what its 201 and its 200 mean (BentoML documents a 200 only).
CREATED_ANSWERS = {
    "decide": (
        "The decision, recorded by this call.",
        "The decision already recorded under this idempotency key (`replayed`: true).",
    )
}
_BENTOML_ERROR_MODELS = ("InvalidArgument", "NotFound", "InternalServerError")


def openapi_document(
    spec: dict[str, Any],
    statuses: Mapping[str, Collection[int]],
    public: Collection[str],
    version: str,
) -> dict[str, Any]:
    """BentoML's OpenAPI document of the service, corrected so that it tells the truth.

    BentoML documents every API with the same 400/404/500 (whose ``detail`` it calls a
    string, though it sends a list) and inlines the request and response models with each
    optional field flattened to its non-null type; it knows nothing of the bearer token.
    Here each operation refers to its models as they are (nullable fields included),
    documents the error statuses in ``statuses`` (and 401 outside ``public``) with their real
    body, and declares the token; ``info`` names the product and its ``version``, the served
    model's tag. The models are pydantic's JSON Schema, which is OpenAPI 3.1's dialect
    (``{"type": "null"}``), so the document says 3.1.
    """
    document = json.loads(json.dumps(spec))  # a copy, with the status codes as strings
    document["openapi"] = "3.1.0"
    document["info"] = {"title": TITLE, "version": version, "description": DESCRIPTION}
    for tag in document.get("tags", ()):
        tag["description"] = TAGS.get(tag["name"], tag.get("description", ""))
    components = document.setdefault("components", {})
    models = components.setdefault("schemas", {})
    for name in _BENTOML_ERROR_MODELS:
        models.pop(name, None)
    examples = error_examples()
    error_schema = ErrorResponse.model_json_schema(ref_template=_COMPONENTS)
    error_schema["example"] = examples[400]
    models.update(error_schema.pop("$defs"), ErrorResponse=error_schema)
    components["securitySchemes"] = {"bearerAuth": {"type": "http", "scheme": "bearer"}}
    for path, item in document["paths"].items():
        for operation in item.values():
            if "x-bentoml-name" in operation:
                _refer_to_models(operation)
            codes = set(statuses.get(path, ()))
            if path not in public:
                operation["security"] = [{"bearerAuth": []}]
                codes.add(401)
            for code in sorted(codes):
                operation["responses"][str(code)] = _error_response(code, examples[code])
    return document


def error_examples() -> dict[int, dict[str, Any]]:
    """A body of each error status as the service words it, for the API page: the statuses
    share one schema, whose one example would show a 400 everywhere."""
    return {
        400: _invalid_request(),
        401: {"error": auth.refusal(b"")},
        403: {"error": auth.forbidden("score", "/predict")},
        404: {"error": f"client_id {UNKNOWN_CLIENT} is not a known client"},  # the engine's
        409: {"error": already_decided(schemas.DEMO_CLIENT_ID, "18eed10b39c903a1b4a157729334fe98")},
        429: {"error": throttled(30)},
        413: {"error": middleware.too_large(70_000_000, DEFAULT_MAX_BODY_BYTES)},
        415: {"error": middleware.not_json("text/plain")},
        503: {"error": "service not ready: no model credit_scoring:latest in the BentoML model "
              "store: train one with `make train`, or set CREDIT_MODEL_TAG to an existing tag"},
    }  # fmt: skip


def _invalid_request() -> dict[str, Any]:
    """What the service answers to a positive DAYS_BIRTH: pydantic's error as BentoML sends it
    (no input, no context), in the words of :func:`errors.reworded`."""
    try:
        schemas.ScoringRequest.model_validate(_INVALID)
    except ValidationError as error:
        detail = json.loads(error.json(include_input=False, include_context=False))
        return errors.reworded(detail, schemas.ScoringRequest)
    raise ValueError(f"the example of an invalid request is valid: {_INVALID}")


def _refer_to_models(operation: dict[str, Any]) -> None:
    """Request and 200 bodies as references to their models; BentoML's errors dropped."""
    body = operation["requestBody"]
    body["required"] = True
    answer = operation["responses"]["200"]
    for content in (body["content"], answer["content"]):
        for media in content.values():
            if "title" in media["schema"]:
                media["schema"] = {"$ref": _COMPONENTS.format(model=media["schema"]["title"])}
    if operation["x-bentoml-name"] in CREATED_ANSWERS:
        created, replayed = CREATED_ANSWERS[operation["x-bentoml-name"]]
        operation["responses"]["201"] = {**answer, "description": created}
        answer["description"] = replayed
    if operation["x-bentoml-name"] in BINARY_ANSWERS:  # a file, not the JSON BentoML assumes
        media_type = BINARY_ANSWERS[operation["x-bentoml-name"]]
        answer["content"] = {media_type: {"schema": {"type": "string", "format": "binary"}}}
    for code in _BENTOML_ERROR_CODES:
        operation["responses"].pop(code, None)


def _error_response(code: int, example: dict[str, Any]) -> dict[str, Any]:
    media = {"schema": {"$ref": _COMPONENTS.format(model="ErrorResponse")}, "example": example}
    return {"description": ERRORS[code], "content": {"application/json": media}}
