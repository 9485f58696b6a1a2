"""Bearer-token authentication for the service, as a pure ASGI middleware.

Every data or scoring endpoint needs ``Authorization: Bearer <CREDIT_API_TOKEN>``; the
health probes, the metrics and the static API documentation do not (they hold no client
data). Running without a token needs the explicit ``CREDIT_API_AUTH=disabled``: a
missing token is a configuration error, never a silently open service. The token comes from
:class:`scoring.settings.ServiceSettings`.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from scoring.settings import ServiceSettings

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PUBLIC_PATHS = frozenset({"/livez", "/readyz", "/healthz", "/metrics", "/", "/docs.json"})
PUBLIC_PREFIXES = ("/static_content/",)


class AuthConfigurationError(RuntimeError):
    """Neither a token nor an explicit opt-out is configured."""


def configured_token(settings: ServiceSettings) -> str | None:
    """The token to require, or None when auth is explicitly disabled."""
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
    """Reject requests to protected paths without the right bearer token (401)."""

    def __init__(self, app: ASGIApp, settings: ServiceSettings) -> None:
        self.app = app
        self.token = configured_token(settings)
        self.expected = f"Bearer {self.token}".encode() if self.token else b""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.token is None or _is_public(scope["path"]):
            await self.app(scope, receive, send)
            return
        header = dict(scope.get("headers") or []).get(b"authorization", b"")
        # Constant-time comparison: response time must not reveal how much matched.
        if hmac.compare_digest(header, self.expected):
            await self.app(scope, receive, send)
            return
        await _unauthorized(send, refusal(header))


def _is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def refusal(header: bytes) -> str:
    """Why ``header`` was refused, judged on its form alone: nothing is told of the token."""
    if not header:
        reason = "no Authorization header; send 'Authorization: Bearer <token>'"
    elif not header.startswith(b"Bearer "):
        reason = (
            "the Authorization header must read 'Bearer <token>': the word Bearer, one space, "
            "then the token"
        )
    else:
        reason = "invalid token: it is not the one this service was given (CREDIT_API_TOKEN)"
    return f"authentication required: {reason}; the API page at / says where the token is"


async def _unauthorized(send: Send, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 401,
            "headers": [
                (b"content-type", b"application/json"),
                (b"www-authenticate", b'Bearer realm="credit-scoring"'),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
