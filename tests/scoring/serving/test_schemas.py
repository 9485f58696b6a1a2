"""API request models: every bad input is a ValidationError naming its field.

The bad-input matrix is derived from the schema, so a column added to the schema is
tested here without editing this file.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pytest
from pydantic import BaseModel, ValidationError

from scoring.features import build_online
from scoring.schema import APPLICATION_TEST, HISTORY, HISTORY_NAMES
from scoring.schema.core import Column, Table
from scoring.serving import responses
from scoring.serving.schemas import (
    ANONYMOUS_ID,
    APPLICATION_EXAMPLE,
    HISTORY_EXAMPLE,
    MAX_RECORDS,
    RECORDS,
    ApplicationInput,
    ApplicationRecord,
    BatchRequest,
    History,
    ScoringRequest,
)
from tests.support.inputs import bad_values, full, minimal
from training.synth import generate_dataset

MODELS: dict[str, type[BaseModel]] = {APPLICATION_TEST.name: ApplicationRecord, **RECORDS}
TABLE_COLUMNS = [
    (table, column)
    for table in (APPLICATION_TEST, *HISTORY)
    for column in table.columns
    if column.kind != "target"
]


BAD_CASES = [
    pytest.param(table, column, value, id=f"{table.name}.{column.name}-{case}")
    for table, column in TABLE_COLUMNS
    for case, value in bad_values(column).items()
]
AMOUNTS = ("AMT_INCOME_TOTAL", "AMT_CREDIT")
JSON_TOKENS = ["NaN", "Infinity", "-Infinity", "1e999"]


def error_fields(error: ValidationError) -> list[tuple[Any, ...]]:
    return [tuple(e["loc"]) for e in error.errors()]


@pytest.mark.parametrize(("table", "column", "value"), BAD_CASES)
def test_bad_value_is_rejected_naming_its_field(table: Table, column: Column, value: Any) -> None:
    record = {**minimal(table), column.name: value}
    with pytest.raises(ValidationError) as caught:
        MODELS[table.name].model_validate(record)
    assert error_fields(caught.value) == [(column.name,)]


@pytest.mark.parametrize("token", JSON_TOKENS)
@pytest.mark.parametrize(
    "column", [c for c in APPLICATION_TEST.columns if c.kind in ("int", "float")], ids=str
)
def test_non_finite_json_number_is_rejected(column: Column, token: str) -> None:
    text = json.dumps(minimal(APPLICATION_TEST))[:-1] + f', "{column.name}": {token}}}'
    with pytest.raises(ValidationError) as caught:
        ApplicationRecord.model_validate_json(text)
    assert error_fields(caught.value) == [(column.name,)]


@pytest.mark.parametrize(
    ("table", "column"),
    [(t, c) for t, c in TABLE_COLUMNS if c.required and c.name != "SK_ID_CURR"],
    ids=lambda x: x.name,
)
def test_required_column_cannot_be_missing_or_null(table: Table, column: Column) -> None:
    model, record = MODELS[table.name], minimal(table)
    for broken in (
        {**record, column.name: None},
        {k: v for k, v in record.items() if k != column.name},
    ):
        with pytest.raises(ValidationError) as caught:
            model.model_validate(broken)
        assert error_fields(caught.value) == [(column.name,)]


@pytest.mark.parametrize("table", [APPLICATION_TEST, *HISTORY], ids=lambda t: t.name)
def test_full_and_minimal_records_pass(table: Table) -> None:
    model = MODELS[table.name]
    assert model.model_validate(full(table)).model_dump(exclude_none=True) == full(table)
    model.model_validate(minimal(table))
    model.model_validate_json(json.dumps(full(table)))


def test_application_fields_follow_the_schema() -> None:
    fields = ApplicationRecord.model_fields
    assert list(fields) == list(APPLICATION_TEST.names)
    required = [name for name, field in fields.items() if field.is_required()]
    assert required == [c.name for c in APPLICATION_TEST.columns if c.required][1:]
    assert required == ["NAME_CONTRACT_TYPE", "CODE_GENDER", *AMOUNTS, "DAYS_BIRTH"]
    assert "TARGET" not in fields and not fields["SK_ID_CURR"].is_required()
    assert fields["AMT_CREDIT"].description == "Credit amount; unit: currency."


def test_sentinels_are_accepted_outside_the_range() -> None:
    base = minimal(APPLICATION_TEST)
    assert ApplicationRecord(**base, DAYS_EMPLOYED=365243).DAYS_EMPLOYED == 365243
    text = json.dumps({**base, "DAYS_EMPLOYED": 365243, "REGION_RATING_CLIENT_W_CITY": -1})
    assert ApplicationRecord.model_validate_json(text).REGION_RATING_CLIENT_W_CITY == -1
    with pytest.raises(ValidationError, match="between -25000 and 0, or one of 365243"):
        ApplicationRecord(**base, DAYS_EMPLOYED=365242)


def test_numbers_are_strict_but_whole_floats_and_int_amounts_pass() -> None:
    base = minimal(APPLICATION_TEST)
    record = ApplicationRecord.model_validate_json(
        json.dumps({**base, "AMT_INCOME_TOTAL": 100000, "CNT_CHILDREN": 2.0})
    )
    assert record.AMT_INCOME_TOTAL == 100000.0 and isinstance(record.AMT_INCOME_TOTAL, float)
    assert record.CNT_CHILDREN == 2 and isinstance(record.CNT_CHILDREN, int)
    for value in ("123", "2", True, 2.5):
        with pytest.raises(ValidationError):
            ApplicationRecord(**{**base, "CNT_CHILDREN": value})


def test_unknown_field_is_rejected_by_name() -> None:
    with pytest.raises(ValidationError) as caught:
        ApplicationRecord(**minimal(APPLICATION_TEST), AMT_INCOME=1.0)
    assert error_fields(caught.value) == [("AMT_INCOME",)]
    with pytest.raises(ValidationError) as caught:
        ScoringRequest(client_id=1, lang="fr")
    assert error_fields(caught.value) == [("lang",)]
    history = {"bureau": [{**HISTORY_EXAMPLE["bureau"][0], "DAYS_CREDITS": -3}]}
    with pytest.raises(ValidationError) as caught:
        ApplicationInput(application=APPLICATION_EXAMPLE, history=history)
    assert error_fields(caught.value) == [("history", "bureau", 0, "DAYS_CREDITS")]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"application": APPLICATION_EXAMPLE, "client_id": 7}, "got both"),
        ({}, "got neither"),
        ({"language": "fr"}, "got neither"),
        ({"client_id": 7, "history": {}}, "'history' goes with 'application'"),
    ],
)
def test_request_needs_exactly_one_of_application_and_client_id(
    payload: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        ScoringRequest.model_validate(payload)


def test_request_shapes_and_language() -> None:
    assert ScoringRequest(client_id=7).language == "en"
    assert ScoringRequest(client_id=7, language="fr").client_id == 7
    with pytest.raises(ValidationError) as caught:
        ScoringRequest(client_id=7, language="de")
    assert error_fields(caught.value) == [("language",)]
    request = ScoringRequest(application=APPLICATION_EXAMPLE, history=HISTORY_EXAMPLE)
    assert (
        request.to_online()[0] == ApplicationInput(application=APPLICATION_EXAMPLE).to_online()[0]
    )
    with pytest.raises(ValueError, match="client_id"):
        ScoringRequest(client_id=7).to_online()


def test_history_must_describe_the_applications_client() -> None:
    application = {**APPLICATION_EXAMPLE, "SK_ID_CURR": 5}
    own = {"bureau": [{**HISTORY_EXAMPLE["bureau"][0], "SK_ID_CURR": 5}]}
    ApplicationInput(application=application, history=own)
    other = {
        "previous_application": [
            HISTORY_EXAMPLE["previous_application"][0],
            {**HISTORY_EXAMPLE["previous_application"][0], "SK_ID_CURR": 6},
        ]
    }
    with pytest.raises(ValidationError) as caught:
        ScoringRequest(application=application, history=other)
    [error] = caught.value.errors()
    assert error["loc"] == ("history",)
    assert "previous_application[1].SK_ID_CURR=6" in error["msg"]
    assert "SK_ID_CURR (5)" in error["msg"]


def test_history_tables_are_limited_in_size() -> None:
    row = HISTORY_EXAMPLE["bureau_balance"][0]
    History(bureau_balance=[row] * MAX_RECORDS)
    with pytest.raises(ValidationError) as caught:
        History(bureau_balance=[row] * (MAX_RECORDS + 1))
    assert error_fields(caught.value) == [("bureau_balance",)]
    assert set(History.model_fields) == set(HISTORY_NAMES)


def test_batch_limits_and_duplicates() -> None:
    item = {"application": minimal(APPLICATION_TEST)}
    assert len(BatchRequest(applications=[item] * 3).applications) == 3  # ids absent: fine
    for size, message in ((0, "at least 1 item"), (MAX_RECORDS + 1, "at most 10000 items")):
        with pytest.raises(ValidationError, match=message) as caught:
            BatchRequest(applications=[item] * size)
        assert error_fields(caught.value) == [("applications",)]
    ids = [1, 2, 3, 2, 4, 3, 3]
    items = [{"application": {**item["application"], "SK_ID_CURR": i}} for i in ids]
    with pytest.raises(ValidationError) as caught:
        BatchRequest(applications=items)
    [error] = caught.value.errors()
    assert error["loc"] == ("applications",)
    assert error["msg"] == "SK_ID_CURR must be unique in a batch; duplicated: 2, 3"
    with pytest.raises(ValidationError) as caught:
        BatchRequest(applications=[item, {"application": {**item["application"], "X": 1}}])
    assert error_fields(caught.value) == [("applications", 1, "application", "X")]


@cache
def synthetic_frames() -> dict[str, pd.DataFrame]:
    return generate_dataset(25, seed=5)


def raw_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as a client sends them: level strings, None for missing, plain numbers."""
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")


def raw_history(frames: dict[str, pd.DataFrame], client: int) -> dict[str, list[dict]]:
    credits = set(frames["bureau"].loc[frames["bureau"]["SK_ID_CURR"] == client, "SK_ID_BUREAU"])
    history = {}
    for name in HISTORY_NAMES:
        frame = frames[name]
        if name == "bureau_balance":
            history[name] = raw_records(frame[frame["SK_ID_BUREAU"].isin(credits)])
        else:
            history[name] = raw_records(frame[frame["SK_ID_CURR"] == client])
    return history


def test_to_online_gives_the_features_of_the_raw_records() -> None:
    frames = synthetic_frames()
    for application in raw_records(frames["application_train"].drop(columns="TARGET"))[:12]:
        history = raw_history(frames, application["SK_ID_CURR"])
        expected = build_online(application, history)
        item = ApplicationInput.model_validate_json(
            json.dumps({"application": application, "history": history})
        )
        np.testing.assert_array_equal(build_online(*item.to_online()), expected)
        alone = ApplicationInput(application=application)
        np.testing.assert_array_equal(build_online(*alone.to_online()), build_online(application))


def test_anonymous_application_is_linked_to_its_history() -> None:
    anonymous = {k: v for k, v in APPLICATION_EXAMPLE.items() if k != "SK_ID_CURR"}
    application, history = ApplicationInput(
        application=anonymous, history=HISTORY_EXAMPLE
    ).to_online()
    assert application["SK_ID_CURR"] == ANONYMOUS_ID
    assert all(row["SK_ID_CURR"] == ANONYMOUS_ID for row in history["bureau"])
    assert "SK_ID_CURR" not in history["bureau_balance"][0]
    named = ApplicationInput(application=APPLICATION_EXAMPLE, history=HISTORY_EXAMPLE)
    features = build_online(application, history)
    np.testing.assert_array_equal(features, build_online(*named.to_online()))
    assert features[~np.isnan(features)].size > 200


def test_examples_validate_and_show_in_the_json_schema() -> None:
    for model in (ScoringRequest, BatchRequest, ApplicationInput, History, *MODELS.values()):
        model.model_validate(model.model_json_schema()["example"])
    response_models = [
        responses.Prediction,
        responses.Reason,
        responses.Fact,
        responses.GroupContribution,
        responses.Contribution,
        responses.Explanation,
        responses.BatchPrediction,
    ]
    for model in response_models:
        model.model_validate(model.model_json_schema()["example"])
    properties = ApplicationRecord.model_json_schema()["properties"]
    assert properties["DAYS_EMPLOYED"]["anyOf"][1] == {"enum": [365243]}
    assert properties["CNT_CHILDREN"]["anyOf"][0] == {
        "type": "integer",
        "minimum": 0,
        "maximum": 30,
    }


def test_an_explanation_states_at_most_four_reasons() -> None:
    example = responses.Explanation.model_json_schema()["example"]
    with pytest.raises(ValidationError) as caught:
        responses.Explanation.model_validate({**example, "reasons": example["reasons"] * 5})
    assert error_fields(caught.value) == [("reasons",)]


def test_a_full_application_validates_from_its_json_text() -> None:
    """The path of every request body; its time is measured by benchmarks/request_profile.py."""
    text = json.dumps({"application": full(APPLICATION_TEST), "language": "fr"})
    request = ScoringRequest.model_validate_json(text)
    assert request.language == "fr" and request.client_id is None
    assert request.application.model_dump(exclude_none=True) == full(APPLICATION_TEST)
