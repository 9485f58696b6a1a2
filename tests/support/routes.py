"""The API's data routes read from its own OpenAPI document, and a valid request for each,
so the security and fault tests cover a new endpoint without being edited."""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest

from tests.support.inputs import APPLICATION

HEALTH = frozenset({"/livez", "/readyz", "/healthz", "/metrics"})  # open, and hold no data


class Route(NamedTuple):
    method: str
    path: str  # as documented, a {client_id} parameter included if a route ever has one

    def url_path(self, client_id: int) -> str:
        return self.path.replace("{client_id}", str(client_id))


def data_routes(document: dict[str, Any]) -> list[Route]:
    """Every documented operation except the health and metrics probes."""
    return [
        Route(method.upper(), path)
        for path, operations in document["paths"].items()
        if path not in HEALTH
        for method in operations
    ]


def request_for(document: dict[str, Any], route: Route, client_id: int) -> dict[str, Any]:
    """httpx keyword arguments of a valid request to ``route`` about ``client_id``."""
    body = document["paths"][route.path][route.method.lower()].get("requestBody")
    if body is None:
        return {}
    reference = body["content"]["application/json"]["schema"]["$ref"]
    fields = document["components"]["schemas"][reference.rsplit("/", 1)[1]]["properties"]
    if "client_id" in fields:
        return {"json": {"client_id": client_id}}
    if "applications" in fields:
        return {
            "json": {"applications": [{"application": {**APPLICATION, "SK_ID_CURR": client_id}}]}
        }
    pytest.fail(f"no example request for {route}: teach request_for its body")
