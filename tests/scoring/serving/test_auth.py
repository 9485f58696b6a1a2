"""Who may call which route (scoring/serving/auth.py): the bootstrap token and API keys, each
route's scope (403 naming it), acting users, and the caller handed to the endpoints. Through
the real service: ``tests/service/test_errors.py`` and ``tests/resilience/test_security.py``."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from argon2 import PasswordHasher

from scoring.records.database import RecordsDatabase
from scoring.records.keys import REFRESH_SECONDS, ApiKeys, KeyRing
from scoring.records.users import Users
from scoring.serving.auth import (
    PUBLIC_PATHS,
    ROUTE_SCOPES,
    AuthConfigurationError,
    BearerTokenMiddleware,
)
from scoring.serving.callers import SCOPES
from scoring.settings import ServiceSettings, load_settings

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
TOKEN = "bootstrap-token-7c1e0b"
PASSWORD = "correct horse battery"


class Answer(NamedTuple):
    status: int
    body: dict[str, Any]
    headers: dict[bytes, bytes]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Setup(NamedTuple):
    database: RecordsDatabase
    keys: ApiKeys
    users: Users
    clock: Clock
    middleware: BearerTokenMiddleware


async def endpoint(scope: Any, receive: Any, send: Any) -> None:
    """Answers with the caller the middleware handed over (None on a public path)."""
    caller = scope.get("state", {}).get("caller")
    seen = caller and {
        "key": caller.key,
        "scopes": sorted(caller.scopes),
        "user": caller.user,
        "role": caller.role,
        "actor": caller.actor,
        "thread": threading.get_ident(),
    }
    body = json.dumps({"caller": seen}).encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def settings(tmp_path: Path, **changes: Any) -> ServiceSettings:
    values = {
        "api_token": TOKEN,
        "api_auth": "enabled",
        "audit_db_url": f"sqlite:///{tmp_path / 'records.sqlite'}",
    }
    return load_settings(**{**values, **changes})


def call(
    middleware: BearerTokenMiddleware,
    path: str,
    token: str | None = None,
    acting: str | None = None,
    raw: dict[str, str] | None = None,
) -> Answer:
    """One GET through ``middleware``, with ``Bearer token`` and ``X-Acting-User``."""
    headers = {**({"authorization": f"Bearer {token}"} if token else {}), **(raw or {})}
    if acting is not None:
        headers["x-acting-user"] = acting
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    encoded = [(name.encode(), value.encode("latin-1")) for name, value in headers.items()]
    scope = {"type": "http", "method": "GET", "path": path, "headers": encoded}
    asyncio.run(middleware(scope, receive, send))
    body = json.loads(b"".join(m.get("body", b"") for m in sent[1:]))
    return Answer(sent[0]["status"], body, dict(sent[0]["headers"]))


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    database = RecordsDatabase(f"sqlite:///{tmp_path / 'records.sqlite'}")
    clock = Clock()
    users = Users(database, hasher=FAST, monotonic=clock)
    users.add("alice", "advisor", PASSWORD)
    users.add("sam", "supervisor", PASSWORD)
    ring = KeyRing(database, monotonic=clock)
    middleware = BearerTokenMiddleware(
        endpoint, settings(tmp_path), records=database, keys=ring, users=users
    )
    return Setup(database, ApiKeys(database, hasher=FAST), users, clock, middleware)


def _key(setup: Setup, *scopes: str) -> tuple[str, str]:
    return setup.keys.create("test", scopes)


def test_the_bootstrap_token_is_an_admin_on_every_route(setup: Setup) -> None:
    for path in [*ROUTE_SCOPES, "/records/verify", "/predict/"]:
        answer = call(setup.middleware, path, TOKEN)
        assert answer.status == 200, path
        assert answer.body["caller"]["key"] == "token:bootstrap"
        assert answer.body["caller"]["scopes"] == ["admin"]


@pytest.mark.parametrize(("path", "scope"), sorted(ROUTE_SCOPES.items()))
def test_each_route_needs_its_scope_and_a_403_names_it(setup: Setup, path: str, scope: str) -> None:
    others = [name for name in SCOPES if name not in (scope, "admin")]
    _, without = _key(setup, *others)
    refused = call(setup.middleware, path, without)
    assert refused.status == 403
    assert refused.body == {"error": f"this key lacks the {scope!r} scope needed by {path}"}
    key_id, holder = _key(setup, scope)
    allowed = call(setup.middleware, path, holder)
    assert allowed.status == 200
    assert allowed.body["caller"]["key"] == f"key:{key_id}"
    assert allowed.body["caller"]["scopes"] == [scope]


@pytest.mark.parametrize("path", ["/records/verify", "/predict/", "//predict", "/keys"])
def test_a_route_not_listed_needs_admin(setup: Setup, path: str) -> None:
    _, every_scope_but_admin = _key(setup, *[name for name in SCOPES if name != "admin"])
    refused = call(setup.middleware, path, every_scope_but_admin)
    assert refused.status == 403 and f"lacks the 'admin' scope needed by {path}" in str(refused)
    _, admin = _key(setup, "admin")
    assert call(setup.middleware, path, admin).status == 200


def test_public_paths_need_no_token_and_carry_no_caller(setup: Setup) -> None:
    for path in [*PUBLIC_PATHS, "/static_content/swagger-ui.css"]:
        answer = call(setup.middleware, path)
        assert (answer.status, answer.body) == (200, {"caller": None}), path


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({}, "no Authorization header"),
        ({"authorization": TOKEN}, "the Authorization header must read 'Bearer <token>'"),
        ({"authorization": f"Bearer {TOKEN}x"}, "invalid token: it is not the one this service"),
        ({"authorization": f"Bearer pad_00000000_{'A' * 43}"}, "invalid API key"),
        ({"authorization": "Bearer pad_"}, "invalid API key"),
    ],
)
def test_a_refused_token_is_a_401_that_says_why_without_the_token(
    setup: Setup, headers: dict[str, str], reason: str
) -> None:
    answer = call(setup.middleware, "/predict", raw=headers)
    assert answer.status == 401
    assert answer.body["error"].startswith(f"authentication required: {reason}")
    assert answer.headers[b"www-authenticate"] == b'Bearer realm="credit-scoring"'
    assert TOKEN not in answer.body["error"]


def test_a_revoked_key_is_refused_within_the_refresh_bound(setup: Setup) -> None:
    key_id, token = _key(setup, "score")
    assert call(setup.middleware, "/predict", token).status == 200
    setup.keys.revoke(key_id)
    setup.clock.now += REFRESH_SECONDS
    refused = call(setup.middleware, "/predict", token)
    assert refused.status == 401 and "invalid API key" in refused.body["error"]
    assert token not in refused.body["error"]


def test_a_key_is_verified_off_the_event_loop_then_from_memory(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, token = _key(setup, "score")
    ring = setup.middleware.keys
    threads: list[int] = []
    verify = ring.verify

    def spied(presented: str) -> Any:
        threads.append(threading.get_ident())
        return verify(presented)

    monkeypatch.setattr(ring, "verify", spied)
    first = call(setup.middleware, "/predict", token)
    assert len(threads) == 1 and threads[0] != first.body["caller"]["thread"]
    call(setup.middleware, "/explain", token)
    assert len(threads) == 1


def test_a_delegate_key_acts_for_an_active_user(setup: Setup) -> None:
    key_id, token = _key(setup, "delegate", "score")
    answer = call(setup.middleware, "/predict", token, acting="alice")
    assert answer.status == 200
    caller = answer.body["caller"]
    assert (caller["user"], caller["role"]) == ("alice", "advisor")
    assert caller["actor"] == f"user:alice via key:{key_id}"
    assert call(setup.middleware, "/predict", TOKEN, acting="sam").body["caller"]["role"] == (
        "supervisor"
    )


def test_only_a_delegate_key_may_name_an_acting_user(setup: Setup) -> None:
    _, token = _key(setup, "score", "decide", "clients", "audit")
    answer = call(setup.middleware, "/predict", token, acting="alice")
    assert answer.status == 403
    assert answer.body["error"] == (
        "this key lacks the 'delegate' scope needed to act for a user (X-Acting-User)"
    )


@pytest.mark.parametrize(
    ("acting", "error"),
    [
        ("eve", "X-Acting-User 'eve' is not an active dashboard user (unknown or disabled)"),
        ("Alice Smith", "X-Acting-User must be a dashboard username, such as 'advisor'"),
        ("", "X-Acting-User must be a dashboard username"),
    ],
)
def test_an_unknown_acting_user_is_refused(setup: Setup, acting: str, error: str) -> None:
    _, token = _key(setup, "delegate", "score")
    answer = call(setup.middleware, "/predict", token, acting=acting)
    assert answer.status == 403 and answer.body["error"].startswith(error)


def test_a_disabled_user_is_refused_within_the_refresh_bound(setup: Setup) -> None:
    _, token = _key(setup, "delegate", "score")
    assert call(setup.middleware, "/predict", token, acting="sam").status == 200
    setup.users.disable("sam")
    setup.clock.now += REFRESH_SECONDS
    answer = call(setup.middleware, "/predict", token, acting="sam")
    assert answer.status == 403 and "'sam' is not an active dashboard user" in str(answer)


def test_without_authentication_every_caller_is_an_anonymous_admin(
    tmp_path: Path, setup: Setup
) -> None:
    middleware = BearerTokenMiddleware(
        endpoint, settings(tmp_path, api_token="", api_auth="disabled"), records=setup.database
    )
    answer = call(middleware, "/records/verify")
    assert answer.status == 200 and answer.body["caller"]["key"] == "anonymous"
    assert call(middleware, "/predict", acting="alice").body["caller"]["role"] == "advisor"
    assert call(middleware, "/predict", acting="eve").status == 403


def test_a_missing_token_stops_the_start(tmp_path: Path) -> None:
    with pytest.raises(AuthConfigurationError, match="CREDIT_API_TOKEN is not set"):
        BearerTokenMiddleware(endpoint, settings(tmp_path, api_token=""))


def test_the_bootstrap_token_never_opens_the_records_database(tmp_path: Path) -> None:
    middleware = BearerTokenMiddleware(endpoint, settings(tmp_path))
    assert call(middleware, "/predict", TOKEN).status == 200
    assert call(middleware, "/predict", "wrong").status == 401
    assert not list(tmp_path.iterdir())  # built lazily: nothing connected, nothing created


def test_a_key_that_cannot_be_checked_is_a_503_naming_no_secret(tmp_path: Path) -> None:
    (tmp_path / "a file").write_text("")
    url = f"sqlite:///{tmp_path / 'a file' / 'records.sqlite'}"
    middleware = BearerTokenMiddleware(endpoint, settings(tmp_path, audit_db_url=url))
    token = f"pad_0123abcd_{'A' * 43}"
    answer = call(middleware, "/predict", token)
    assert answer.status == 503
    assert answer.body["error"] == (
        "API keys and users cannot be checked now (records database unavailable); try again later"
    )
    assert call(middleware, "/predict", TOKEN).status == 200
    assert call(middleware, "/predict", TOKEN, acting="alice").status == 503
