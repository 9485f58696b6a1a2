"""Who may call which route: bearer tokens, API keys, scopes and acting users, as a pure ASGI
middleware (docs/security.md, "API keys and users").

Every data or scoring route needs ``Authorization: Bearer <token>``, where the token is an
API key (``pad_<key_id>_<secret>``, :mod:`scoring.records.keys`) or the service's bootstrap
token ``CREDIT_API_TOKEN``, which holds every scope. The health probes, the metrics and the
API page need none (they hold no client data). Each route needs one scope
(:data:`ROUTE_SCOPES`; a route not listed needs ``admin``). A key holding ``delegate`` may
act for a dashboard user by naming them in ``X-Acting-User``; the user must be active.

Running without authentication needs the explicit ``CREDIT_API_AUTH=disabled``: a missing
token is a configuration error, never a silently open service. The endpoints read the
caller from ``request.state.caller`` (:class:`scoring.serving.callers.Caller`).

The bootstrap token and a key already verified by this process cost microseconds; the first
request with a key runs an argon2 check (~0.1 s) in a worker thread, and a stale copy of the
keys (older than 2 s) is re-read there too, so the event loop never waits on either.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from anyio import to_thread

from scoring.records.database import RecordsDatabase, RecordsUnavailable
from scoring.records.keys import PREFIX, KeyRing
from scoring.records.users import USERNAME, Users
from scoring.serving.callers import ADMIN_SCOPES, ANONYMOUS, BOOTSTRAP, Caller
from scoring.serving.callers import Scope as ScopeName
from scoring.settings import ServiceSettings

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]  # the ASGI scope
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PUBLIC_PATHS = frozenset({"/livez", "/readyz", "/healthz", "/metrics", "/", "/docs.json"})
PUBLIC_PREFIXES = ("/static_content/",)
# The scope each protected route needs; any other protected path needs admin.
ROUTE_SCOPES: dict[str, ScopeName] = {
    "/predict": "score",
    "/explain": "score",
    "/predict_batch": "score",
    "/score_file": "score",
    "/model": "score",
    "/decisions": "decide",
    "/decisions/history": "clients",
    "/decisions/letter": "clients",
    "/clients": "clients",
    "/decisions/review": "audit",
    "/monitoring": "audit",
    "/users/login": "delegate",
}
ACTING_USER = b"x-acting-user"
_KEY_HEADER = f"Bearer {PREFIX}".encode()
_BOOTSTRAP = Caller(BOOTSTRAP, ADMIN_SCOPES)
_ANONYMOUS = Caller(ANONYMOUS, ADMIN_SCOPES)


class AuthConfigurationError(RuntimeError):
    """Neither a token nor an explicit opt-out is configured."""


class Refusal(Exception):
    """A request refused before it reaches the endpoint, with its status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def configured_token(settings: ServiceSettings) -> str | None:
    """The bootstrap token to accept, or None when auth is explicitly disabled."""
    token = settings.api_token.get_secret_value()
    auth, variable = ServiceSettings.variable("api_auth"), ServiceSettings.variable("api_token")
    if settings.api_auth == "disabled":
        if token:
            logger.warning("%s=disabled: the token in %s is ignored", auth, variable)
        return None
    if not token:
        raise AuthConfigurationError(
            f"{variable} is not set: set it to the bearer token clients must send, or set "
            f"{auth}=disabled to run without authentication"
        )
    return token


class BearerTokenMiddleware:
    """Authenticate the caller of each protected path, check its scope, and put it in
    ``scope["state"]["caller"]``; refuse with 401, 403 or 503 and a JSON ``error``.

    ``records`` is the records database holding ``api_keys`` and ``users``
    (``RecordsDatabase(settings.audit_db_url)`` when not given); nothing connects to it
    before a request needs it, since BentoML forks its workers after building the app.
    ``keys`` and ``users`` replace the defaults built on it (tests).
    """

    def __init__(
        self,
        app: ASGIApp,
        settings: ServiceSettings,
        records: RecordsDatabase | None = None,
        keys: KeyRing | None = None,
        users: Users | None = None,
    ) -> None:
        self.app = app
        self.token = configured_token(settings)
        self.enabled = settings.api_auth == "enabled"
        self.expected = f"Bearer {self.token}".encode() if self.token else b""
        database = records or RecordsDatabase(settings.audit_db_url)
        self.keys = keys or KeyRing(database)
        self.users = users or Users(database)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or _is_public(path):
            await self.app(scope, receive, send)
            return
        authorization = acting = None
        for name, value in scope.get("headers") or ():
            if name == b"authorization":
                authorization = value
            elif name == ACTING_USER:
                acting = value
        try:
            caller = await self._caller(authorization or b"") if self.enabled else _ANONYMOUS
            needed = ROUTE_SCOPES.get(path, "admin")
            if not caller.allows(needed):
                raise Refusal(403, forbidden(needed, path))
            if acting is not None:
                caller = await self._acting(caller, acting)
        except Refusal as refused:
            await _refuse(send, refused.status, refused.message)
            return
        except RecordsUnavailable as error:
            logger.warning("API keys and users cannot be checked: %s", error)
            message = "API keys and users cannot be checked now (records database unavailable)"
            await _refuse(send, 503, f"{message}; try again later")
            return
        scope.setdefault("state", {})["caller"] = caller
        await self.app(scope, receive, send)

    async def _caller(self, header: bytes) -> Caller:
        # Constant-time comparison: response time must not reveal how much matched.
        if hmac.compare_digest(header, self.expected):
            return _BOOTSTRAP
        if header.startswith(_KEY_HEADER):
            token = header[7:].decode("latin-1")
            caller = self.keys.cached(token) or await to_thread.run_sync(self.keys.verify, token)
            if caller is not None:
                return caller
        raise Refusal(401, refusal(header))

    async def _acting(self, caller: Caller, header: bytes) -> Caller:
        if not caller.allows("delegate"):
            raise Refusal(
                403,
                "this key lacks the 'delegate' scope needed to act for a user (X-Acting-User)",
            )
        username = header.decode("latin-1")
        if not USERNAME.fullmatch(username):
            raise Refusal(403, "X-Acting-User must be a dashboard username, such as 'advisor'")
        role = self.users.cached_role(username) or await to_thread.run_sync(
            self.users.role_of, username
        )
        if role is None:
            raise Refusal(
                403,
                f"X-Acting-User {username!r} is not an active dashboard user (unknown or disabled)",
            )
        return Caller(caller.key, caller.scopes, user=username, role=role)


def _is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def forbidden(needed: str, path: str) -> str:
    """Why a caller without the scope ``needed`` is refused ``path`` (403)."""
    return f"this key lacks the {needed!r} scope needed by {path}"


def refusal(header: bytes) -> str:
    """Why ``header`` was refused, judged on its form alone: nothing is told of the token."""
    if not header:
        reason = "no Authorization header; send 'Authorization: Bearer <token>'"
    elif not header.startswith(b"Bearer "):
        reason = (
            "the Authorization header must read 'Bearer <token>': the word Bearer, one space, "
            "then the token"
        )
    elif header.startswith(_KEY_HEADER):
        reason = "invalid API key: it is unknown, revoked, or replaced by a rotation"
    else:
        reason = (
            "invalid token: it is not the one this service was given (CREDIT_API_TOKEN), "
            "nor an API key (pad_...)"
        )
    return f"authentication required: {reason}; the API page at / says where the token is"


async def _refuse(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if status == 401:
        headers.append((b"www-authenticate", b'Bearer realm="credit-scoring"'))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
