"""Request models of the scoring API, derived from :mod:`scoring.schema`.

Every field comes from the schema's tables, so the API accepts exactly what the loader and
the feature pipeline accept, and a bad value is a 400 naming its field instead of a NaN
feature or a 500. Choices:

- numbers are strict: a string ("123") or a bool is rejected, never converted; NaN and
  infinities (JSON ``NaN``/``Infinity`` tokens, ``1e999``) are rejected;
- integer columns accept 2 and 2.0 but reject 2.5: JSON writers such as pandas write
  integer columns that hold missing values as floats, and 2.0 is exactly 2, so accepting
  it hides no coercion (JSON Schema's "integer" means the same);
- a sentinel in ``Column.special`` (``DAYS_EMPLOYED = 365243``) is accepted outside the range;
- a missing or null field is unknown (NaN for the model), except the required columns;
- an unknown field is rejected by name, since it is usually a typo of a real one;
- an error names the field and the rule, never the value sent: BentoML logs it.

Examples use the ``example`` key: BentoML's OpenAPI builder rejects ``examples``.
"""

from __future__ import annotations

from collections import Counter
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AllowInfNan,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    ValidationInfo,
    WithJsonSchema,
    create_model,
    field_validator,
    model_validator,
)
from pydantic.config import JsonValue
from pydantic_core import PydanticCustomError

from scoring.policy import Purpose
from scoring.schema import APPLICATION_TEST, HISTORY, HISTORY_NAMES, TABLES
from scoring.schema.core import Column, Table
from scoring.wording import Language

MAX_RECORDS = 10_000  # per history table of one request, and applications per batch
ANONYMOUS_ID = 0  # links the rows of an application sent without SK_ID_CURR
CLIENT_KEY = "SK_ID_CURR"  # implied by the application: optional everywhere
# The known client of the examples: Kaggle's first SK_ID_CURR, where the generator's ids start
# too; the demo portfolio holds it (tests/service/test_api_page.py).
DEMO_CLIENT_ID = 100002

# Typical values (rounded medians of the Kaggle data, not a real row) for the API page.
APPLICATION_EXAMPLE: dict[str, Any] = {
    "SK_ID_CURR": 900001,
    "NAME_CONTRACT_TYPE": "Cash loans",
    "CODE_GENDER": "F",
    "FLAG_OWN_CAR": "N",
    "FLAG_OWN_REALTY": "Y",
    "CNT_CHILDREN": 0,
    "AMT_INCOME_TOTAL": 147150,
    "AMT_CREDIT": 513531.0,
    "AMT_ANNUITY": 24903.0,
    "AMT_GOODS_PRICE": 450000,
    "NAME_INCOME_TYPE": "Working",
    "NAME_EDUCATION_TYPE": "Secondary / secondary special",
    "NAME_FAMILY_STATUS": "Married",
    "NAME_HOUSING_TYPE": "House / apartment",
    "REGION_POPULATION_RELATIVE": 0.0188,
    "DAYS_BIRTH": -15750,
    "DAYS_EMPLOYED": -1213,
    "DAYS_ID_PUBLISH": -3254,
    "OCCUPATION_TYPE": "Laborers",
    "CNT_FAM_MEMBERS": 2,
    "REGION_RATING_CLIENT_W_CITY": 2,
    "ORGANIZATION_TYPE": "Business Entity Type 3",
    "EXT_SOURCE_2": 0.566,
    "EXT_SOURCE_3": 0.535,
    "DAYS_LAST_PHONE_CHANGE": -757,
}
_BUREAU_ID, _PREVIOUS_ID = {"SK_ID_BUREAU": 5900001}, {"SK_ID_PREV": 1900001}
HISTORY_EXAMPLE: dict[str, Any] = {
    "bureau": [
        {
            **_BUREAU_ID,
            "CREDIT_ACTIVE": "Closed",
            "DAYS_CREDIT": -1100,
            "AMT_CREDIT_SUM": 135000.0,
            "CREDIT_TYPE": "Consumer credit",
        }
    ],
    "bureau_balance": [
        {**_BUREAU_ID, "MONTHS_BALANCE": -25, "STATUS": "C"},
        {**_BUREAU_ID, "MONTHS_BALANCE": -26, "STATUS": "0"},
    ],
    "previous_application": [
        {
            **_PREVIOUS_ID,
            "NAME_CONTRACT_STATUS": "Approved",
            "DAYS_DECISION": -600,
            "CNT_PAYMENT": 12,
        }
    ],
    "POS_CASH_balance": [{**_PREVIOUS_ID, "MONTHS_BALANCE": -8, "CNT_INSTALMENT_FUTURE": 0}],
    "installments_payments": [
        {**_PREVIOUS_ID, "DAYS_INSTALMENT": -240, "AMT_INSTALMENT": 4100.0, "AMT_PAYMENT": 4100.0}
    ],
    "credit_card_balance": [
        {"SK_ID_PREV": 1900002, "MONTHS_BALANCE": -1, "AMT_BALANCE": 52000.0, "SK_DPD": 0}
    ],
}

MAX_KEY = 2**63 - 1  # ids are int64, as the pipeline stores them
Key = Annotated[int, Strict(), Field(ge=0, le=MAX_KEY)]


def _whole(value: float) -> int:
    """2.0 is 2; 2.5 is no integer."""
    if not value.is_integer():
        raise PydanticCustomError(
            "int_from_float", "Input should be a valid integer, got a number with a fractional part"
        )
    return int(value)


def _in_range_or_special(column: Column, value: float) -> float:
    """The range check of a column whose sentinels lie outside its range."""
    low, high = column.minimum, column.maximum
    if value in column.special or (
        (low is None or value >= low) and (high is None or value <= high)
    ):
        return value
    raise PydanticCustomError(
        "out_of_range",
        "Input should be between {minimum} and {maximum}, or one of {special}",
        {
            "minimum": "-inf" if low is None else f"{low:g}",
            "maximum": "inf" if high is None else f"{high:g}",
            "special": ", ".join(f"{s:g}" for s in column.special),
        },
    )


def _json_number(column: Column) -> dict[str, Any]:
    """JSON Schema of a number column, so the API page shows its bounds and sentinels."""
    cast = int if column.kind == "int" else float
    schema: dict[str, Any] = {"type": "integer" if column.kind == "int" else "number"}
    if column.minimum is not None:
        schema["minimum"] = cast(column.minimum)
    if column.maximum is not None:
        schema["maximum"] = cast(column.maximum)
    if column.special:
        return {"anyOf": [schema, {"enum": [cast(s) for s in column.special]}]}
    return schema


def _number_type(column: Column) -> Any:
    """Strict finite number; bounds checked in Rust unless sentinels need the Python check."""
    checks: list[Any] = [AfterValidator(_whole)] if column.kind == "int" else []
    if column.special:
        checks.append(AfterValidator(partial(_in_range_or_special, column)))
        bounds = Field()
    else:
        bounds = Field(ge=column.minimum, le=column.maximum)
    return Annotated[
        float, Strict(), AllowInfNan(False), bounds, *checks, WithJsonSchema(_json_number(column))
    ]


def _value_type(column: Column) -> Any:
    if column.kind == "key":
        return Key
    if column.is_categorical:
        return Literal[column.levels]
    return _number_type(column)


def _description(column: Column) -> str:
    """English label, unit and sentinels: what the API page shows beside the field."""
    text = column.label_en
    if column.unit and column.unit not in ("id", "flag"):
        text += f"; unit: {column.unit}"
    if column.unit == "flag":
        text += "; 0 = no, 1 = yes"
    if column.special:
        text += "; special value " + ", ".join(f"{s:g}" for s in column.special)
    return text + "."


def _field(column: Column) -> tuple[Any, Any]:
    """(type, Field) of one column: required columns only, the rest default to unknown."""
    value_type = _value_type(column)
    description = _description(column)
    if column.required and column.name != CLIENT_KEY:
        return value_type, Field(title=column.label_en, description=description)
    return value_type | None, Field(default=None, title=column.label_en, description=description)


def _model_name(table: Table) -> str:
    """``POS_CASH_balance`` -> ``PosCashBalanceRecord``."""
    return "".join(part.capitalize() for part in table.name.split("_")) + "Record"


def _record_model(table: Table, example: dict[str, Any], name: str = "") -> type[BaseModel]:
    """One row of ``table`` as a pydantic model (TARGET is an outcome, never an input)."""
    fields: dict[str, Any] = {c.name: _field(c) for c in table.columns if c.kind != "target"}
    config = ConfigDict(extra="forbid", json_schema_extra={"example": example})
    name = name or _model_name(table)
    return create_model(name, __config__=config, __doc__=table.description, **fields)


ApplicationRecord = _record_model(APPLICATION_TEST, APPLICATION_EXAMPLE, "ApplicationRecord")
RECORDS: dict[str, type[BaseModel]] = {
    t.name: _record_model(t, HISTORY_EXAMPLE[t.name][0]) for t in HISTORY
}
_HISTORY_FIELDS: dict[str, Any] = {
    name: (list[model] | None, Field(default=None, max_length=MAX_RECORDS))  # type: ignore[valid-type]
    for name, model in RECORDS.items()
}
History = create_model(
    "History",
    __config__=ConfigDict(extra="forbid", json_schema_extra={"example": HISTORY_EXAMPLE}),
    __doc__="The client's credit history, one optional list of records per Kaggle table. "
    "A table left out is unknown; an empty list means the client has no such records.",
    **_HISTORY_FIELDS,
)
if TYPE_CHECKING:
    # Models made at run time from the schema: to mypy, records with any fields.
    _ApplicationRecord = Any
    _History = Any
else:
    _ApplicationRecord, _History = ApplicationRecord, History
_LINKED = tuple(name for name in HISTORY_NAMES if CLIENT_KEY in TABLES[name])
Online = tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]


class _ClientData(BaseModel):
    """An application with its history, and the check that both describe one client."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    @field_validator("history", check_fields=False)
    @classmethod
    def _same_client(cls, history: Any, info: ValidationInfo) -> Any:
        application = info.data.get("application")
        if history is None or application is None:
            return history
        expected = application.SK_ID_CURR
        found = [
            f"{name}[{i}].SK_ID_CURR={client}"
            for name in _LINKED
            for i, record in enumerate(getattr(history, name) or ())
            if (client := record.SK_ID_CURR) is not None and client != expected
        ]
        if found:
            raise PydanticCustomError(
                "client_mismatch",
                "history records must have the application's SK_ID_CURR ({expected}) or none; "
                "found {found}",
                {"expected": expected, "found": ", ".join(found[:5])},
            )
        return history

    def to_online(self) -> Online:
        """``(application, history)`` as :func:`scoring.features.build_online` takes them.

        None values are dropped (unknown); every linked history record gets the
        application's SK_ID_CURR, or :data:`ANONYMOUS_ID` when the application has none.
        """
        application = getattr(self, "application", None)
        if application is None:
            raise ValueError("this request names a stored client_id, not an application")
        record = _values(application)
        client = record.setdefault(CLIENT_KEY, ANONYMOUS_ID)
        stated = getattr(self, "history", None)
        history = {
            name: [_values(row) for row in rows]
            for name, rows in _values(stated).items()
        } if stated else {}  # fmt: skip
        for name in _LINKED:
            for row in history.get(name, ()):
                row[CLIENT_KEY] = client
        return record, history


def _values(model: BaseModel) -> dict[str, Any]:
    """A validated record's known values (None left out).

    Read from the instance dict, not ``model_dump``: fields here are plain numbers and
    strings, and the dump costs 17 µs a record, a sixth of a 10,000-row batch.
    """
    return {name: value for name, value in model.__dict__.items() if value is not None}


class ApplicationInput(_ClientData):
    """One application to score, with the client's history if it is known."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {"application": APPLICATION_EXAMPLE, "history": HISTORY_EXAMPLE}
        }
    )

    application: _ApplicationRecord
    history: _History | None = None


# The rule ScoringRequest._one_source checks, stated in its JSON Schema for the API page and
# for generated requests. As "oneOf", which BentoML's flattening of a model leaves alone.
ONE_SOURCE: list[JsonValue] = [
    {
        "required": ["application"],
        "properties": {"application": {"type": "object"}, "client_id": {"type": "null"}},
    },
    {
        "required": ["client_id"],
        "properties": {
            "client_id": {"type": "integer"},
            "application": {"type": "null"},
            "history": {"type": "null"},
        },
    },
]


class ApplicationSource(_ClientData):
    """An application sent in full, or a known client: exactly one of the two."""

    application: _ApplicationRecord | None = None
    history: _History | None = None
    client_id: Key | None = Field(default=None, description="SK_ID_CURR of a known client.")
    language: Language = Field(default="en", description="Language of the reasons.")

    @model_validator(mode="after")
    def _one_source(self) -> ApplicationSource:
        if (self.application is None) == (self.client_id is None):
            got = "both" if self.client_id is not None else "neither"
            raise PydanticCustomError(
                "application_or_client_id",
                "give exactly one of 'application' or 'client_id' (got {got})",
                {"got": got},
            )
        if self.history is not None and self.application is None:
            raise PydanticCustomError(
                "history_without_application",
                "'history' goes with 'application'; a client_id's history is already stored",
            )
        return self


PURPOSE_DESCRIPTION = (
    "Why the score is asked: 'application' (a real application being assessed), 'what-if' "
    "(a simulation) or 'view' (looking at a file). Recorded with the call; never a decision."
)


class ScoringRequest(ApplicationSource):
    """Score an application sent in full, or a known client: ``{"client_id": 100002}``."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "application": APPLICATION_EXAMPLE,
                "history": HISTORY_EXAMPLE,
                "language": "en",
                "purpose": "application",
            },
            "oneOf": ONE_SOURCE,
        }
    )

    detail: Literal["groups", "features"] = Field(
        default="groups",
        description='/explain: "features" adds every model feature\'s contribution (log-odds).',
    )
    purpose: Purpose = Field(default="application", description=PURPOSE_DESCRIPTION)


class ClientLookup(BaseModel):
    """A known client to look up: ``{"client_id": 100002}``.

    The id is sent in the body, never in the URL: paths are written to the access log and
    to the open ``/metrics``.
    """

    model_config = ConfigDict(
        extra="forbid",
        hide_input_in_errors=True,
        json_schema_extra={"example": {"client_id": DEMO_CLIENT_ID}},
    )

    client_id: Key = Field(description="SK_ID_CURR of a known client.")


class BatchRequest(BaseModel):
    """Up to 10,000 applications scored in one call, each with its own history."""

    model_config = ConfigDict(
        extra="forbid",
        hide_input_in_errors=True,
        json_schema_extra={"example": {"applications": [{"application": APPLICATION_EXAMPLE}]}},
    )

    applications: list[ApplicationInput] = Field(min_length=1, max_length=MAX_RECORDS)
    reasons: bool = Field(
        default=False, description="Add each application's principal reasons (back-office notices)."
    )
    language: Language = Field(default="en", description="Language of the reasons.")
    purpose: Purpose = Field(default="application", description=PURPOSE_DESCRIPTION)

    @field_validator("applications")
    @classmethod
    def _unique_clients(cls, items: list[ApplicationInput]) -> list[ApplicationInput]:
        counts = Counter(item.application.SK_ID_CURR for item in items)
        duplicated = [str(c) for c, n in counts.items() if n > 1 and c is not None]
        if duplicated:
            raise PydanticCustomError(
                "duplicate_client",
                "SK_ID_CURR must be unique in a batch; duplicated: {ids}",
                {"ids": ", ".join(duplicated[:20])},
            )
        return items
