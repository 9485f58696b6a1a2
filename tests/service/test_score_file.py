"""POST /score_file through BentoML's ASGI app: a CSV or Parquet file of applications in, the
scored file out, with the probabilities /predict and /predict_batch give the same rows and
each row recorded as a batch item is; a bad file refused naming the file, column and rows."""

from __future__ import annotations

import io
import uuid
from typing import Any

import httpx
import pandas as pd
import pytest
from starlette.testclient import TestClient

from scoring.files import write_table
from scoring.records.database import RecordsDatabase
from scoring.records.inquiries import InquiryLog
from scoring.records.keys import ApiKeys
from scoring.serving import file_upload
from scoring.serving.digests import input_digest
from scoring.serving.schemas import ApplicationInput
from tests.support.records import stored
from tests.support.serving import AUTH

ROWS = 60
PARQUET = "application/vnd.apache.parquet"


@pytest.fixture(scope="module")
def records(service_env: dict[str, str]) -> RecordsDatabase:
    return RecordsDatabase(service_env["CREDIT_AUDIT_DB_URL"])


@pytest.fixture(scope="module")
def applications(model_dataset: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Real generated applications, with fresh ids (the records may be shared)."""
    frame = model_dataset["application_test"].head(ROWS).reset_index(drop=True)
    first = 930_000_000 + uuid.uuid4().int % 9_000_000
    return frame.assign(SK_ID_CURR=range(first, first + ROWS))


def _bodies(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows as API applications (unknown values left out, as a client would)."""
    records = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    return [{k: v for k, v in r.items() if v is not None} for r in records]


def _upload(
    client: TestClient,
    content: bytes,
    name: str = "applications.csv",
    media_type: str = "text/csv",
    headers: dict[str, str] = AUTH,
    **fields: str,
) -> httpx.Response:
    files = {"file": (name, content, media_type)}
    return client.post("/score_file", files=files, data=fields, headers=headers)


def _read(answer: httpx.Response) -> pd.DataFrame:
    assert answer.status_code == 200, answer.text
    if answer.headers["content-type"].startswith("text/csv"):
        return pd.read_csv(
            io.BytesIO(answer.content),
            keep_default_na=False,
            na_values=[""],
            float_precision="round_trip",  # pandas' fast parser may miss the last digit
        )
    return pd.read_parquet(io.BytesIO(answer.content))


def test_a_csv_file_gets_the_scores_of_predict_and_predict_batch(
    asgi_client: TestClient, applications: pd.DataFrame
) -> None:
    scored = _read(_upload(asgi_client, write_table(applications, "csv")))
    bodies = _bodies(applications)
    batch = asgi_client.post(
        "/predict_batch", json={"applications": [{"application": b} for b in bodies]}, headers=AUTH
    ).json()["results"]
    assert scored["SK_ID_CURR"].tolist() == applications["SK_ID_CURR"].tolist()
    assert scored["probability"].tolist() == [r["probability"] for r in batch]
    for field in ("points", "grade", "recommendation", "threshold", "review_band", "model"):
        assert scored[field].tolist() == [r[field] for r in batch], field
    for row in range(0, ROWS, 12):
        single = asgi_client.post("/predict", json={"application": bodies[row]}, headers=AUTH)
        assert scored["probability"][row] == single.json()["probability"]
        assert scored["recommendation"][row] == single.json()["recommendation"]


def test_each_row_is_an_inquiry_as_a_batch_item_is(
    asgi_client: TestClient, applications: pd.DataFrame, records: RecordsDatabase
) -> None:
    answer = _upload(asgi_client, write_table(applications, "csv"), purpose="what-if")
    scored = _read(answer)
    found = stored(records, scored["request_id"].tolist())
    assert len(found) == ROWS
    assert {(i.endpoint, i.purpose, i.actor) for i in found} == {
        ("score_file", "what-if", "token:bootstrap")
    }
    expected = [input_digest(ApplicationInput(application=b)) for b in _bodies(applications)]
    assert [i.input_hash for i in found] == expected
    assert [i.probability for i in found] == scored["probability"].tolist()
    assert answer.headers["x-credit-applications"] == str(ROWS)


def test_parquet_in_parquet_out_and_accept_chooses_the_answers_format(
    asgi_client: TestClient, applications: pd.DataFrame
) -> None:
    parquet = write_table(applications, "parquet")
    answer = _upload(asgi_client, parquet, "applications.parquet", PARQUET)
    assert answer.headers["content-type"] == PARQUET
    as_csv = _upload(asgi_client, parquet, "a.parquet", PARQUET, {**AUTH, "Accept": "text/csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert _read(answer)["probability"].tolist() == _read(as_csv)["probability"].tolist()


def test_reasons_are_those_of_predict_batch_in_the_language_asked(
    asgi_client: TestClient, applications: pd.DataFrame
) -> None:
    rows = applications.head(15)
    scored = _read(_upload(asgi_client, write_table(rows, "csv"), reasons="true", language="fr"))
    batch = asgi_client.post(
        "/predict_batch",
        json={"applications": [{"application": b} for b in _bodies(rows)], "reasons": True,
              "language": "fr"},
        headers=AUTH,
    ).json()["results"]  # fmt: skip
    for k in range(4):
        expected = [r["reasons"][k]["text"] if len(r["reasons"]) > k else "" for r in batch]
        got = scored[f"reason_{k + 1}_text"].fillna("").tolist()
        assert got == expected, k
    assert scored["reason_1_text"].str.contains("Cela (augmente|réduit) le risque").all()


def _bad(client: TestClient, frame: pd.DataFrame, **fields: str) -> str:
    answer = _upload(client, write_table(frame, "csv"), "bad.csv", **fields)
    assert answer.status_code == 400, answer.text
    return str(answer.json()["error"])


def test_a_bad_value_is_refused_naming_the_file_column_row_and_expectation(
    asgi_client: TestClient, applications: pd.DataFrame, records: RecordsDatabase
) -> None:
    before = InquiryLog(records).count()
    frame = applications.head(5).copy()
    frame.loc[2, "AMT_CREDIT"] = -987654.0
    answer = _upload(asgi_client, write_table(frame, "csv"), "bad.csv")
    assert answer.status_code == 400
    body = answer.json()
    assert "1 problem in the file bad.csv" in body["error"]
    assert "column AMT_CREDIT: 1 value below the minimum 0 (e.g. row 3)" in body["error"]
    assert body["detail"] == [
        {"loc": ["file", "AMT_CREDIT"], "msg": body["detail"][0]["msg"],
         "type": "below_minimum", "rows": [3], "count": 1}
    ]  # fmt: skip
    assert "987654" not in answer.text, "a value of the file is never quoted back"
    assert InquiryLog(records).count() == before, "nothing is recorded for a refused file"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda f: f.drop(columns="AMT_CREDIT"), "column AMT_CREDIT: required column is missing"),
        (lambda f: f.rename(columns={"AMT_ANNUITY": "AMT_ANUITY"}),
         "column AMT_ANUITY: unknown column: did you mean AMT_ANNUITY?"),
        (lambda f: f.assign(TARGET=0), "column TARGET: unknown column"),
        (lambda f: f.assign(AMT_INCOME_TOTAL="lots"), "AMT_INCOME_TOTAL: 5 values not numeric"),
        (lambda f: f.assign(CODE_GENDER="Q"), "CODE_GENDER: 5 values not among the expected"),
        (lambda f: f.assign(CNT_CHILDREN=1.5), "column CNT_CHILDREN: 5 values with a fractional"),
        (lambda f: f.assign(SK_ID_CURR=7), "5 rows share their primary key (SK_ID_CURR)"),
        (lambda f: f.assign(DAYS_BIRTH=None), "column DAYS_BIRTH: 5 values missing (not allowed)"),
        (lambda f: f.head(0), "bad.csv holds no application"),
    ],
)  # fmt: skip
def test_a_bad_file_is_refused_naming_what_is_wrong(
    asgi_client: TestClient, applications: pd.DataFrame, change: Any, words: str
) -> None:
    assert words in _bad(asgi_client, change(applications.head(5)))


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "not a CSV or Parquet file: a ZIP archive"),
        (b"%PDF-1.7\n%\xe2\xe3", "a PDF document"),
        (b"SK_ID_CURR,AMT_CREDIT\n\xff\xfe\x00\x01\n", "not a CSV text file"),
        (b"PAR1\x00\x00", "not a readable Parquet file"),
        (b"SK_ID_CURR,AMT_CREDIT\n1,2,3\n", "1 row with a number of fields other than"),
    ],
)
def test_a_file_of_the_wrong_kind_is_named(
    asgi_client: TestClient, content: bytes, words: str
) -> None:
    answer = _upload(asgi_client, content, "upload.bin", "application/octet-stream")
    assert answer.status_code == 400 and words in answer.json()["error"], answer.text


def test_a_file_over_the_row_limit_is_refused(
    asgi_client: TestClient, applications: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_upload, "MAX_FILE_ROWS", 10)
    assert "60 rows; at most 10 are scored in one file" in _bad(asgi_client, applications)


def test_the_form_and_its_options_are_checked(
    asgi_client: TestClient, applications: pd.DataFrame
) -> None:
    assert "reasons" in _bad(asgi_client, applications.head(2), reasons="maybe")
    assert "did you mean language?" in _bad(asgi_client, applications.head(2), langage="fr")
    assert "'application', 'what-if' or 'view'" in _bad(
        asgi_client, applications.head(2), purpose="decision"
    )
    answer = asgi_client.post("/score_file", data={"purpose": "view"}, headers=AUTH, files={})
    assert answer.status_code in (400, 415)
    empty_form = asgi_client.post(
        "/score_file", files={"other": ("a.csv", b"x", "text/csv")}, headers=AUTH
    )
    assert "the form has no file in its 'file' field" in empty_form.json()["error"]


def test_json_and_other_bodies_are_415_saying_how_to_send_the_file(
    asgi_client: TestClient,
) -> None:
    answer = asgi_client.post("/score_file", json={"applications": []}, headers=AUTH)
    assert answer.status_code == 415
    assert "multipart/form-data" in answer.json()["error"]
    assert "-F file=@applications.csv" in answer.json()["error"]


def test_the_token_and_the_score_scope_are_needed(
    asgi_client: TestClient, applications: pd.DataFrame, records: RecordsDatabase
) -> None:
    content = write_table(applications.head(2), "csv")
    assert _upload(asgi_client, content, headers={}).status_code == 401
    _, token = ApiKeys(records).create("test clients only", ["clients"])
    refused = _upload(asgi_client, content, headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 403 and "'score' scope" in refused.json()["error"]
    _, scorer = ApiKeys(records).create("test scorer", ["score"])
    assert _upload(asgi_client, content, headers={"Authorization": f"Bearer {scorer}"}).is_success


def test_the_route_is_documented_with_its_bounds(asgi_client: TestClient) -> None:
    operation = asgi_client.get("/docs.json").json()["paths"]["/score_file"]["post"]
    form = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["required"] == ["file"] and set(form["properties"]) >= {"file", "reasons"}
    assert "at most 100,000 rows" in form["properties"]["file"]["description"]
    assert set(operation["responses"]["200"]["content"]) == {"text/csv", PARQUET}
    assert {"400", "401", "403", "413", "415", "503"} <= set(operation["responses"])
