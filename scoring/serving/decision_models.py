"""Request and response models of the decision endpoints: recording a credit decision, a
client's decision history, the review queue and the letter to a refused applicant.

A decision is an act, distinct from scoring: it names who made it, and a person who departs
from the model's recommendation (or decides a case in the review band) says why, with a
reason from :data:`scoring.wording.decisions.OVERRIDE_REASONS` and an optional note.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from scoring.policy import FinalDecision, Recommendation
from scoring.serving.schemas import DEMO_CLIENT_ID, ApplicationSource, Key
from scoring.wording import Language
from scoring.wording.decisions import NOTE_REQUIRED, OverrideReason

DecisionId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
IdempotencyKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._:-]{8,128}$")]
MAX_NOTE = 1_000

_EXAMPLE_ID = "18eed10b39c903a1b4a157729334fe98"


class DecisionRequest(ApplicationSource):
    """Record the credit decision for one application (sent in full, or a known client)."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "client_id": DEMO_CLIENT_ID,
                "final_decision": "refused",
                "idempotency_key": "branch-12:2026-12-07:100002",
                "language": "en",
            }
        }
    )

    final_decision: FinalDecision = Field(description="granted or refused.")
    idempotency_key: IdempotencyKey = Field(
        description="8 to 128 letters, digits or ._:- chosen by the caller: the same key "
        "returns the decision already recorded, so a retry never decides twice."
    )
    reason: OverrideReason | None = Field(
        default=None,
        description="Required when the final decision differs from the model's "
        "recommendation or the score is in the review band: the person's reason code.",
    )
    note: str | None = Field(
        default=None, max_length=MAX_NOTE, description="Free text; required with reason 'other'."
    )
    revises: DecisionId | None = Field(
        default=None, description="The current decision this one revises (a new record)."
    )

    @model_validator(mode="after")
    def _identified_and_explained(self) -> DecisionRequest:
        if self.client_id is None and (
            self.application is None or self.application.SK_ID_CURR is None
        ):
            raise PydanticCustomError(
                "application_id_required",
                "a decision is about one identified application: send application.SK_ID_CURR "
                "or client_id",
            )
        if self.reason in NOTE_REQUIRED and not (self.note and self.note.strip()):
            raise PydanticCustomError(
                "note_required", "note: required with reason 'other', to say what it is"
            )
        return self

    @property
    def application_id(self) -> int:
        """The application's SK_ID_CURR (the validator made sure there is one)."""
        if self.client_id is not None:
            return self.client_id
        assert self.application is not None and self.application.SK_ID_CURR is not None
        return int(self.application.SK_ID_CURR)


class HistoryRequest(BaseModel):
    """A client's decisions: ``{"client_id": 100002}`` (in the body, never the URL)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"example": {"client_id": DEMO_CLIENT_ID}}
    )

    client_id: Key = Field(description="SK_ID_CURR of the application.")


class LetterRequest(BaseModel):
    """The letter of a recorded refusal, as a PDF."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"decision_id": _EXAMPLE_ID, "language": "fr"}},
    )

    decision_id: DecisionId
    language: Language = Field(default="en", description="Language of the letter.")


class ReviewRequest(BaseModel):
    """The supervisor's queue: scores left to a person, and recent overrides."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {"limit": 50}})

    limit: int = Field(
        default=100, ge=1, le=1_000, strict=True, description="Items of each list, at most."
    )


class DecisionRecord(BaseModel):
    """One recorded decision: what, who, when, on which model, and why."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "decision_id": _EXAMPLE_ID,
                "created_at": "2026-12-07T09:14:03.120000+00:00",
                "client_id": DEMO_CLIENT_ID,
                "final_decision": "refused",
                "recommendation": "refused",
                "probability": 0.31,
                "threshold": 0.073,
                "review_band": 0.02,
                "model": "credit_scoring:ab12cd34ef56gh78",
                "decided_by": "user:marie via key:3f9a0c12",
                "reason": None,
                "note": None,
                "reason_codes": ["external_scores.raises", "income_burden.raises"],
                "revises": None,
            }
        }
    )

    decision_id: str
    created_at: str = Field(description="When it was recorded (ISO 8601, UTC).")
    client_id: int = Field(description="SK_ID_CURR of the application.")
    final_decision: FinalDecision
    recommendation: Recommendation = Field(description="What the model recommended.")
    probability: float = Field(ge=0.0, le=1.0)
    threshold: float = Field(ge=0.0, le=1.0)
    review_band: float = Field(ge=0.0)
    model: str = Field(description="Tag of the model that scored it, in the same call.")
    decided_by: str = Field(description="The person (user:…) or system (key:…) who decided.")
    reason: str | None = Field(description="The person's reason code, when they had to give one.")
    note: str | None
    reason_codes: list[str] = Field(description="The model's principal reasons (codes).")
    revises: str | None = Field(description="The decision this one revised.")


class DecisionReceipt(DecisionRecord):
    """The decision recorded by this call, or already recorded under its idempotency key."""

    replayed: bool = Field(description="True when the key had already recorded this decision.")


class DecisionHistory(BaseModel):
    """A client's decisions, oldest first; the last one is current."""

    client_id: int
    decisions: list[DecisionRecord]
    current: str | None = Field(description="decision_id of the current decision.")


class PendingReview(BaseModel):
    """An application scored in the review band, with no decision yet."""

    client_id: int
    request_id: str = Field(description="The scoring call that put it in the band.")
    created_at: str
    probability: float
    model: str
    asked_by: str


class ReviewQueue(BaseModel):
    """What a supervisor looks at: undecided scores in the band, and recent overrides."""

    pending: list[PendingReview]
    overrides: list[DecisionRecord]
