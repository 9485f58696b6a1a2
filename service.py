"""Prêt à dépenser scoring API (BentoML 1.4).

Thin by design: endpoints validate with the pydantic models of
:mod:`scoring.serving.schemas` and delegate to :class:`scoring.serving.engine.ScoringEngine`.
Configuration is :class:`scoring.settings.ServiceSettings`, read once here (docs/service.md).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache
from typing import Any, cast

import bentoml
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from prometheus_client import Counter, Gauge, Histogram
from starlette.responses import Response

from scoring.model.champion import RegistryError, resolve_tag
from scoring.monitoring.capture import Capture
from scoring.records.database import RecordsDatabase, RecordsUnavailable
from scoring.records.users import Users
from scoring.serving import (
    api_page,
    batches,
    decision_models,
    file_upload,
    monitoring_models,
    openapi,
    responses,
    schemas,
    sign_in,
)
from scoring.serving.auth import PUBLIC_PATHS, BearerTokenMiddleware
from scoring.serving.callers import Caller
from scoring.serving.deciding import DecisionDesk
from scoring.serving.draining import CloseWhenDraining
from scoring.serving.engine import ScoringEngine, ServiceError
from scoring.serving.metrics import count_scores
from scoring.serving.middleware import FILE_ROUTES, BodySizeLimit, JsonBodiesOnly, PlainErrors
from scoring.serving.runtime import load_engine, readiness_reason
from scoring.serving.scored import ScoredBatch
from scoring.settings import SettingsError, load_settings

logger = logging.getLogger("credit_scoring.service")
JSON = "application/json"


try:
    SETTINGS = load_settings()
except SettingsError as error:  # a message naming the variable, not a traceback
    raise SystemExit(str(error)) from None
info_app = FastAPI(title="Model and client data", docs_url=None, redoc_url=None, openapi_url=None)

# Referenced by the class below so that `bentoml build` packs the model into the Bento;
# read through this module-level handle so a missing model is a readiness problem with a
# clear message rather than a crash while the service starts. name:champion is resolved
# here, once: the Bento packs the champion of the day it is built.
try:
    SERVED_TAG = resolve_tag(SETTINGS.model_tag, SETTINGS.shadow_model_tag)
except RegistryError as error:
    raise SystemExit(str(error)) from None
MODEL = bentoml.models.BentoModel(SERVED_TAG)
# A challenger scored beside the model on real applications: packed too, never returned.
SHADOW = bentoml.models.BentoModel(SETTINGS.shadow_model_tag) if SETTINGS.shadow_model_tag else None
# One records database per process, shared by the auth middleware (keys, users) and the
# engine (inquiries, decisions); nothing connects before the first request.
RECORDS = RecordsDatabase(SETTINGS.audit_db_url)
RECOMMENDATIONS = Counter(
    "credit_recommendations_total",
    "Scores returned, by endpoint and recommendation",
    ["endpoint", "recommendation"],
)
SCORES = Histogram(
    "credit_application_score",
    "Probability of default of the applications scored (purpose application; what-ifs and "
    "views left out)",
    buckets=(0.02, 0.04, 0.06, 0.08, 0.10, 0.125, 0.15, 0.2, 0.3, 0.5, 1.0),
)
DRIFT = Gauge(
    "credit_drift_psi",
    "Population stability index of each model feature and of the score in the current "
    "monitoring window against training (0.10 watch, 0.25 act)",
    ["column"],
    multiprocess_mode="mostrecent",
)
DECISIONS = Counter(
    "credit_decisions_total",
    "Credit decisions recorded, by final decision and whether it departs from the model",
    ["final_decision", "override"],
)


@bentoml.service(
    name="credit_scoring",
    traffic={"timeout": 60, "max_concurrency": 64},
    workers=SETTINGS.workers,
)
@bentoml.asgi_app(info_app, path="/")
class CreditScoring:
    """Scores and explains consumer-credit applications, records who asked and who decided."""

    model_ref = MODEL
    shadow_ref = SHADOW

    def __init__(self) -> None:
        self.engine: ScoringEngine | None = None
        self.not_ready = ""
        self.engine, self.not_ready = load_engine(MODEL, SETTINGS, RECORDS, SHADOW)
        self.users = Users(self.engine.database) if self.engine else None
        if self.engine is not None and self.engine.capture is not None:
            self.engine.capture.on_flush = _publish_drift

    def __is_ready__(self) -> bool:
        """Model loaded and self-checked, and the records writable (else: fail closed)."""
        return self.engine is not None and self.engine.database.healthy()

    # The request body is the request model itself (input_spec): BentoML validates it,
    # then passes its fields, from which the model is rebuilt without validating twice.
    @bentoml.api(route="/predict", input_spec=schemas.ScoringRequest)
    def predict(self, ctx: bentoml.Context, **fields: Any) -> responses.Prediction:
        """Probability of default and the model's recommendation (`granted`, `refused`, or
        `review` near the threshold). A score, not a decision: recorded as an inquiry."""
        request = schemas.ScoringRequest.model_construct(**fields)
        return self._run(
            ctx, lambda engine, caller: engine.predict(request, caller), request.purpose
        )

    @bentoml.api(route="/explain", input_spec=schemas.ScoringRequest)
    def explain(self, ctx: bentoml.Context, **fields: Any) -> responses.Explanation:
        """The score, its principal reasons, and the score split into groups of factors."""
        request = schemas.ScoringRequest.model_construct(**fields)
        return self._run(
            ctx, lambda engine, caller: engine.explain(request, caller), request.purpose
        )

    # The body is read here, column-wise, rather than by BentoML item by item (batches.py).
    @bentoml.api(route="/predict_batch", input_spec=batches.BatchBody)
    def predict_batch(self, ctx: bentoml.Context, **fields: Any) -> responses.BatchPrediction:
        """Up to 10,000 applications scored in one vectorised pass."""
        text = fields["text"]

        def call(engine: ScoringEngine, caller: Caller) -> ScoredBatch:
            with batches.collector_paused():
                return engine.score_batch(batches.read_batch(text), caller)

        return self._run(ctx, call)

    @bentoml.api(route="/decisions", input_spec=decision_models.DecisionRequest)
    def decide(self, ctx: bentoml.Context, **fields: Any) -> decision_models.DecisionReceipt:
        """Record the credit decision for one application: 201 when recorded, 200 when its
        idempotency key had already recorded it. A revision names the decision it revises."""
        request = decision_models.DecisionRequest.model_construct(**fields)

        def call(engine: ScoringEngine, caller: Caller) -> decision_models.DecisionReceipt:
            receipt = DecisionDesk(engine).decide(request, caller)
            ctx.response.status_code = 200 if receipt.replayed else 201
            if not receipt.replayed:
                override = str(receipt.final_decision != receipt.recommendation).lower()
                DECISIONS.labels(final_decision=receipt.final_decision, override=override).inc()
            return receipt

        return self._run(ctx, call)

    @bentoml.api(route="/decisions/history", input_spec=decision_models.HistoryRequest)
    def decision_history(
        self, ctx: bentoml.Context, client_id: int
    ) -> decision_models.DecisionHistory:
        """A client's decisions, oldest first: what, who, when, on which model, and why."""
        return self._run(ctx, lambda engine, _: DecisionDesk(engine).history(client_id))

    @bentoml.api(route="/decisions/review", input_spec=decision_models.ReviewRequest)
    def review_queue(self, ctx: bentoml.Context, limit: int) -> decision_models.ReviewQueue:
        """Applications scored in the review band with no decision yet, and recent overrides."""
        return self._run(
            ctx, lambda engine, caller: DecisionDesk(engine).review_queue(limit, caller)
        )

    @bentoml.api(route="/decisions/letter", input_spec=decision_models.LetterRequest)
    def letter(self, ctx: bentoml.Context, decision_id: str, language: str) -> Any:
        """The letter to a refused applicant (PDF): principal reasons, right to a human review."""

        def call(engine: ScoringEngine, _: Caller) -> Response:
            from scoring.letters import Lender, LetterError, letter_pdf

            decision = DecisionDesk(engine).get(decision_id)
            lender = Lender(
                email=SETTINGS.lender_email,
                address=tuple(
                    line.strip() for line in SETTINGS.lender_address.split("|") if line.strip()
                ),
                phone=SETTINGS.lender_phone or None,
            )
            try:
                pdf = letter_pdf(decision, cast(Any, language), lender)
            except LetterError as error:
                return _error(409, str(error))
            name = f"letter-{decision.client_id}-{decision_id[:8]}-{language}.pdf"
            headers = {"content-disposition": f'attachment; filename="{name}"'}
            return Response(pdf, media_type="application/pdf", headers=headers)

        return self._run(ctx, call)

    @bentoml.api(route="/users/login", input_spec=sign_in.LoginRequest)
    def login(self, ctx: bentoml.Context, **fields: Any) -> sign_in.SignedIn:
        """Check a dashboard user's name and password (the dashboard's key, scope delegate):
        their role, 401 when wrong, 429 after repeated failures (Retry-After)."""
        request = sign_in.LoginRequest.model_construct(**fields)

        def call(engine: ScoringEngine, _: Caller) -> sign_in.SignedIn:
            assert self.users is not None  # set with the engine
            try:
                return sign_in.sign_in(self.users, request)
            except sign_in.Throttled as error:
                ctx.response.metadata["retry-after"] = str(error.retry_after)
                raise

        return self._run(ctx, call)

    @bentoml.api(route="/monitoring", input_spec=monitoring_models.MonitoringRequest)
    def monitoring(self, ctx: bentoml.Context, **fields: Any) -> dict[str, Any]:
        """The served model's drift (PSI of every feature and of the score against training,
        by day) and performance by monthly vintage, over a period (docs/monitoring.md)."""
        request = monitoring_models.MonitoringRequest.model_construct(**fields)

        def call(engine: ScoringEngine, caller: Caller) -> Response:
            return JSONResponse(engine.monitoring(request, caller))

        return self._run(ctx, call)

    # The id travels in the body, not the path: BentoML labels its open /metrics and its
    # access log with the request path, which would publish every client id looked up.
    @bentoml.api(route="/clients", input_spec=schemas.ClientLookup)
    def client(self, ctx: bentoml.Context, client_id: int) -> responses.ClientData:
        """A known client's application, known outcome and history (for the dashboard)."""
        return self._run(ctx, lambda engine, _: engine.client(client_id))

    @info_app.post(
        "/score_file",
        tags=[openapi.SCORING_TAG],
        response_class=Response,
        responses=file_upload.OPENAPI_ANSWERS,
        openapi_extra=file_upload.OPENAPI_REQUEST,
    )
    async def score_file(self, request: Request) -> Response:
        """Score a file of applications for a back office: a form whose `file` field is a CSV
        or Parquet file in the Kaggle layout (application_test's columns, SK_ID_CURR required),
        at most 100,000 rows and `CREDIT_MAX_FILE_BYTES` (128 MiB by default). Checked as
        strictly as /predict_batch; each row is recorded as an inquiry. The answer is the
        scored file (`curl -F file=@applications.csv -o scores.csv ...`)."""
        if self.engine is None:
            return _error(503, readiness_reason(self.not_ready))
        caller = getattr(request.state, "caller", None)
        if caller is None:  # the auth middleware always sets it; never answer without it
            return _error(401, "authentication required")

        def counted(scored: ScoredBatch) -> None:
            count_scores(RECOMMENDATIONS, SCORES, "score_file", scored.recommendations,
                         scored.probabilities, scored.purpose)  # fmt: skip

        return await file_upload.score_file(self.engine, request, caller, counted)

    @info_app.get("/model", tags=[openapi.SCORING_TAG])
    def model(self) -> dict[str, Any]:
        """Model card, metadata, features with labels and units, threshold, review band."""
        if self.engine is None:
            return cast(Any, _error(503, readiness_reason(self.not_ready)))
        return self.engine.model_info()

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

    def _run(
        self,
        ctx: bentoml.Context,
        call: Callable[[ScoringEngine, Caller], Any],
        purpose: str | None = None,
    ) -> Any:
        """The call's answer as JSON (or the Response it made), or the error it raised;
        the scores of real applications (``purpose``) go to the score histogram.

        The JSON is written here, once: BentoML would dump the response model to Python
        objects and then again to JSON, which cost ~1.5 ms on an /explain answer.
        """
        if self.engine is None:
            return _respond(ctx, _error(503, readiness_reason(self.not_ready)))
        caller = getattr(ctx.request.state, "caller", None)
        if caller is None:  # the auth middleware always sets it; never answer without it
            return _respond(ctx, _error(401, "authentication required"))
        try:
            result = call(self.engine, caller)
        except ServiceError as error:
            return _respond(ctx, _error(error.status, error.message))
        if isinstance(result, Response):
            return _respond(ctx, result)
        endpoint = ctx.request.scope["path"].strip("/")
        if isinstance(result, ScoredBatch):
            count_scores(RECOMMENDATIONS, SCORES, endpoint, result.recommendations,
                         result.probabilities, result.purpose)  # fmt: skip
            with batches.collector_paused():
                return _respond(ctx, Response(result.to_json(), media_type=JSON))
        if isinstance(result, responses.Prediction):
            count_scores(RECOMMENDATIONS, SCORES, endpoint, [result.recommendation],
                         [result.probability], purpose)  # fmt: skip
        status = ctx.response.status_code or 200
        return _respond(
            ctx, Response(result.model_dump_json(), status_code=status, media_type=JSON)
        )


def _service() -> bentoml.Service[CreditScoring]:
    """The service the decorators made of the class, typed as such: mypy ignores what a class
    decorator returns (python/mypy#3135) and still sees the class."""
    return cast("bentoml.Service[CreditScoring]", CreditScoring)


# First, so the answers of the middlewares below close their connection too: once the worker
# has SIGTERM, every answer says `Connection: close`, or a keep-alive connection that
# uvicorn's shutdown missed keeps the worker serving, and `bentoml serve` running, for as
# long as its client sends (scoring/serving/draining.py).
_service().add_asgi_middleware(CloseWhenDraining)
_service().add_asgi_middleware(BearerTokenMiddleware, settings=SETTINGS, records=RECORDS)
_service().add_asgi_middleware(JsonBodiesOnly)
_service().add_asgi_middleware(
    BodySizeLimit,
    limit=SETTINGS.max_body_bytes,
    limits={route: SETTINGS.max_file_bytes for route in FILE_ROUTES},
)
_service().add_asgi_middleware(
    PlainErrors, models={api.route: api.input_spec for api in _service().apis.values()}
)

# The error statuses each endpoint answers besides 401, for the API page.
ENDPOINT_ERRORS: dict[str, tuple[int, ...]] = {
    "/predict": (400, 403, 404, 413, 415, 503),
    "/explain": (400, 403, 404, 413, 415, 503),
    "/predict_batch": (400, 403, 413, 415, 503),
    "/score_file": (400, 403, 413, 415, 503),
    "/decisions": (400, 403, 404, 409, 413, 415, 503),
    "/decisions/history": (400, 403, 413, 415, 503),
    "/decisions/review": (400, 403, 413, 415, 503),
    "/decisions/letter": (400, 403, 404, 409, 413, 415, 503),
    "/clients": (400, 403, 404, 413, 415, 503),
    "/users/login": (400, 403, 413, 415, 429, 503),
    "/model": (403, 503),
    "/monitoring": (400, 403, 413, 415, 503),
}


@cache
def _openapi_document(version: str) -> dict[str, Any]:
    spec = _service().openapi_spec.asdict()
    return openapi.openapi_document(spec, ENDPOINT_ERRORS, PUBLIC_PATHS, version)


def _publish_drift(capture: Capture) -> None:
    """The current window's PSI per column, as the metrics show it (called after a flush; a
    column with no application yet is left as it was)."""
    try:
        columns = capture.current_stability()
    except RecordsUnavailable as error:
        logger.warning("drift metrics not updated: %s", error)
        return
    for column in columns:
        if column.psi is not None:
            DRIFT.labels(column=column.name).set(column.psi)


def _respond(ctx: bentoml.Context, response: Response) -> Response:
    """BentoML gives the answer the context's status: keep them the same."""
    ctx.response.status_code = response.status_code
    return response


def _error(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status)
