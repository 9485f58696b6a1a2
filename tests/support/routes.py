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


# The dashboard user whose sign-in a valid /users/login request sends: tests that use these
# requests with the token create it in the service's records first.
USER, PASSWORD = "routes-check", "routes-check-password-1"
NO_DECISION = "0" * 32  # a well-formed decision id nobody recorded


def request_for(
    document: dict[str, Any], route: Route, client_id: int, decision_id: str = NO_DECISION
) -> dict[str, Any]:
    """httpx keyword arguments of a valid request to ``route`` about ``client_id``.

    The decision recorded for ``client_id`` is a refusal under a fixed idempotency key, so
    the same request again returns it (200) instead of deciding twice; ``decision_id`` is the
    refusal a letter is asked for.
    """
    special = {
        "/decisions": {
            "client_id": client_id,
            "final_decision": "refused",
            "reason": "affordability",
            "idempotency_key": f"routes-check-{client_id}",
        },
        "/decisions/letter": {"decision_id": decision_id, "language": "en"},
        "/decisions/review": {"limit": 10},
        "/monitoring": {"since": "2026-01-01", "until": "2026-02-01"},
        "/users/login": {"username": USER, "password": PASSWORD},
    }
    if route.path in special:
        return {"json": special[route.path]}
    if route.path == "/score_file":  # a form with a CSV file of one application
        row = {**APPLICATION, "SK_ID_CURR": client_id}
        text = ",".join(row) + "\n" + ",".join(str(value) for value in row.values()) + "\n"
        return {"files": {"file": ("applications.csv", text.encode(), "text/csv")}}
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
