"""Bad inputs over HTTP: every application field, one at a time, against the real service.

The matrix comes from the schema (a column added there is tested here unchanged) and from
the bad values of ``tests/support/inputs.py``, which ``tests/scoring/serving/test_schemas.py``
checks on the request models in process. Here they go through JSON, BentoML and the HTTP
status: each one
must be a 400 whose ``detail`` points at that field and at nothing else. Then the requests
that are wrong as a whole: empty or oversized batch, a client twice, an unknown client, an
unknown field.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

import httpx
import pytest

from scoring.schema import APPLICATION_TEST
from scoring.serving.schemas import HISTORY_EXAMPLE, MAX_RECORDS
from tests.support.inputs import bad_values, full
from tests.support.resilience import Report
from tests.support.serving import AUTH

pytestmark = pytest.mark.slow

# The kinds of bad value the matrix sends (test_schemas has a few more, e.g. booleans).
WRONG_TYPE = ("string", "number")
OUT_OF_RANGE = ("below_minimum", "above_maximum", "negative", "too_big")
UNKNOWN_CATEGORY = ("unknown_level",)
KINDS = (*WRONG_TYPE, *OUT_OF_RANGE, *UNKNOWN_CATEGORY)
COLUMNS = [c for c in APPLICATION_TEST.columns if c.kind != "target"]
UNKNOWN_CLIENT = 987_654_321


@pytest.fixture(scope="module")
def api(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, headers=AUTH, timeout=120) as client:
        yield client


def application(client_id: int, **fields: Any) -> dict[str, Any]:
    """Every column with a valid value, then ``fields``."""
    return {**full(APPLICATION_TEST), "SK_ID_CURR": client_id, **fields}


def problem(response: httpx.Response, status: int, loc: list[Any], *words: str) -> str:
    """What is wrong with the answer to a bad request, or "" if it is the expected one."""
    if response.status_code != status:
        return f"{response.status_code} instead of {status}: {response.text[:200]}"
    text = response.text
    if loc:
        locations = [item.get("loc") for item in response.json().get("detail") or ()]
        if locations != [loc]:
            return f"detail points at {locations}, not only at {loc}"
    missing = [word for word in words if word not in text]
    return f"{missing} not in {text[:300]}" if missing else ""


def field_matrix() -> Iterator[tuple[str, dict[str, Any], list[Any], str]]:
    """(path, body, where the error must point, case) for each bad value of each column: alone
    in a valid application sent to /predict, and as the second item of a /predict_batch."""
    for column in COLUMNS:
        for kind, value in bad_values(column).items():
            if kind not in KINDS:
                continue
            bad = application(2, **{column.name: value})
            case = f"{column.name} {kind}={value!r}"
            yield "/predict", {"application": bad}, ["application", column.name], case
            batch = [{"application": application(1)}, {"application": bad}]
            where = ["applications", 1, "application", column.name]
            yield "/predict_batch", {"applications": batch}, where, case


def test_every_application_field_rejected_by_name(
    api: httpx.Client, resilience_report: Report
) -> None:
    valid = application(1)
    assert api.post("/predict", json={"application": valid}).status_code == 200
    assert api.post("/predict_batch", json={"applications": [{"application": valid}]}).is_success
    cases = list(field_matrix())
    found = [
        f"{path} {case}: {wrong}"
        for path, body, where, case in cases
        if (wrong := problem(api.post(path, json=body), 400, where))
    ]
    resilience_report.add("bad inputs", "each application field: wrong type, range, level",
                          f"{len(cases)} cases on {len(COLUMNS)} fields, {len(found)} failures",
                          not found)  # fmt: skip
    assert not found, "\n".join(found[:20])


class Wrong(NamedTuple):
    """A request wrong as a whole, and the answer it must get."""

    method: str
    path: str
    body: Any
    status: int
    loc: tuple[str | int, ...] = ()
    words: tuple[str, ...] = ()


ITEM = {"application": application(1)}
WRONG_AS_A_WHOLE: dict[str, Wrong] = {
    "empty batch": Wrong("POST", "/predict_batch", {"applications": []}, 400, ("applications",)),
    "batch of 10,001": Wrong(
        "POST", "/predict_batch", {"applications": [ITEM] * (MAX_RECORDS + 1)}, 400,
        ("applications",), ("10000",),
    ),
    "a client twice": Wrong(
        "POST", "/predict_batch",
        {"applications": [{"application": application(c)} for c in (11, 12, 11, 13, 12)]},
        400, ("applications",), ("SK_ID_CURR", "duplicated: 11, 12"),
    ),
    "unknown client_id": Wrong(
        "POST", "/predict", {"client_id": UNKNOWN_CLIENT}, 404, words=(str(UNKNOWN_CLIENT),)
    ),
    "unknown client_id explained": Wrong(
        "POST", "/explain", {"client_id": UNKNOWN_CLIENT}, 404, words=(str(UNKNOWN_CLIENT),)
    ),
    "unknown client looked up": Wrong(
        "POST", "/clients", {"client_id": UNKNOWN_CLIENT}, 404, words=(str(UNKNOWN_CLIENT),)
    ),
    "client looked up by a string": Wrong(
        "POST", "/clients", {"client_id": str(UNKNOWN_CLIENT)}, 400, ("client_id",)
    ),
    "unknown lookup field": Wrong(
        "POST", "/clients", {"client_id": 1, "language": "fr"}, 400, ("language",)
    ),
    "unknown application field": Wrong(
        "POST", "/predict", {"application": application(1, AMT_CREDITT=1.0)}, 400,
        ("application", "AMT_CREDITT"),
    ),
    "unknown request field": Wrong(
        "POST", "/explain", {"client_id": 1, "lang": "fr"}, 400, ("lang",)
    ),
    "unknown history field": Wrong(
        "POST", "/predict",
        {**ITEM, "history": {"bureau": [{**HISTORY_EXAMPLE["bureau"][0], "DAYS_CREDITS": -3}]}},
        400, ("history", "bureau", 0, "DAYS_CREDITS"),
    ),
    "unknown batch item field": Wrong(
        "POST", "/predict_batch", {"applications": [ITEM, {**ITEM, "client_id": 1}]}, 400,
        ("applications", 1, "client_id"),
    ),
}  # fmt: skip


def test_requests_wrong_as_a_whole(api: httpx.Client, resilience_report: Report) -> None:
    found = []
    for name, wrong in WRONG_AS_A_WHOLE.items():
        response = api.request(wrong.method, wrong.path, json=wrong.body)
        if trouble := problem(response, wrong.status, list(wrong.loc), *wrong.words):
            found.append(f"{name}: {trouble}")
    resilience_report.add("bad inputs", "batch limits, duplicates, unknown client and field",
                          f"{len(WRONG_AS_A_WHOLE)} cases, {len(found)} failures",
                          not found)  # fmt: skip
    assert not found, "\n".join(found)
