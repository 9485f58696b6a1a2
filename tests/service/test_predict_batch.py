"""/predict_batch read column-wise, through BentoML's ASGI app: a large batch gets what
/predict gives each application, each item's inquiry keeps the hash of its validated input,
and one bad value among 10,000 is refused naming its row, its field and what is expected."""

from __future__ import annotations

import uuid
from typing import Any

import pandas as pd
import pytest
from starlette.testclient import TestClient

from scoring.records.database import RecordsDatabase
from scoring.records.inquiries import InquiryLog
from scoring.serving.digests import input_digest
from scoring.serving.schemas import ApplicationInput
from tests.support.inputs import APPLICATION
from tests.support.records import stored
from tests.support.serving import AUTH


@pytest.fixture(scope="module")
def records(service_env: dict[str, str]) -> RecordsDatabase:
    return RecordsDatabase(service_env["CREDIT_AUDIT_DB_URL"])


@pytest.fixture(scope="module")
def applications(model_dataset: dict[str, pd.DataFrame]) -> list[dict[str, Any]]:
    """Real generated applications as a client sends them, with fresh ids."""
    frame = model_dataset["application_train"].drop(columns="TARGET").head(2_000)
    rows = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    first = 940_000_000 + uuid.uuid4().int % 9_000_000
    return [
        {**{k: v for k, v in row.items() if v is not None}, "SK_ID_CURR": first + i}
        for i, row in enumerate(rows)
    ]


def test_each_result_is_the_single_call_and_each_inquiry_its_items_hash(
    asgi_client: TestClient, applications: list[dict[str, Any]], records: RecordsDatabase
) -> None:
    items = [{"application": application} for application in applications]
    answer = asgi_client.post("/predict_batch", json={"applications": items}, headers=AUTH)
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["client_id"] for r in results] == [a["SK_ID_CURR"] for a in applications]
    for row in range(0, len(items), 250):
        single = asgi_client.post("/predict", json=items[row], headers=AUTH).json()
        for field in ("probability", "points", "grade", "recommendation", "grade_default_rate"):
            assert results[row][field] == single[field], (row, field)
    found = stored(records, [r["request_id"] for r in results[:300]])
    expected = [input_digest(ApplicationInput.model_validate(item)) for item in items[:300]]
    assert [i.input_hash for i in found] == expected
    assert {i.endpoint for i in found} == {"predict_batch"}


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"AMT_CREDIT": -5}, "applications[9876].application.AMT_CREDIT: Input should be "
         "greater than or equal to 0"),
        ({"AMT_INCOME_TOTAL": "135000"}, "applications[9876].application.AMT_INCOME_TOTAL: must "
         "be a JSON number, written without quotes"),
        ({"DAYS_BIRTH": 12000}, "applications[9876].application.DAYS_BIRTH: Age, counted in days "
         "before the application"),
        ({"CNT_CHILDREN": 1.5}, "applications[9876].application.CNT_CHILDREN: Input should be a "
         "valid integer"),
    ],
)  # fmt: skip
def test_one_bad_value_among_ten_thousand_is_named_and_nothing_recorded(
    asgi_client: TestClient, records: RecordsDatabase, change: dict[str, Any], words: str
) -> None:
    items = [{"application": {**APPLICATION, "SK_ID_CURR": i}} for i in range(10_000)]
    items[9_876] = {"application": {**items[9_876]["application"], **change}}
    before = InquiryLog(records).count()
    answer = asgi_client.post("/predict_batch", json={"applications": items}, headers=AUTH)
    assert answer.status_code == 400
    body = answer.json()
    assert body["error"].startswith("1 problem in the request: ") and words in body["error"]
    assert [item["loc"] for item in body["detail"]] == [
        ["applications", 9_876, "application", next(iter(change))]
    ]
    assert str(next(iter(change.values()))) not in body["error"], "the value is never quoted"
    assert InquiryLog(records).count() == before
