"""The scoring engine behind the API: inputs → features → score → explanation → inquiry.

Pure of HTTP: the BentoML service only wires it up, so the same engine is tested in
process and served. Scoring is not deciding: each call is recorded as an *inquiry* (who,
why, which model, input hash, result), committed before the answer leaves (fail closed);
decisions are recorded by :mod:`scoring.serving.deciding`. Every failure a client can cause
is a :class:`ServiceError` with the HTTP status and a message naming what is wrong.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any, cast

import numpy as np

from scoring.explain.reasons import Reason, reason_codes, rows_reasons
from scoring.features import build_online
from scoring.features.groups import GROUPS
from scoring.model import store
from scoring.model.scorer import CreditModel
from scoring.monitoring.bins import NoReferenceBins
from scoring.monitoring.capture import Capture
from scoring.monitoring.summary import period_summary
from scoring.policy import REFUSED, recommend
from scoring.records.clock import new_id, utc_now
from scoring.records.database import RecordsDatabase, RecordsUnavailable
from scoring.records.decisions import DecisionBook
from scoring.records.inquiries import Inquiry, InquiryBatch, InquiryLog
from scoring.records.shadow import ShadowScore
from scoring.serving import responses, schemas
from scoring.serving.batches import Batch, batch_of
from scoring.serving.callers import SUPERVISOR, Caller
from scoring.serving.digests import input_digest
from scoring.serving.explanation import explanation_response
from scoring.serving.monitoring_models import MonitoringRequest
from scoring.serving.portfolio import Portfolio
from scoring.serving.scored import ScoredBatch
from scoring.wording import Language

Inputs = tuple[int | None, dict[str, Any], dict[str, list[dict[str, Any]]]]
CHUNK_ROWS = 10_000  # applications featured and scored at once: bounded memory for files
logger = logging.getLogger(__name__)


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

    @classmethod
    def records(cls, doing: str, error: RecordsUnavailable) -> Unavailable:
        """The 503 of a records database failure while ``doing``: the log gets the cause,
        naming the database; the caller gets its kind, never the database's address."""
        logger.warning("%s: %s", doing, error)
        return cls(f"{doing}: {error.public}")


class Forbidden(ServiceError):
    status = 403


class Conflict(ServiceError):
    status = 409


@dataclass
class ScoringEngine:
    """A loaded model with its records and (optional) portfolio of known clients."""

    model: CreditModel
    database: RecordsDatabase
    portfolio: Portfolio | None
    currency: str = ""  # shown after every amount a reason quotes
    review_band: float = 0.0  # half-width of the band around the threshold left to a person
    capture: Capture | None = None  # drift counts of real applications (None: not monitored)
    shadow: CreditModel | None = None  # a challenger scored beside, recorded, never returned

    def __post_init__(self) -> None:
        # Read once: the features' percentiles place a client among peers, and the whole
        # document (bins, weights) is what /monitoring compares a period with.
        self.reference_document = store.read_json(self.model.root / store.REFERENCE_FILE)
        self.reference = self.reference_document["features"]
        self.inquiries = InquiryLog(self.database)
        self.decisions = DecisionBook(self.database)

    def predict(self, request: schemas.ScoringRequest, caller: Caller) -> responses.Prediction:
        """Probability of default and recommendation for one application or known client."""
        client_id, values = self.features(request)
        probability = float(self.model.predict_proba(values)[0])
        prediction = self._prediction(client_id, probability)
        inquiry = _inquiry(prediction, "predict", request, caller)
        self._record([inquiry], self._shadow(request.purpose, values, [inquiry]))
        self._count(request.purpose, values, [probability], [inquiry.input_hash])
        return prediction

    def explain(self, request: schemas.ScoringRequest, caller: Caller) -> responses.Explanation:
        """The prediction, its groups in risk points and its principal reasons."""
        client_id, values = self.features(request)
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
        inquiry = _inquiry(prediction, "explain", request, caller, codes)
        self._record([inquiry], self._shadow(request.purpose, values, [inquiry]))
        self._count(request.purpose, values, [probability], [inquiry.input_hash])
        return result

    def predict_batch(
        self, request: schemas.BatchRequest, caller: Caller
    ) -> responses.BatchPrediction:
        """Score many applications in one vectorised pass; identical to single calls."""
        return self.score_batch(batch_of(request), caller).to_model()

    def score_batch(
        self, batch: Batch, caller: Caller, endpoint: str = "predict_batch"
    ) -> ScoredBatch:
        """Score a batch chunk by chunk, record one inquiry per application in one
        transaction, then count the real applications for drift (/predict_batch and
        /score_file)."""
        n = len(batch)
        probabilities = np.empty(n, dtype=np.float64)
        reasons: list[list[Reason]] | None = [] if batch.reasons else None
        drift_rows: list[np.ndarray] = []
        challenger: list[np.ndarray | None] = []
        for start in range(0, n, CHUNK_ROWS):
            stop = min(n, start + CHUNK_ROWS)
            values = batch.features(start, stop)
            scores = self.model.predict_proba(values)
            probabilities[start:stop] = scores
            if reasons is not None:
                reasons += self._batch_reasons(values, self.model.decide(scores), batch.language)
            if batch.purpose == "application":
                if self.capture is not None:  # counted once recorded
                    drift_rows.append(values[:, self.model.columns].astype(np.float32))
                challenger.append(self._challenger(values))
        scored = ScoredBatch.of(self.model, self.review_band, batch, probabilities, reasons)
        inquiries = InquiryBatch(
            endpoint=endpoint,
            purpose=batch.purpose,
            actor=caller.actor,
            model_tag=self.model.tag,
            threshold=self.model.threshold,
            language=batch.language,
            created_at=utc_now(),
            request_ids=scored.request_ids,
            input_hashes=batch.digests,
            client_ids=batch.client_ids,
            probabilities=probabilities.tolist(),
            recommendations=scored.recommendations,
            reasons=None if reasons is None else [[r.code for r in given] for given in reasons],
        )
        parts = [part for part in challenger if part is not None]
        shadows = self._shadow_scores(
            np.concatenate(parts) if parts and len(parts) == len(challenger) else None,
            zip(scored.request_ids, inquiries.probabilities, repeat(inquiries.created_at)),
        )
        self._record(inquiries, shadows)
        if drift_rows and self.capture is not None:
            self.capture.add(np.concatenate(drift_rows), probabilities, batch.digests)
        return scored

    def _batch_reasons(
        self, values: np.ndarray, decisions: np.ndarray, language: Language
    ) -> list[list[Reason]]:
        """Each application's principal reasons, from one TreeSHAP pass over the rows."""
        contributions = self.model.explain(values).contributions
        refused = decisions == REFUSED
        return rows_reasons(contributions, values, refused, self.reference, language, self.currency)

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
            # The points scale and each grade's figures on the holdout, as the card has them.
            "scale": self.model.rating.to_dict(),
            "currency": self.currency,
            "review_band": self.review_band,
        }

    def monitoring(self, request: MonitoringRequest, caller: Caller) -> dict[str, Any]:
        """The served model's drift and performance over the request's period (a person the
        dashboard acts for must be a supervisor)."""
        if caller.role is not None and caller.role != SUPERVISOR:
            raise Forbidden("model monitoring is for supervisors")
        since, until = request.days()
        try:
            return period_summary(
                self.database,
                self.model.tag,
                self.reference_document,
                since,
                until,
                request.watch,
                request.act,
            )
        except NoReferenceBins as error:
            raise Unavailable(str(error)) from error
        except RecordsUnavailable as error:
            raise Unavailable.records("monitoring unavailable", error) from error

    def features(self, request: schemas.ApplicationSource) -> tuple[int | None, np.ndarray]:
        """The application's id (when it has one) and its model features."""
        client_id, application, history = self._inputs(request)
        return client_id, build_online(application, history)

    def _inputs(self, request: schemas.ApplicationSource) -> Inputs:
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

    def recommendation(self, probability: float) -> str:
        """granted, refused or review (within the review band of the threshold)."""
        return str(recommend(np.array([probability]), self.model.threshold, self.review_band)[0])

    def _prediction(
        self, client_id: int | None, probability: float, recommendation: str | None = None
    ) -> responses.Prediction:
        """The answer to one application, with its points and grade on the model's scale."""
        points, grade, grade_rate = self.model.rating.rate(probability)
        return responses.Prediction(
            client_id=client_id,
            probability=probability,
            points=points,
            grade=grade,
            grade_default_rate=grade_rate,
            # The model's, checked by pydantic.
            recommendation=cast(Any, recommendation or self.recommendation(probability)),
            threshold=self.model.threshold,
            review_band=self.review_band,
            model=self.model.tag,
            request_id=new_id(),
        )

    def _count(
        self, purpose: str, values: np.ndarray, probabilities: Any, inputs: Sequence[str]
    ) -> None:
        """Count real applications into the drift bins, each input once (``inputs``: their
        digests: an application scored then explained counts once); what-ifs and views never
        count."""
        if self.capture is not None and purpose == "application":
            rows = np.atleast_2d(values)[:, self.model.columns]
            self.capture.add(rows, np.asarray(probabilities), inputs)

    def _shadow(
        self, purpose: str, values: np.ndarray, inquiries: Sequence[Inquiry]
    ) -> list[ShadowScore]:
        """The challenger's scores of real applications (none for what-ifs and views), to be
        recorded with their inquiries; the caller never sees them."""
        if purpose != "application":
            return []
        champion = [(i.request_id, i.probability, i.created_at) for i in inquiries]
        return self._shadow_scores(self._challenger(values), champion)

    def _challenger(self, values: np.ndarray) -> np.ndarray | None:
        """The challenger's probabilities of these rows (None without one, or when it fails:
        the challenger must never cost the live answer)."""
        if self.shadow is None:
            return None
        try:
            return self.shadow.predict_proba(values)
        except Exception:
            logger.exception("shadow model %s failed to score; not recorded", self.shadow.tag)
            return None

    def _shadow_scores(
        self, probabilities: np.ndarray | None, champion: Iterable[tuple[str, float, str]]
    ) -> list[ShadowScore]:
        """The challenger's ``probabilities`` beside the champion's (request id, probability,
        time) of the same applications."""
        if self.shadow is None or probabilities is None:
            return []
        return [
            ShadowScore(
                request_id=request_id,
                champion_tag=self.model.tag,
                champion_probability=probability,
                champion_threshold=self.model.threshold,
                challenger_tag=self.shadow.tag,
                challenger_probability=float(challenger),
                challenger_threshold=self.shadow.threshold,
                created_at=created_at,
            )
            for (request_id, probability, created_at), challenger in zip(
                champion, probabilities, strict=True
            )
        ]

    def _record(
        self, inquiries: Sequence[Inquiry] | InquiryBatch, shadows: Sequence[ShadowScore] = ()
    ) -> None:
        try:
            self.inquiries.record(inquiries, shadows)
        except RecordsUnavailable as error:
            raise Unavailable.records("score not returned", error) from error


def _inquiry(
    prediction: responses.Prediction,
    endpoint: str,
    request: Any,
    caller: Caller,
    reason_codes: list[str] | None = None,
    envelope: schemas.BatchRequest | None = None,
) -> Inquiry:
    """The inquiry row: the reason codes given, never the client's values."""
    asked = envelope or request  # a batch item carries its batch's purpose and language
    return Inquiry(
        request_id=prediction.request_id,
        endpoint=endpoint,
        purpose=asked.purpose,
        actor=caller.actor,
        model_tag=prediction.model,
        threshold=prediction.threshold,
        input_hash=input_digest(request),
        client_id=prediction.client_id,
        probability=prediction.probability,
        recommendation=prediction.recommendation,
        reasons=reason_codes,
        language=asked.language,
    )


__all__ = [
    "ClientNotFound",
    "Conflict",
    "Forbidden",
    "ScoringEngine",
    "ServiceError",
    "Unavailable",
    "input_digest",
]
