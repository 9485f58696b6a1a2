"""The body guards in front of BentoML: 415 for a body not declared as JSON, 413 for one
over the size limit, refused before it is read in full; everything else passed on intact."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from typing import Any, NamedTuple

import pytest

from scoring.serving.middleware import (
    BodySizeLimit,
    JsonBodiesOnly,
)

LIMIT = 100


class Outcome(NamedTuple):
    status: int
    body: dict[str, Any]
    seen_by_app: bytes | None  # the body the wrapped app read; None if it was not called
    chunks_read: int  # body messages the middleware chain took from the client


def run(
    middleware: type,
    chunks: Iterable[bytes],
    headers: dict[str, str] | None = None,
    method: str = "POST",
    **options: Any,
) -> Outcome:
    """Send one request through ``middleware`` around an app that echoes the body it read."""
    chunks = list(chunks)
    messages = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    read, sent, seen = [], [], []

    async def receive() -> dict[str, Any]:
        if not messages:
            return {"type": "http.disconnect"}
        read.append(messages[0])
        return messages.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def echo(scope: Any, receive: Any, send: Any) -> None:
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        seen.append(body)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    encoded = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    scope = {"type": "http", "method": method, "path": "/predict", "headers": encoded}
    asyncio.run(middleware(echo, **options)(scope, receive, send))
    body = json.loads(b"".join(m.get("body", b"") for m in sent[1:]))
    return Outcome(sent[0]["status"], body, seen[0] if seen else None, len(read))


JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "multipart/form-data; boundary=x", "application/xml", "Application/Jsonx"],
)
def test_a_body_not_declared_as_json_is_refused_with_415(content_type: str) -> None:
    outcome = run(JsonBodiesOnly, [b'{"client_id": 1}'], {"Content-Type": content_type})
    media_type = content_type.split(";")[0].lower()
    assert outcome.status == 415 and outcome.seen_by_app is None
    assert outcome.body == {"error": f"Content-Type must be application/json, got {media_type!r}"}


@pytest.mark.parametrize("headers", [JSON, {"Content-Type": "application/json; charset=utf-8"}, {}])
def test_json_and_undeclared_bodies_are_passed_on(headers: dict[str, str]) -> None:
    outcome = run(JsonBodiesOnly, [b'{"client_id": 1}'], headers)
    assert outcome.status == 200 and outcome.seen_by_app == b'{"client_id": 1}'


def test_a_declared_length_over_the_limit_is_refused_before_reading() -> None:
    headers = {**JSON, "Content-Length": str(10**9)}
    outcome = run(BodySizeLimit, [b"x" * 10] * 3, headers, limit=LIMIT)
    assert outcome.status == 413 and outcome.seen_by_app is None and outcome.chunks_read == 0
    assert outcome.body == {
        "error": f"request body of {10**9} bytes exceeds the limit of {LIMIT} bytes"
    }


def test_a_streamed_body_over_the_limit_is_refused_once_it_passes_it() -> None:
    chunks = [b"x" * 40] * 10  # 400 bytes, no Content-Length (chunked)
    outcome = run(BodySizeLimit, chunks, JSON, limit=LIMIT)
    assert outcome.status == 413 and outcome.seen_by_app is None
    assert outcome.chunks_read == 3  # 120 bytes read, 280 never
    assert outcome.body == {
        "error": f"request body of at least 120 bytes exceeds the limit of {LIMIT} bytes"
    }


@pytest.mark.parametrize(
    ("chunks", "headers"),
    [
        ([b"x" * LIMIT], {**JSON, "Content-Length": str(LIMIT)}),
        ([b"x" * 30, b"y" * 30, b"z" * 40], JSON),
        ([b""], JSON),
    ],
    ids=["exactly the limit", "streamed under the limit", "empty"],
)
def test_a_body_within_the_limit_reaches_the_app_intact(
    chunks: list[bytes], headers: dict[str, str]
) -> None:
    outcome = run(BodySizeLimit, chunks, headers, limit=LIMIT)
    assert outcome.status == 200 and outcome.seen_by_app == b"".join(chunks)


def test_only_posts_are_checked() -> None:
    headers = {"Content-Type": "text/plain", "Content-Length": str(10**9)}
    for middleware, options in ((JsonBodiesOnly, {}), (BodySizeLimit, {"limit": LIMIT})):
        outcome = run(middleware, [b"x" * 10], headers, method="GET", **options)
        assert outcome.status == 200
