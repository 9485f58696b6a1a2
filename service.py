"""Prêt à dépenser scoring API (BentoML 1.4).

Thin by design: endpoints validate with the pydantic models of
:mod:`scoring.serving.schemas` and delegate to :class:`scoring.serving.engine.ScoringEngine`.
Configuration is :class:`scoring.settings.ServiceSettings`, read once here (docs/service.md).
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any, cast

import bentoml
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from prometheus_client import Counter
from starlette.responses import Response

from scoring.serving import api_page, openapi, responses, schemas
from scoring.serving.auth import PUBLIC_PATHS, BearerTokenMiddleware
from scoring.serving.engine import ScoringEngine, ServiceError
from scoring.serving.middleware import BodySizeLimit, JsonBodiesOnly, PlainErrors
from scoring.serving.runtime import load_engine, readiness_reason
from scoring.settings import SettingsError, load_settings

logger = logging.getLogger("credit_scoring.service")


try:
    SETTINGS = load_settings()
except SettingsError as error:  # a message naming the variable, not a traceback
    raise SystemExit(str(error)) from None
info_app = FastAPI(title="Model and client data", docs_url=None, redoc_url=None, openapi_url=None)

# Referenced by the class below so that `bentoml build` packs the model into the Bento;
# read through this module-level handle so a missing model is a readiness problem with a
# clear message rather than a crash while the service starts.
MODEL = bentoml.models.BentoModel(SETTINGS.model_tag)
DECISIONS = Counter(
    "credit_decisions_total",
    "Credit decisions returned, by endpoint and decision",
    ["endpoint", "decision"],
)


@bentoml.service(
    name="credit_scoring",
    traffic={"timeout": 60, "max_concurrency": 64},
    workers=SETTINGS.workers,
)
@bentoml.asgi_app(info_app, path="/")
class CreditScoring:
    """Scores, decides and explains consumer-credit applications; logs every decision."""

    model_ref = MODEL

    def __init__(self) -> None:
        self.engine: ScoringEngine | None = None
        self.not_ready = ""
        self.engine, self.not_ready = load_engine(MODEL, SETTINGS)

    def __is_ready__(self) -> bool:
        """Model loaded and self-checked, and the audit trail writable (else: fail closed)."""
        return self.engine is not None and self.engine.audit.healthy()

    # The request body is the request model itself (input_spec): BentoML validates it,
    # then passes its fields, from which the model is rebuilt without validating twice.
    @bentoml.api(route="/predict", input_spec=schemas.ScoringRequest)
    def predict(self, **fields: Any) -> responses.Prediction:
        """Probability of default and decision (`granted`/`refused`) at the business threshold."""
        request = schemas.ScoringRequest.model_construct(**fields)
        return self._run("predict", lambda engine: engine.predict(request))

    @bentoml.api(route="/explain", input_spec=schemas.ScoringRequest)
    def explain(self, **fields: Any) -> responses.Explanation:
        """The prediction, its SHAP contributions (log-odds) and the principal reasons."""
        request = schemas.ScoringRequest.model_construct(**fields)
        return self._run("explain", lambda engine: engine.explain(request))

    @bentoml.api(route="/predict_batch", input_spec=schemas.BatchRequest)
    def predict_batch(self, **fields: Any) -> responses.BatchPrediction:
        """Up to 10,000 applications scored in one vectorised pass."""
        request = schemas.BatchRequest.model_construct(**fields)
        return self._run("predict_batch", lambda engine: engine.predict_batch(request))

    # The id travels in the body, not the path: BentoML labels its open /metrics and its
    # access log with the request path, which would publish every client id looked up.
    @bentoml.api(route="/clients", input_spec=schemas.ClientLookup)
    def client(self, client_id: int) -> responses.ClientData:
        """A known client's application, known outcome and history (for the dashboard)."""
        return self._run("client", lambda engine: engine.client(client_id))

    @info_app.get("/model", tags=[openapi.SCORING_TAG])
    def model(self) -> dict[str, Any]:
        """Model card, metadata, features with labels and units, threshold."""
        return self._run("model", lambda engine: engine.model_info())

    # Served instead of BentoML's own page and /docs.json (this app's routes are matched first).
    @info_app.get("/", include_in_schema=False)
    def api_page(self, request: Request) -> HTMLResponse:
        """The API page: the product, its model, the token, examples, then Swagger UI."""
        enabled = SETTINGS.api_auth == "enabled"
        return api_page.page(str(request.base_url), self._version(), enabled)

    @info_app.get("/docs.json", include_in_schema=False)
    def openapi_document(self) -> dict[str, Any]:
        """The OpenAPI document of the API page, corrected (see scoring.serving.openapi)."""
        return _openapi_document(self._version())

    def _version(self) -> str:
        """The served model's tag, the version the API page and its document show (the reason
        a model is not served is for /readyz's operators, not for this public page)."""
        return self.engine.model.tag if self.engine else f"{MODEL.tag}, not loaded: not ready"

    def _run(self, endpoint: str, call):
        if self.engine is None:
            return _error(503, readiness_reason(self.not_ready))
        try:
            result = call(self.engine)
        except ServiceError as error:
            return _error(error.status, error.message)
        for decision in _decisions(result):
            DECISIONS.labels(endpoint=endpoint, decision=decision).inc()
        return result


def _service() -> bentoml.Service[CreditScoring]:
    """The service the decorators made of the class, typed as such: mypy ignores what a class
    decorator returns (python/mypy#3135) and still sees the class."""
    return cast("bentoml.Service[CreditScoring]", CreditScoring)


_service().add_asgi_middleware(BearerTokenMiddleware, settings=SETTINGS)
_service().add_asgi_middleware(JsonBodiesOnly)
_service().add_asgi_middleware(BodySizeLimit, limit=SETTINGS.max_body_bytes)
_service().add_asgi_middleware(
    PlainErrors, models={api.route: api.input_spec for api in _service().apis.values()}
)

# The error statuses each endpoint answers besides 401, for the API page.
ENDPOINT_ERRORS: dict[str, tuple[int, ...]] = {
    "/predict": (400, 404, 413, 415, 503),
    "/explain": (400, 404, 413, 415, 503),
    "/predict_batch": (400, 413, 415, 503),
    "/clients": (400, 404, 413, 415, 503),
    "/model": (503,),
}


@cache
def _openapi_document(version: str) -> dict[str, Any]:
    spec = _service().openapi_spec.asdict()
    return openapi.openapi_document(spec, ENDPOINT_ERRORS, PUBLIC_PATHS, version)


def _decisions(result: Any) -> list[str]:
    if isinstance(result, responses.BatchPrediction):
        return [r.decision for r in result.results]
    return [result.decision] if isinstance(result, responses.Prediction) else []


def _error(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status)
