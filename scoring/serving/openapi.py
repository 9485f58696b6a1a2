"""The API page's OpenAPI document, corrected so that it tells the truth.

BentoML builds the document from the request and response models but documents every API
with the same errors and knows nothing of the bearer token; :func:`openapi_document` fixes
that before the service serves it.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any

from scoring.serving.responses import ErrorResponse

ERRORS: dict[int, str] = {
    400: "Invalid request: not JSON, or a field is invalid (`detail` names it).",
    401: "Missing or wrong bearer token (`Authorization: Bearer <token>`).",
    404: "The client_id is not a known client.",
    413: "The body is larger than the service's limit (`CREDIT_MAX_BODY_BYTES`): split it.",
    415: "The body is not declared as `Content-Type: application/json`.",
    503: "Not ready (model missing or failing its self-check), audit trail unavailable (no "
    "decision is returned unlogged), or no portfolio for client_id requests.",
}
_COMPONENTS = "#/components/schemas/{model}"
_BENTOML_ERROR_CODES = ("400", "404", "500")
_BENTOML_ERROR_MODELS = ("InvalidArgument", "NotFound", "InternalServerError")


def openapi_document(
    spec: dict[str, Any], errors: Mapping[str, Collection[int]], public: Collection[str]
) -> dict[str, Any]:
    """BentoML's OpenAPI document of the service, corrected so that it tells the truth.

    BentoML documents every API with the same 400/404/500 (whose ``detail`` it calls a
    string, though it sends a list) and inlines the request and response models with each
    optional field flattened to its non-null type; it knows nothing of the bearer token.
    Here each operation refers to its models as they are (nullable fields included),
    documents the error statuses in ``errors`` (and 401 outside ``public``) with their real
    body, and declares the token. The models are pydantic's JSON Schema, which is OpenAPI
    3.1's dialect (``{"type": "null"}``), so the document says 3.1.
    """
    document = json.loads(json.dumps(spec))  # a copy, with the status codes as strings
    document["openapi"] = "3.1.0"
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in _BENTOML_ERROR_MODELS:
        schemas.pop(name, None)
    error_schema = ErrorResponse.model_json_schema(ref_template=_COMPONENTS)
    schemas.update(error_schema.pop("$defs"), ErrorResponse=error_schema)
    components["securitySchemes"] = {"bearerAuth": {"type": "http", "scheme": "bearer"}}
    for path, item in document["paths"].items():
        for operation in item.values():
            if "x-bentoml-name" in operation:
                _refer_to_models(operation)
            codes = set(errors.get(path, ()))
            if path not in public:
                operation["security"] = [{"bearerAuth": []}]
                codes.add(401)
            for code in sorted(codes):
                operation["responses"][str(code)] = _error_response(code)
    return document


def _refer_to_models(operation: dict[str, Any]) -> None:
    """Request and 200 bodies as references to their models; BentoML's errors dropped."""
    body = operation["requestBody"]
    body["required"] = True
    for content in (body["content"], operation["responses"]["200"]["content"]):
        for media in content.values():
            media["schema"] = {"$ref": _COMPONENTS.format(model=media["schema"]["title"])}
    for code in _BENTOML_ERROR_CODES:
        operation["responses"].pop(code, None)


def _error_response(code: int) -> dict[str, Any]:
    schema = {"$ref": _COMPONENTS.format(model="ErrorResponse")}
    return {"description": ERRORS[code], "content": {"application/json": {"schema": schema}}}
