"""Errors over a real `bentoml serve`: the plain words of ``tests/service/test_errors.py`` come
from the worker process too (its middleware, BentoML's HTTP server), not only in process."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.inputs import APPLICATION
from tests.support.serving import AUTH, TOKEN

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def api(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=60) as client:
        yield client


def test_a_flat_application_is_told_where_its_fields_go(api: httpx.Client) -> None:
    response = api.post("/predict", json=APPLICATION, headers=AUTH)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error.startswith(f"{len(APPLICATION)} problems in the request: ")
    assert 'the application\'s fields go under "application"' in error
    assert "IODescriptor" not in response.text


def test_a_get_on_a_scoring_route_names_the_method_as_json(api: httpx.Client) -> None:
    response = api.get("/predict", headers=AUTH)
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    assert response.json()["error"].startswith("/predict does not take GET: send a POST")


def test_a_token_without_its_scheme_is_told_the_header_form(api: httpx.Client) -> None:
    response = api.post("/predict", json={"client_id": 1}, headers={"Authorization": TOKEN})
    assert response.status_code == 401
    assert "must read 'Bearer <token>'" in response.json()["error"]
