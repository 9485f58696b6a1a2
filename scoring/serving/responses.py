"""Response models of the scoring API: what a decision, its explanation and an error look like.

They are declared rather than returned as free dicts so the API page documents every field
with an example, and so a change of shape breaks a test instead of a client. Examples use
the ``example`` key: BentoML's OpenAPI builder rejects ``examples``. The OpenAPI document
BentoML builds from them is corrected by :mod:`scoring.serving.openapi` before it is served.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from scoring.wording import Language

MAX_REASONS = 4  # per direction: adverse-action notices state a few principal reasons
Decision = Literal["granted", "refused"]

_PREDICTION_EXAMPLE: JsonDict = {
    "client_id": 900001,
    "probability": 0.0412,
    "decision": "granted",
    "threshold": 0.073,
    "model": "credit_scoring:ab12cd34ef56gh78",
    "request_id": "0b9f5c1e6a2d4f7e8c3b1a0d9e8f7a6b",
}
_REFUSAL_EXAMPLE: JsonDict = {
    "feature": "EXT_SOURCE_3",
    "label": "External score 3",
    "value": "0.21",
    "contribution": 0.482,
    "text": "External score 3 is low (0.21, lower than 88 % of clients): it raises the risk.",
}
_ACCEPTANCE_EXAMPLE: JsonDict = {
    "feature": "NAME_INCOME_TYPE",
    "label": "Income type",
    "value": "State servant",
    "contribution": -0.153,
    "text": "Income type: State servant, which lowers the risk.",
}
_CONTRIBUTION_EXAMPLE: JsonDict = {
    "feature": "EXT_SOURCE_3",
    "label": "External score 3",
    "value": 0.21,
    "contribution": 0.482,
}
_REASONS_EXAMPLE: JsonDict = {
    "towards_refusal": [_REFUSAL_EXAMPLE],
    "towards_acceptance": [_ACCEPTANCE_EXAMPLE],
}


class Prediction(BaseModel):
    """The decision for one application."""

    model_config = ConfigDict(json_schema_extra={"example": _PREDICTION_EXAMPLE})

    client_id: int | None = Field(description="SK_ID_CURR of the application, if it had one.")
    probability: float = Field(ge=0.0, le=1.0, description="Probability of payment difficulties.")
    decision: Decision = Field(
        description="Refused when the probability is at or above the threshold."
    )
    threshold: float = Field(ge=0.0, le=1.0, description="Business-cost decision threshold.")
    model: str = Field(description="Tag of the model that scored the application.")
    request_id: str = Field(description="Identifier of this request in the audit trail.")


class Contribution(BaseModel):
    """One feature's share of the score, in log-odds (SHAP value)."""

    model_config = ConfigDict(json_schema_extra={"example": _CONTRIBUTION_EXAMPLE})

    feature: str = Field(description="Model feature name.")
    label: str = Field(description="Feature label in the requested language.")
    value: float | None = Field(description="Feature value; null when unknown.")
    contribution: float = Field(description="Positive pushes towards refusal.")


class Reason(BaseModel):
    """One principal reason in plain language."""

    model_config = ConfigDict(json_schema_extra={"example": _REFUSAL_EXAMPLE})

    feature: str = Field(description="Feature, or categorical column for one-hot features.")
    label: str = Field(description="Label in the requested language.")
    value: str = Field(description="The client's value in human units.")
    contribution: float = Field(description="Log-odds contribution (one-hot levels summed).")
    text: str = Field(description="The sentence shown to the advisor and the client.")


class Reasons(BaseModel):
    """The principal reasons on each side of the decision, strongest first."""

    model_config = ConfigDict(json_schema_extra={"example": _REASONS_EXAMPLE})

    towards_refusal: list[Reason] = Field(max_length=MAX_REASONS)
    towards_acceptance: list[Reason] = Field(max_length=MAX_REASONS)


class Explanation(Prediction):
    """The decision with its SHAP decomposition and its principal reasons."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                **_PREDICTION_EXAMPLE,
                "base_value": -2.61,
                "contributions": [_CONTRIBUTION_EXAMPLE],
                "reasons": _REASONS_EXAMPLE,
                "language": "en",
            }
        }
    )

    base_value: float = Field(description="Log-odds of the average client.")
    contributions: list[Contribution] = Field(
        description="base_value + the sum of contributions = log-odds of the probability."
    )
    reasons: Reasons
    language: Language


class BatchPrediction(BaseModel):
    """The decisions of a batch, in the order of the request."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "results": [_PREDICTION_EXAMPLE],
                "model": _PREDICTION_EXAMPLE["model"],
                "threshold": 0.073,
                "count": 1,
            }
        }
    )

    results: list[Prediction]
    model: str = Field(description="Tag of the model that scored the batch.")
    threshold: float = Field(ge=0.0, le=1.0, description="Business-cost decision threshold.")
    count: int = Field(ge=0, description="Number of results.")


_CLIENT_EXAMPLE: JsonDict = {
    "client_id": 900001,
    "application": {"SK_ID_CURR": 900001, "AMT_CREDIT": 513531.0, "EXT_SOURCE_3": 0.535},
    "target": 0,
    "history": {"bureau": [{"SK_ID_CURR": 900001, "SK_ID_BUREAU": 5900001, "DAYS_CREDIT": -1100}]},
}


class ClientData(BaseModel):
    """A known client as the portfolio holds it: what the dashboard shows and simulates on."""

    model_config = ConfigDict(json_schema_extra={"example": _CLIENT_EXAMPLE})

    client_id: int = Field(description="SK_ID_CURR of the client.")
    application: dict[str, Any] = Field(
        description="The application's columns (application_train, without TARGET); "
        "null where unknown."
    )
    target: int | None = Field(
        description="Known outcome: 1 = payment difficulties, 0 = none, null if not known yet."
    )
    history: dict[str, list[dict[str, Any]]] = Field(
        description="Records of each history table; an empty list means none."
    )


class FieldError(BaseModel):
    """One invalid part of a request: where it is and what is wrong with it."""

    model_config = ConfigDict(extra="allow")

    loc: list[str | int] = Field(description="Path of the field: ['application', 'AMT_CREDIT'].")
    msg: str = Field(description="What is wrong, and what is expected.")
    type: str = Field(description="Kind of error (pydantic's error type).")


class ErrorResponse(BaseModel):
    """The body of every error the API answers: a message, and the fields at fault if any."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "error": "1 validation error for ScoringRequestIODescriptor",
                "detail": [
                    {
                        "loc": ["application", "AMT_CREDIT"],
                        "msg": "Input should be greater than or equal to 0",
                        "type": "greater_than_equal",
                    }
                ],
            }
        }
    )

    error: str = Field(description="What went wrong, in words.")
    detail: list[FieldError] | None = Field(
        default=None, description="For an invalid request: each field at fault."
    )
