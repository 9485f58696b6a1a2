"""The service's pure ASGI middleware around BentoML: two guards on request bodies, and the
error bodies BentoML and Starlette word themselves, rewritten.

BentoML reads a whole body into memory before validating it and has no size limit of its
own (``api_server.max_request_size`` is gone from its configuration), and it picks its
parser from the Content-Type. Two guards refuse what no endpoint here should parse:
a body that is not declared as JSON (415), and one larger than the limit (413), which is
refused after reading at most the limit, not the whole body. :class:`PlainErrors` rewrites
the 400, 404 and 405 answers that are not the service's own (see :mod:`.errors`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, MutableMapping
from typing import Any

from pydantic import BaseModel
from starlette.responses import JSONResponse

from scoring.serving import errors
from scoring.serving.auth import ASGIApp, Receive, Scope, Send

# Routes that take an uploaded file (a multipart/form-data form) rather than JSON.
FILE_ROUTES = frozenset({"/score_file"})
FORM = "multipart/form-data"


class JsonBodiesOnly:
    """Answer 415 to a POST whose body is declared as anything but JSON, or, on a file route
    (:data:`FILE_ROUTES`), as anything but a multipart form.

    BentoML picks its parser from the Content-Type: multipart/form-data goes to its form
    parser (a malformed form is a 500), any other type is read as JSON regardless. Every API
    of BentoML's here takes JSON, so the rest is refused up front with a message saying what
    to send; the file routes parse their form themselves.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _is_post(scope):
            header = _header(scope, b"content-type") or ""
            media_type = header.split(";")[0].strip().lower()
            if scope["path"] in FILE_ROUTES:
                refused = None if media_type == FORM else not_a_form(media_type)
            else:
                refused = None if media_type in ("", "application/json") else not_json(media_type)
            if refused is not None:
                await _error(415, refused)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class BodySizeLimit:
    """Answer 413 to a POST whose body exceeds ``limit`` bytes (``CREDIT_MAX_BODY_BYTES``),
    or, on a route of ``limits``, that route's own (``CREDIT_MAX_FILE_BYTES``).

    A declared Content-Length over the limit is refused before a byte is read. Otherwise
    (a chunked body, or a Content-Length within the limit) the body is received here, up
    to the limit, and handed on unchanged: BentoML reads it whole anyway, and a body that
    turns out too long is refused with nothing of it passed on.
    """

    def __init__(self, app: ASGIApp, limit: int, limits: Mapping[str, int] | None = None) -> None:
        self.app = app
        self.limit = limit
        self.limits = dict(limits or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _is_post(scope):
            await self.app(scope, receive, send)
            return
        limit = self.limits.get(scope["path"], self.limit)
        declared = _header(scope, b"content-length") or ""
        if declared.isdigit() and int(declared) > limit:
            await _error(413, too_large(int(declared), limit))(scope, receive, send)
            return
        received: list[dict[str, Any]] = []
        size, more = 0, True
        while more:
            message = dict(await receive())
            received.append(message)
            size += len(message.get("body", b""))
            more = message["type"] == "http.request" and message.get("more_body", False)
            if size > limit:
                await _error(413, too_large(size, limit, more))(scope, receive, send)
                return

        async def replay() -> dict[str, Any]:
            return received.pop(0) if received else dict(await receive())

        await self.app(scope, replay, send)


class PlainErrors:
    """Rewrite BentoML's validation errors and Starlette's 404 and 405 in plain words, as JSON.

    ``models`` maps each API route to its request model, to name the fields an error is about.
    A success passes through untouched, but for one status check per response: only a 400,
    404 or 405 is held, read and rewritten, and one that is already the service's own
    ``{"error": ...}`` (an unknown client) is sent as it came.
    """

    REWRITTEN = frozenset({400, 404, 405})

    def __init__(self, app: ASGIApp, models: Mapping[str, type[BaseModel]]) -> None:
        self.app = app
        self.models = models

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        held: list[MutableMapping[str, Any]] = []

        async def reply(message: MutableMapping[str, Any]) -> None:
            if held or (
                message["type"] == "http.response.start" and message["status"] in self.REWRITTEN
            ):
                held.append(message)
                if message["type"] == "http.response.body" and not message.get("more_body"):
                    await self._rewrite(scope, held, send)
                return
            await send(message)

        await self.app(scope, receive, reply)

    async def _rewrite(
        self, scope: Scope, held: list[MutableMapping[str, Any]], send: Send
    ) -> None:
        start = held[0]
        body = b"".join(message.get("body", b"") for message in held[1:])
        sent = {name.lower(): value for name, value in start.get("headers", ())}
        plain = self._plain(scope, start["status"], body, sent)
        if plain is None:
            await send(start)
            await send({"type": "http.response.body", "body": body})
            return
        text = json.dumps(plain).encode()
        kept = [(k, v) for k, v in start.get("headers", ()) if k.lower() not in _BODY_HEADERS]
        length = str(len(text)).encode()
        headers = [*kept, (b"content-type", b"application/json"), (b"content-length", length)]
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": text})

    def _plain(
        self, scope: Scope, status: int, body: bytes, headers: Mapping[bytes, bytes]
    ) -> dict[str, Any] | None:
        """The body to send instead, or None to send the one given."""
        if status == 405:
            allowed = headers.get(b"allow", b"").decode("latin-1")
            return errors.method_not_allowed(scope["method"], scope["path"], allowed)
        answer = _json(body)
        if status == 404:
            return None if isinstance(answer, dict) and "error" in answer else errors.not_found()
        model = self.models.get(scope["path"])
        if model is None or not isinstance(answer, dict):
            return None
        return errors.validation_error(answer, model)


_BODY_HEADERS = (b"content-length", b"content-type")


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def not_json(media_type: str) -> str:
    """The 415 message: what to send instead."""
    return f"Content-Type must be application/json, got {media_type!r}"


def not_a_form(media_type: str) -> str:
    """The 415 message of a file route: how to send the file."""
    return (
        f"Content-Type must be {FORM}, got {media_type!r}: send the file as the form's "
        "'file' field (curl -F file=@applications.csv)"
    )


def too_large(size: int, limit: int, at_least: bool = False) -> str:
    """The 413 message, ``at_least`` when the body was cut off at the limit."""
    amount = f"at least {size}" if at_least else str(size)
    return f"request body of {amount} bytes exceeds the limit of {limit} bytes"


def _is_post(scope: Scope) -> bool:
    return scope["type"] == "http" and scope["method"] == "POST"


def _header(scope: Scope, name: bytes) -> str | None:
    value = dict(scope["headers"]).get(name)
    return None if value is None else value.decode("latin-1")


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)
