"""The scoring engine behind the API: inputs → features → score → explanation → audit.

Pure of HTTP: the BentoML service only wires it up, so the same engine is tested in
process and served. A decision is returned only once its audit row is committed
(fail closed); every failure a client can cause is a :class:`ServiceError` with the
HTTP status and a message naming what is wrong.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from scoring.explain.reasons import principal_reasons, reason_codes
from scoring.features import build_online, build_online_batch
from scoring.features.groups import GROUPS
from scoring.model import store
from scoring.model.scorer import REFUSED, CreditModel
from scoring.serving import responses, schemas
from scoring.serving.audit import AuditLog, AuditUnavailable, DecisionRecord, digest
from scoring.serving.explanation import explanation_response, reason_model
from scoring.serving.portfolio import Portfolio
from scoring.wording import Language

Inputs = tuple[int | None, dict[str, Any], dict[str, list[dict[str, Any]]]]


class ServiceError(Exception):
    """An error with the HTTP status it maps to and a message for the caller."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ClientNotFound(ServiceError):
    status = 404


class Unavailable(ServiceError):
    status = 503


@dataclass
class ScoringEngine:
    """A loaded model with its audit log and (optional) portfolio of known clients."""

    model: CreditModel
    audit: AuditLog
    portfolio: Portfolio | None
    currency: str = ""  # shown after every amount a reason quotes

    def __post_init__(self) -> None:
        self.reference = store.read_json(self.model.root / store.REFERENCE_FILE)["features"]

    def predict(self, request: schemas.ScoringRequest) -> responses.Prediction:
        """Probability of default and decision for one application or known client."""
        client_id, application, history = self._inputs(request)
        values = build_online(application, history)
        probability = float(self.model.predict_proba(values)[0])
        prediction = self._prediction(client_id, probability)
        self._audit([_record(prediction, "predict", request, self.model)])
        return prediction

    def explain(self, request: schemas.ScoringRequest) -> responses.Explanation:
        """The prediction, its groups in risk points and its principal reasons."""
        client_id, application, history = self._inputs(request)
        values = build_online(application, history)
        probability = float(self.model.predict_proba(values)[0])
        prediction = self._prediction(client_id, probability)
        result = explanation_response(
            prediction,
            self.model.explain(values),
            values,
            self.reference,
            request.language,
            self.currency,
            self.model.columns if request.detail == "features" else None,
        )
        codes = [reason.code for reason in result.reasons]
        self._audit([_record(prediction, "explain", request, self.model, codes)])
        return result

    def predict_batch(self, request: schemas.BatchRequest) -> responses.BatchPrediction:
        """Score many applications in one vectorised pass; identical to single calls."""
        items = [item.to_online() for item in request.applications]
        values = build_online_batch(items)
        client_ids = [item.application.SK_ID_CURR for item in request.applications]
        probabilities = self.model.predict_proba(values)
        decisions = self.model.decide(probabilities)
        reasons = (
            self._batch_reasons(values, decisions, request.language)
            if request.reasons
            else [None] * len(items)
        )
        results = [
            responses.BatchResult(
                **self._prediction(cid, float(p), str(d)).model_dump(), reasons=why
            )
            for cid, p, d, why in zip(client_ids, probabilities, decisions, reasons, strict=True)
        ]
        self._audit(
            [
                _record(r, "predict_batch", item, self.model, _codes(r.reasons))
                for r, item in zip(results, request.applications, strict=True)
            ]
        )
        return responses.BatchPrediction(
            results=results,
            model=self.model.tag,
            threshold=self.model.threshold,
            count=len(results),
        )

    def _batch_reasons(
        self, values: np.ndarray, decisions: np.ndarray, language: Language
    ) -> list[list[responses.Reason]]:
        """Each application's principal reasons, from one TreeSHAP pass over the batch."""
        contributions = self.model.explain(values).contributions
        return [
            [
                reason_model(reason)
                for reason in principal_reasons(
                    row, features, self.reference, decision == REFUSED, language, self.currency
                )
            ]
            for row, features, decision in zip(contributions, values, decisions, strict=True)
        ]

    def client(self, client_id: int) -> responses.ClientData:
        """A known client's application, outcome and history, as the portfolio holds them."""
        record = self._portfolio().client(client_id)
        if record is None:
            raise ClientNotFound(f"client_id {client_id} is not a known client")
        return responses.ClientData(
            client_id=client_id,
            application=record.application,
            target=record.target,
            history=record.history,
        )

    def model_info(self) -> dict[str, Any]:
        """What the dashboard and client systems need to know about the served model."""
        return {
            "tag": self.model.tag,
            "threshold": self.model.threshold,
            "metadata": self.model.metadata,
            "features": self.model.features,
            "card": store.read_json(self.model.root / store.CARD_FILE),
            "groups": [
                {
                    "code": g.code,
                    "label": {"en": g.label_en, "fr": g.label_fr},
                    "description": {"en": g.description_en, "fr": g.description_fr},
                }
                for g in GROUPS
            ],
            "reason_codes": reason_codes(),
            "currency": self.currency,
        }

    def _inputs(self, request: schemas.ScoringRequest) -> Inputs:
        if request.client_id is None:
            application, history = request.to_online()
            assert request.application is not None  # else to_online() raised
            return request.application.SK_ID_CURR, application, history
        record = self._portfolio().client(request.client_id)
        if record is None:
            raise ClientNotFound(f"client_id {request.client_id} is not a known client")
        return request.client_id, record.application, record.history

    def _portfolio(self) -> Portfolio:
        if self.portfolio is None:
            raise Unavailable(
                "no portfolio database is configured: client_id requests are unavailable"
            )
        return self.portfolio

    def _prediction(
        self, client_id: int | None, probability: float, decision: str | None = None
    ) -> responses.Prediction:
        """The answer to one application."""
        decision = decision or str(self.model.decide(np.array([probability]))[0])
        return responses.Prediction(
            client_id=client_id,
            probability=probability,
            decision=cast(responses.Decision, decision),  # the model's; pydantic checks it
            threshold=self.model.threshold,
            model=self.model.tag,
            request_id=new_request_id(),
        )

    def _audit(self, records: Sequence[DecisionRecord]) -> None:
        try:
            self.audit.record(records)
        except AuditUnavailable as error:
            raise Unavailable(f"decision not returned: {error}") from error


def new_request_id() -> str:
    """32 hex digits, time-ordered: nanosecond clock then 64 random bits.

    Random UUIDs land all over the audit table's primary-key index; time-ordered ids
    append to it, which halves the cost of writing a 10,000-decision batch.
    """
    return f"{time.time_ns():016x}{secrets.token_hex(8)}"


def _record(
    prediction: responses.Prediction,
    endpoint: str,
    request: Any,
    model: CreditModel,
    reason_codes: list[str] | None = None,
) -> DecisionRecord:
    """The audit row: the reason codes of the decision, never the client's values."""
    return DecisionRecord(
        request_id=prediction.request_id,
        endpoint=endpoint,
        model_tag=model.tag,
        threshold=model.threshold,
        input_hash=digest(request.__pydantic_serializer__.to_json(request, exclude_none=True)),
        client_id=prediction.client_id,
        probability=prediction.probability,
        decision=prediction.decision,
        reasons=reason_codes,
        language=getattr(request, "language", "en"),
    )


def _codes(reasons: list[responses.Reason] | None) -> list[str] | None:
    return None if reasons is None else [reason.code for reason in reasons]


__all__ = ["ClientNotFound", "ScoringEngine", "ServiceError", "Unavailable"]
