"""``/monitoring`` through BentoML's ASGI app: real applications scored are counted and the
served model's drift and vintages come back; supervisors (scope audit) only."""

from __future__ import annotations

import time
import uuid
from typing import Any

from starlette.testclient import TestClient

from scoring.records.database import RecordsDatabase
from scoring.records.keys import ApiKeys
from tests.support.inputs import APPLICATION
from tests.support.serving import AUTH

FLUSHED_WITHIN_S = 10.0


def _application() -> dict[str, Any]:
    return {"application": {**APPLICATION, "SK_ID_CURR": 930_000_000 + uuid.uuid4().int % 10**6}}


def _counted(client: TestClient) -> int:
    answer = client.post("/monitoring", json={}, headers=AUTH)
    assert answer.status_code == 200, answer.text
    return answer.json()["applications"]


def test_scored_applications_are_counted_and_the_document_describes_the_model(
    asgi_client: TestClient,
) -> None:
    before = _counted(asgi_client)
    for _ in range(3):
        assert asgi_client.post("/predict", json=_application(), headers=AUTH).status_code == 200
    deadline = time.monotonic() + FLUSHED_WITHIN_S
    while _counted(asgi_client) < before + 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    document = asgi_client.post("/monitoring", json={}, headers=AUTH).json()
    assert document["applications"] >= before + 3
    model = asgi_client.get("/model", headers=AUTH).json()
    assert document["model"] == model["tag"]
    assert len(document["features"]) == len(model["features"])
    assert document["status"] in ("stable", "watch", "act")
    assert document["score"]["psi"] is not None


def test_a_period_without_traffic_says_no_data(asgi_client: TestClient) -> None:
    body = {"since": "2001-01-01", "until": "2001-02-01"}
    document = asgi_client.post("/monitoring", json=body, headers=AUTH).json()
    assert (document["applications"], document["status"]) == (0, "no data")
    assert document["period"] == {"since": "2001-01-01", "until": "2001-02-01"}


def test_only_the_audit_scope_reads_monitoring(
    asgi_client: TestClient, service_env: dict[str, str]
) -> None:
    records = RecordsDatabase(service_env["CREDIT_AUDIT_DB_URL"])
    _, scorer = ApiKeys(records).create("test scorer", ["score"])
    refused = asgi_client.post(
        "/monitoring", json={}, headers={"Authorization": f"Bearer {scorer}"}
    )
    assert refused.status_code == 403
    assert "audit" in refused.json()["error"]


def test_a_reversed_period_is_refused_naming_the_dates(asgi_client: TestClient) -> None:
    body = {"since": "2026-12-01", "until": "2026-11-01"}
    answer = asgi_client.post("/monitoring", json=body, headers=AUTH)
    assert answer.status_code == 400
    assert "2026-12-01" in answer.text and "before" in answer.text
