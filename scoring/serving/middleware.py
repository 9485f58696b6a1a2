"""Guards on request bodies, as pure ASGI middleware run before BentoML reads a body.

BentoML reads a whole body into memory before validating it and has no size limit of its
own (``api_server.max_request_size`` is gone from its configuration), and it picks its
parser from the Content-Type. These two guards refuse what no endpoint here should parse:
a body that is not declared as JSON (415), and one larger than the limit (413), which is
refused after reading at most the limit, not the whole body.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from scoring.serving.auth import ASGIApp, Receive, Scope, Send


class JsonBodiesOnly:
    """Answer 415 to a POST whose body is declared as anything but JSON.

    BentoML picks its parser from the Content-Type: multipart/form-data goes to its form
    parser (a malformed form is a 500), any other type is read as JSON regardless. Every API
    here takes JSON, so the rest is refused up front with a message saying what to send.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _is_post(scope):
            header = _header(scope, b"content-type") or ""
            media_type = header.split(";")[0].strip().lower()
            if media_type not in ("", "application/json"):
                message = f"Content-Type must be application/json, got {media_type!r}"
                await _error(415, message)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class BodySizeLimit:
    """Answer 413 to a POST whose body exceeds ``limit`` bytes (``CREDIT_MAX_BODY_BYTES``).

    A declared Content-Length over the limit is refused before a byte is read. Otherwise
    (a chunked body, or a Content-Length within the limit) the body is received here, up
    to the limit, and handed on unchanged: BentoML reads it whole anyway, and a body that
    turns out too long is refused with nothing of it passed on.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _is_post(scope):
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length") or ""
        if declared.isdigit() and int(declared) > self.limit:
            await self._refuse(int(declared), scope, receive, send)
            return
        received: list[dict[str, Any]] = []
        size, more = 0, True
        while more:
            message = dict(await receive())
            received.append(message)
            size += len(message.get("body", b""))
            more = message["type"] == "http.request" and message.get("more_body", False)
            if size > self.limit:
                await self._refuse(size, scope, receive, send, at_least=more)
                return

        async def replay() -> dict[str, Any]:
            return received.pop(0) if received else dict(await receive())

        await self.app(scope, replay, send)

    async def _refuse(
        self, size: int, scope: Scope, receive: Receive, send: Send, at_least: bool = False
    ) -> None:
        amount = f"at least {size}" if at_least else str(size)
        message = f"request body of {amount} bytes exceeds the limit of {self.limit} bytes"
        await _error(413, message)(scope, receive, send)


def _is_post(scope: Scope) -> bool:
    return scope["type"] == "http" and scope["method"] == "POST"


def _header(scope: Scope, name: bytes) -> str | None:
    value = dict(scope["headers"]).get(name)
    return None if value is None else value.decode("latin-1")


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)
