"""Validation errors in plain words: what a caller reads when a request is refused.

Each case is a real request model refusing a real body; its pydantic errors go through
``errors.validation_error`` as BentoML sends them (no input, no context), which is what the
service's ``PlainErrors`` middleware does to every 400 (``tests/service/test_errors.py``).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from scoring.schema import APPLICATION_TEST
from scoring.schema.core import Column, Table
from scoring.serving import errors
from scoring.serving.schemas import (
    APPLICATION_EXAMPLE,
    DEMO_CLIENT_ID,
    BatchRequest,
    ClientLookup,
    ScoringRequest,
)
from tests.support.inputs import minimal

APPLICATION = minimal(APPLICATION_TEST)
SECRET = 987_654


def answer(model: type[BaseModel], body: Any) -> dict[str, Any]:
    """The error body the service sends for ``body``: BentoML's, reworded."""
    with pytest.raises(ValidationError) as caught:
        model.model_validate(body)
    detail = json.loads(caught.value.json(include_input=False, include_context=False))
    bentoml = {"error": f"{len(detail)} validation error for {model.__name__}IODescriptor"}
    reworded = errors.validation_error({**bentoml, "detail": detail}, model)
    assert reworded is not None
    return reworded


def messages(body: dict[str, Any]) -> dict[tuple[Any, ...], str]:
    return {tuple(item["loc"]): item["msg"] for item in body["detail"]}


def test_the_error_counts_the_problems_in_plain_words_and_keeps_the_detail() -> None:
    body = {"application": {**APPLICATION, "DAYS_BIRTH": 100, "AMT_CREDITT": 1}}
    reworded = answer(ScoringRequest, body)
    assert reworded["error"].startswith("2 problems in the request: application.DAYS_BIRTH: ")
    assert "IODescriptor" not in json.dumps(reworded) and "validation error" not in json.dumps(
        reworded
    )
    assert [(item["loc"], item["type"]) for item in reworded["detail"]] == [
        (["application", "DAYS_BIRTH"], "less_than_equal"),
        (["application", "AMT_CREDITT"], "extra_forbidden"),
    ]
    one = answer(ScoringRequest, {"application": {**APPLICATION, "DAYS_BIRTH": 100}})
    assert one["error"].startswith("1 problem in the request: ")


def test_a_positive_age_says_what_the_column_counts_and_what_is_expected() -> None:
    reworded = answer(ScoringRequest, {"application": {**APPLICATION, "DAYS_BIRTH": 100}})
    assert messages(reworded)[("application", "DAYS_BIRTH")] == (
        "Age, counted in days before the application, as a negative number (-365 is one year "
        "before): expected at least -36500 (100 years before) and at most -6570 (18 years before)"
    )


def _day_columns() -> list[Any]:
    """(table, column, value beyond a bound) of every day or month column with bounds."""
    cases = []
    for model, table in errors.TABLE_OF.items():
        for column in table.columns:
            if column.unit not in ("days", "months"):
                continue
            beyond = [
                bound + step
                for bound, step in ((column.minimum, -1), (column.maximum, 1))
                if bound is not None and bound + step not in column.special
            ]
            cases += [
                pytest.param(table, column, value, id=f"{model.__name__}.{column.name}={value:g}")
                for value in beyond
            ]
    return cases


@pytest.mark.parametrize(("table", "column", "value"), _day_columns())
def test_every_day_or_month_column_out_of_range_says_what_it_counts(
    table: Table, column: Column, value: float
) -> None:
    if table.name == APPLICATION_TEST.name:
        body: dict[str, Any] = {"application": {**APPLICATION, column.name: value}}
        loc: tuple[Any, ...] = ("application", column.name)
    else:
        record = {**minimal(table), column.name: value}
        body = {"application": APPLICATION, "history": {table.name: [record]}}
        loc = ("history", table.name, 0, column.name)
    message = messages(answer(ScoringRequest, body))[loc]
    assert message.startswith(column.label_en.split(" (")[0] + f", counted in {column.unit} ")
    for bound in (column.minimum, column.maximum):
        assert f"{bound:g} (" in message
    assert "year" in message and "Input should" not in message


def test_a_flat_application_is_told_to_go_under_application() -> None:
    reworded = answer(ScoringRequest, dict(APPLICATION))
    hint = (
        'not a field of the request: the application\'s fields go under "application": '
        '{"application": {"AMT_CREDIT": …, …}}, and a known client is '
        f'{{"client_id": {DEMO_CLIENT_ID}}}'
    )
    assert set(messages(reworded).values()) == {hint}
    assert len(reworded["detail"]) == len(APPLICATION)
    assert reworded["error"].count(hint) == 1  # alike problems are named together


def test_a_flat_batch_item_is_told_the_same_without_a_client_id() -> None:
    reworded = answer(BatchRequest, {"applications": [{"application": APPLICATION}, APPLICATION]})
    found = messages(reworded)
    assert found[("applications", 1, "application")] == "Field required"
    assert found[("applications", 1, "AMT_CREDIT")] == (
        'not a field of applications[1]: the application\'s fields go under "application": '
        '{"application": {"AMT_CREDIT": …, …}}'
    )


@pytest.mark.parametrize(
    ("model", "body", "loc", "expected"),
    [
        (ScoringRequest, {"application": {**APPLICATION, "AMT_CREDITT": 1}},
         ("application", "AMT_CREDITT"), "unknown field: did you mean AMT_CREDIT?"),
        (ScoringRequest, {"client_id": 1, "lang": "fr"}, ("lang",),
         "unknown field: did you mean language?"),
        (ScoringRequest, {"client_id": 1, "AMT_CREDITT": 1}, ("AMT_CREDITT",),
         'unknown field: did you mean AMT_CREDIT (under "application")?'),
        (ScoringRequest, {"applications": [{"application": APPLICATION}]}, ("applications",),
         "unknown field: did you mean application?"),
        (ScoringRequest, {"application": APPLICATION,
                          "history": {"bureau": [{"SK_ID_BUREAU": 1, "DAYS_CREDITS": -3}]}},
         ("history", "bureau", 0, "DAYS_CREDITS"), "unknown field: did you mean DAYS_CREDIT?"),
        (BatchRequest, {"application": APPLICATION}, ("application",),
         "unknown field: did you mean applications?"),
        (ClientLookup, {"client": 1, "client_id": 1}, ("client",),
         "unknown field: did you mean client_id?"),
        (ClientLookup, {"client_id": 1, "zzz": 1}, ("zzz",),
         "unknown field: the fields here are client_id"),
    ],
    ids=["application", "request", "application field at the top", "batch sent to /predict",
         "history record", "single application sent to the batch", "lookup", "no close name"],
)  # fmt: skip
def test_a_misspelled_field_gets_the_closest_names(
    model: type[BaseModel], body: dict[str, Any], loc: tuple[Any, ...], expected: str
) -> None:
    assert messages(answer(model, body))[loc] == expected


@pytest.mark.parametrize(
    ("model", "body", "loc", "kind"),
    [
        (ScoringRequest, {"application": {**APPLICATION, "AMT_INCOME_TOTAL": "135000"}},
         ("application", "AMT_INCOME_TOTAL"), "number"),
        (ScoringRequest, {"application": {**APPLICATION, "CNT_CHILDREN": "1"}},
         ("application", "CNT_CHILDREN"), "number"),
        (ClientLookup, {"client_id": str(DEMO_CLIENT_ID)}, ("client_id",), "integer"),
    ],
    ids=["amount", "count", "client_id"],
)  # fmt: skip
def test_a_number_sent_as_a_string_is_told_to_drop_the_quotes(
    model: type[BaseModel], body: dict[str, Any], loc: tuple[Any, ...], kind: str
) -> None:
    message = messages(answer(model, body))[loc]
    assert message.startswith(f"must be a JSON {kind}, written without quotes")


def test_no_value_sent_is_quoted() -> None:
    bodies = [
        (ScoringRequest, {"application": {**APPLICATION, "AMT_INCOME_TOTAL": f"{SECRET}x"}}),
        (ScoringRequest, {"application": {**APPLICATION, "DAYS_BIRTH": SECRET}}),
        (ScoringRequest, {**APPLICATION_EXAMPLE, "AMT_INCOME_TOTAL": SECRET}),
        (ClientLookup, {"client_id": str(SECRET)}),
    ]
    for model, body in bodies:
        assert str(SECRET) not in json.dumps(answer(model, body))


def test_many_problems_make_a_short_error_and_a_full_detail() -> None:
    flat = [dict(APPLICATION) for _ in range(200)]
    reworded = answer(BatchRequest, {"applications": flat})
    assert len(reworded["detail"]) == 200 * (len(APPLICATION) + 1)
    assert len(reworded["error"]) < 1000
    assert reworded["error"].startswith(f"{len(reworded['detail'])} problems in the request: ")


def test_a_body_that_is_not_a_validation_error_is_left_alone() -> None:
    assert (
        errors.validation_error({"error": "client_id 1 is not a known client"}, ScoringRequest)
        is None
    )
    assert errors.validation_error({"error": "x", "detail": "text"}, ScoringRequest) is None
    assert errors.validation_error({"error": "x", "detail": [{"msg": "x"}]}, ScoringRequest) is None


def test_the_json_body_itself_is_named_when_it_is_wrong() -> None:
    with pytest.raises(ValidationError) as caught:
        ScoringRequest.model_validate_json('{"application": ')
    detail = json.loads(caught.value.json(include_input=False, include_context=False))
    reworded = errors.reworded(detail, ScoringRequest)
    assert reworded["error"].startswith("1 problem in the request: the body is not valid JSON (")
    assert answer(ScoringRequest, [])["error"] == (
        "1 problem in the request: the body must be a JSON object; the API page at / has an "
        "example of each route"
    )
