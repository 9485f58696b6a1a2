"""POST /clients and the body guards, in process: the client id travels in the body, so it
reaches neither the URL nor the access log's path (the open metrics of a real server:
tests/resilience/test_security.py)."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from scoring.serving import schemas
from tests.support.serving import AUTH

UNKNOWN_CLIENT = 987_654_321


def test_a_known_client_is_looked_up_by_body(asgi_client: TestClient, known_client: int) -> None:
    response = asgi_client.post("/clients", json={"client_id": known_client}, headers=AUTH)
    assert response.status_code == 200, response.text
    client = response.json()
    assert set(client) == {"client_id", "application", "target", "history"}
    assert client["client_id"] == client["application"]["SK_ID_CURR"] == known_client
    assert client["target"] in (0, 1) and "bureau" in client["history"]


def test_an_unknown_client_is_a_404_naming_the_id(asgi_client: TestClient) -> None:
    response = asgi_client.post("/clients", json={"client_id": UNKNOWN_CLIENT}, headers=AUTH)
    assert response.status_code == 404
    assert response.json() == {"error": f"client_id {UNKNOWN_CLIENT} is not a known client"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"client_id": str(UNKNOWN_CLIENT)}, "client_id"),
        ({"client_id": -UNKNOWN_CLIENT}, "client_id"),
        ({"client_id": schemas.MAX_KEY + 1}, "client_id"),
        ({}, "client_id"),
        ({"client_id": 1, "language": "fr"}, "language"),
    ],
)
def test_an_invalid_lookup_is_a_400_naming_the_field(
    asgi_client: TestClient, body: dict, field: str
) -> None:
    response = asgi_client.post("/clients", json=body, headers=AUTH)
    assert response.status_code == 400
    assert [item["loc"] for item in response.json()["detail"]] == [[field]]
    assert str(UNKNOWN_CLIENT) not in response.text


def test_the_id_is_no_longer_taken_from_the_path(asgi_client: TestClient) -> None:
    assert asgi_client.get("/clients", headers=AUTH).status_code == 405
    assert asgi_client.get(f"/clients/{UNKNOWN_CLIENT}", headers=AUTH).status_code == 404
    assert asgi_client.post("/clients", json={"client_id": 1}).status_code == 401


@pytest.mark.parametrize("path", ["/predict", "/explain", "/predict_batch", "/clients"])
def test_every_post_refuses_other_media_types_and_oversized_bodies(
    asgi_client: TestClient, path: str
) -> None:
    plain = {**AUTH, "Content-Type": "text/plain"}
    refused = asgi_client.post(path, content=b'{"client_id": 1}', headers=plain)
    assert refused.status_code == 415
    assert refused.json() == {"error": "Content-Type must be application/json, got 'text/plain'"}
    huge = {**AUTH, "Content-Type": "application/json", "Content-Length": str(2**40)}
    too_large = asgi_client.post(path, content=b'{"client_id": 1}', headers=huge)
    assert too_large.status_code == 413
    assert too_large.json()["error"].startswith(f"request body of {2**40} bytes exceeds the limit")


def test_the_served_document_lists_what_each_endpoint_answers(asgi_client: TestClient) -> None:
    document = asgi_client.get("/docs.json").json()
    assert "/clients" in document["paths"] and not any("{" in p for p in document["paths"])
    for path, item in document["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            if method == "post":
                assert {"400", "401", "403", "413", "415", "503"} <= codes, path
            elif path == "/model":
                assert codes == {"200", "401", "403", "503"}
    assert set(document["paths"]["/clients"]) == {"post"}
    assert "404" in document["paths"]["/clients"]["post"]["responses"]
