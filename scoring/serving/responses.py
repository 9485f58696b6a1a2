"""Response models of the scoring API: what a score, its explanation and an error look like.

They are declared rather than returned as free dicts so the API page documents every field
with an example, and so a change of shape breaks a test instead of a client. Examples use
the ``example`` key: BentoML's OpenAPI builder rejects ``examples``. The OpenAPI document
BentoML builds from them is corrected by :mod:`scoring.serving.openapi` before it is served.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from scoring.explain.reasons import MAX_REASONS
from scoring.policy import Recommendation
from scoring.scale import Grade
from scoring.wording import Language

_PREDICTION_EXAMPLE: JsonDict = {
    "client_id": 900001,
    "probability": 0.0412,
    "points": 578,
    "grade": "B",
    "grade_default_rate": 0.037,
    "recommendation": "granted",
    "threshold": 0.073,
    "review_band": 0.02,
    "model": "credit_scoring:ab12cd34ef56gh78",
    "request_id": "0b9f5c1e6a2d4f7e8c3b1a0d9e8f7a6b",
}
_REASON_EXAMPLE: JsonDict = {
    "code": "external_scores.raises",
    "group": "external_scores",
    "direction": "raises",
    "value": "0.21",
    "text": "External credit scores — external score 3 (0 to 1): 0.21 (below 79% of "
    "applicants). This raises the risk.",
}
_FACT_EXAMPLE: JsonDict = {
    "feature": "EXT_SOURCE_3",
    "label": "external score 3 (0 to 1)",
    "value": "0.21",
    "contribution": 0.482,
}
_GROUP_EXAMPLE: JsonDict = {
    "code": "external_scores",
    "label": "External credit scores",
    "description": "Scores from outside credit agencies, the strongest sign of how past "
    "credit went.",
    "contribution": 0.61,
    "points": 3.9,
    "facts": [_FACT_EXAMPLE],
}
_CONTRIBUTION_EXAMPLE: JsonDict = {
    "feature": "EXT_SOURCE_3",
    "label": "External score 3",
    "value": 0.21,
    "contribution": 0.482,
}


class Prediction(BaseModel):
    """The model's score and recommendation for one application: not a decision, which a
    person or system records with POST /decisions."""

    model_config = ConfigDict(json_schema_extra={"example": _PREDICTION_EXAMPLE})

    client_id: int | None = Field(description="SK_ID_CURR of the application, if it had one.")
    probability: float = Field(ge=0.0, le=1.0, description="Probability of payment difficulties.")
    points: int = Field(
        description="The probability on the lender's points scale: higher is safer. "
        "points = offset + factor × ln((1 − probability) / probability); with the default "
        "scale 600 points are 50:1 odds of repaying and 20 points more double the odds. "
        "GET /model gives the served model's scale (`scale.settings`)."
    )
    grade: Grade = Field(
        description="Risk grade, A (lowest risk) to E (highest): a fixed band of the "
        "probability, the same for every model (GET /model: `scale.grades`)."
    )
    grade_default_rate: float | None = Field(
        ge=0.0,
        le=1.0,
        description="Share of the training holdout's applicants of this grade who had "
        "payment difficulties; null if the model has no such record or the grade was empty.",
    )
    recommendation: Recommendation = Field(
        description="refused at or above the threshold, granted below, review within the "
        "review band around it (a person decides)."
    )
    threshold: float = Field(ge=0.0, le=1.0, description="Business-cost decision threshold.")
    review_band: float = Field(
        ge=0.0, description="Half-width of the review band around the threshold."
    )
    model: str = Field(description="Tag of the model that scored the application.")
    request_id: str = Field(description="Identifier of this scoring call in the records.")


class Reason(BaseModel):
    """One principal reason of the score, as the letter to a refused client states it."""

    model_config = ConfigDict(json_schema_extra={"example": _REASON_EXAMPLE})

    code: str = Field(description="Stable reason code (GET /model lists them all).")
    group: str = Field(description="The explanation group it comes from.")
    direction: Literal["raises", "lowers"] = Field(description="Its effect on the risk.")
    value: str | None = Field(description="The quoted value in human units, if any.")
    text: str = Field(description="The sentence, in the requested language.")


class Fact(BaseModel):
    """A readable factor of a group: its value in human units and its share of the score."""

    model_config = ConfigDict(json_schema_extra={"example": _FACT_EXAMPLE})

    feature: str = Field(description="Model feature, or category column of one-hot features.")
    label: str = Field(description="What it is, in the requested language.")
    value: str | None = Field(description="The client's value in human units; null if unknown.")
    contribution: float = Field(description="Log-odds; positive raises the risk.")


class GroupContribution(BaseModel):
    """One explanation group: the exact sum of its features' contributions."""

    model_config = ConfigDict(json_schema_extra={"example": _GROUP_EXAMPLE})

    code: str = Field(description="Stable group code.")
    label: str = Field(description="The concept, in the requested language.")
    description: str = Field(description="What the group covers, in one line.")
    contribution: float = Field(description="Log-odds (for analysts); positive raises the risk.")
    points: float = Field(
        description="Percentage points of risk this group adds at its place in the list: "
        "base_probability + the sum of points / 100 = probability."
    )
    facts: list[Fact] = Field(description="Its readable factors that moved the score.")


class Contribution(BaseModel):
    """One model feature's share of the score, in log-odds (``detail: "features"`` only)."""

    model_config = ConfigDict(json_schema_extra={"example": _CONTRIBUTION_EXAMPLE})

    feature: str = Field(description="Model feature name.")
    label: str = Field(description="Feature label in the requested language.")
    value: float | None = Field(description="Feature value; null when unknown.")
    contribution: float = Field(description="Positive pushes towards refusal.")


class Explanation(Prediction):
    """The score, its principal reasons, and the score split into a few groups."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                **_PREDICTION_EXAMPLE,
                "base_value": -2.97,
                "base_probability": 0.0489,
                "groups": [_GROUP_EXAMPLE],
                "reasons": [_REASON_EXAMPLE],
                "contributions": None,
                "language": "en",
            }
        }
    )

    base_value: float = Field(description="Log-odds of an applicant whose factors are average.")
    base_probability: float = Field(
        ge=0.0, le=1.0, description="Risk of an applicant whose factors are average."
    )
    groups: list[GroupContribution] = Field(
        description="Largest first; base_value + the sum of contributions = log-odds."
    )
    reasons: list[Reason] = Field(
        max_length=MAX_REASONS,
        description="The principal reasons: all raise the risk when the score is at or above "
        "the threshold, all lower it below.",
    )
    contributions: list[Contribution] | None = Field(
        default=None, description='Per model feature, with "detail": "features" only.'
    )
    language: Language


class BatchResult(Prediction):
    """One application's score in a batch, with its reasons when asked for."""

    reasons: list[Reason] | None = Field(
        default=None, description='With "reasons": true, the principal reasons.'
    )


class BatchPrediction(BaseModel):
    """The scores of a batch, in the order of the request."""

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

    results: list[BatchResult]
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
                "error": "1 problem in the request: application.AMT_CREDITT: unknown field: did "
                "you mean AMT_CREDIT?",
                "detail": [
                    {
                        "loc": ["application", "AMT_CREDITT"],
                        "msg": "unknown field: did you mean AMT_CREDIT?",
                        "type": "extra_forbidden",
                    }
                ],
            }
        }
    )

    error: str = Field(description="What went wrong, in words.")
    detail: list[FieldError] | None = Field(
        default=None, description="For an invalid request: each field at fault."
    )
