"""Recording credit decisions, reading them back, and the review queue, behind the API.

A decision scores the application again in the same call, with the served model, so the
record holds the probability and recommendation the decision was actually made on, and the
principal reasons a refusal letter states. Who may decide what:

- any caller with the ``decide`` scope records a decision that follows the recommendation;
- departing from it, or deciding a score in the review band, needs a ``reason`` (400 naming
  the field otherwise) and, when a dashboard user acts, the supervisor role (403).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scoring.explain.reasons import principal_reasons
from scoring.policy import REVIEW, needs_reason
from scoring.records.database import RecordsUnavailable
from scoring.records.decisions import Decision, DecisionConflict, NewDecision
from scoring.serving.callers import SUPERVISOR, Caller
from scoring.serving.decision_models import (
    DecisionHistory,
    DecisionReceipt,
    DecisionRecord,
    DecisionRequest,
    PendingReview,
    ReviewQueue,
)
from scoring.serving.engine import (
    Conflict,
    Forbidden,
    ScoringEngine,
    ServiceError,
    Unavailable,
    input_digest,
)
from scoring.wording.decisions import OUTCOMES, OVERRIDE_REASONS


class DecisionNotFound(ServiceError):
    status = 404


@dataclass
class DecisionDesk:
    """Decisions made with the engine's model, recorded in its records database."""

    engine: ScoringEngine

    def decide(self, request: DecisionRequest, caller: Caller) -> DecisionReceipt:
        """Score the application, check who may decide it and why, and record the decision."""
        engine = self.engine
        _, values = engine.features(request)
        probability = float(engine.model.predict_proba(values)[0])
        recommendation = engine.recommendation(probability)
        self._check(request, recommendation, caller)
        contributions = engine.model.explain(values).contributions[0]
        reasons = principal_reasons(
            contributions,
            values,
            engine.reference,
            probability >= engine.model.threshold,
            request.language,
            engine.currency,
        )
        new = NewDecision(
            client_id=request.application_id,
            input_hash=input_digest(request),
            model_tag=engine.model.tag,
            threshold=engine.model.threshold,
            review_band=engine.review_band,
            probability=probability,
            recommendation=recommendation,
            final_decision=request.final_decision,
            decided_by=caller.actor,
            reason=request.reason,
            note=request.note,
            reason_codes=[reason.code for reason in reasons],
            language=request.language,
            idempotency_key=request.idempotency_key,
            revises=request.revises,
        )
        try:
            decision, replayed = engine.decisions.record(new)
        except DecisionConflict as error:
            raise Conflict(error.message) from error
        except RecordsUnavailable as error:
            raise Unavailable.records("decision not recorded", error) from error
        return DecisionReceipt(**_record_fields(decision), replayed=replayed)

    def history(self, client_id: int) -> DecisionHistory:
        """Every decision about ``client_id``, oldest first."""
        decisions = self._read(lambda: self.engine.decisions.history(client_id))
        return DecisionHistory(
            client_id=client_id,
            decisions=[DecisionRecord(**_record_fields(d)) for d in decisions],
            current=decisions[-1].decision_id if decisions else None,
        )

    def get(self, decision_id: str) -> Decision:
        """The decision ``decision_id`` (404 when unknown)."""
        decision = self._read(lambda: self.engine.decisions.get(decision_id))
        if decision is None:
            raise DecisionNotFound(f"decision_id {decision_id} is not a recorded decision")
        return decision

    def review_queue(self, limit: int, caller: Caller) -> ReviewQueue:
        """Undecided applications scored in the review band, and the latest overrides."""
        if caller.role is not None and caller.role != SUPERVISOR:
            raise Forbidden("the review queue is for supervisors")
        pending = self._read(lambda: self.engine.inquiries.pending_reviews(limit))
        overrides = self._read(lambda: self.engine.decisions.overrides(limit=limit))
        return ReviewQueue(
            pending=[
                PendingReview(
                    client_id=row["client_id"],
                    request_id=row["request_id"],
                    created_at=row["created_at"],
                    probability=row["probability"],
                    model=row["model_tag"],
                    asked_by=row["actor"],
                )
                for row in pending
            ],
            overrides=[DecisionRecord(**_record_fields(d)) for d in overrides],
        )

    def _check(self, request: DecisionRequest, recommendation: str, caller: Caller) -> None:
        if not needs_reason(recommendation, request.final_decision):
            return
        if request.reason is None:
            why = (
                "the score is in the review band, so a person decides"
                if recommendation == REVIEW
                else f"the model recommended {OUTCOMES[recommendation]['en']}"
            )
            raise ServiceError(
                f"reason: required for a final decision of {request.final_decision} because "
                f"{why}; give one of {', '.join(OVERRIDE_REASONS)} (and a note if useful)"
            )
        if caller.role is not None and caller.role != SUPERVISOR:
            raise Forbidden(
                f"user {caller.user} is an advisor: departing from the model's recommendation "
                "or deciding a case in the review band is for a supervisor"
            )

    def _read(self, query: Any) -> Any:
        try:
            return query()
        except RecordsUnavailable as error:
            raise Unavailable.records("records not read", error) from error


def _record_fields(decision: Decision) -> dict[str, Any]:
    return {
        "decision_id": decision.decision_id,
        "created_at": decision.created_at,
        "client_id": decision.client_id,
        "final_decision": decision.final_decision,
        "recommendation": decision.recommendation,
        "probability": decision.probability,
        "threshold": decision.threshold,
        "review_band": decision.review_band,
        "model": decision.model_tag,
        "decided_by": decision.decided_by,
        "reason": decision.reason,
        "note": decision.note,
        "reason_codes": decision.reason_codes,
        "revises": decision.revises,
    }
