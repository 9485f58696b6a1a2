"""The middleware around BentoML: 415 for a body not declared as JSON, 413 for one over the
size limit, refused before it is read in full; everything else passed on intact. And the error
bodies BentoML and Starlette word themselves, rewritten as they leave (the wording itself:
``test_errors.py``; through the real service: ``tests/service/test_errors.py``)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from typing import Any, NamedTuple

import pytest

from scoring.serving.middleware import BodySizeLimit, JsonBodiesOnly, PlainErrors
from scoring.serving.schemas import ScoringRequest

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
    path: str = "/predict",
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
    scope = {"type": "http", "method": method, "path": path, "headers": encoded}
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


def test_a_file_route_takes_a_form_and_nothing_else() -> None:
    form = {"Content-Type": "multipart/form-data; boundary=x"}
    passed = run(JsonBodiesOnly, [b"--x--"], form, path="/score_file")
    assert passed.status == 200 and passed.seen_by_app == b"--x--"
    for headers in (JSON, {}, {"Content-Type": "text/csv"}):
        refused = run(JsonBodiesOnly, [b"a,b"], headers, path="/score_file")
        assert refused.status == 415 and refused.seen_by_app is None
        assert "must be multipart/form-data" in refused.body["error"]
        assert "curl -F file=@applications.csv" in refused.body["error"]


def test_a_route_of_its_own_limit_is_held_to_it() -> None:
    body = [b"x" * 400]
    limits = {"/score_file": 1000}
    assert (
        run(BodySizeLimit, body, JSON, path="/score_file", limit=LIMIT, limits=limits).status == 200
    )
    assert run(BodySizeLimit, body, JSON, path="/predict", limit=LIMIT, limits=limits).status == 413
    big = run(BodySizeLimit, [b"x" * 1001], JSON, path="/score_file", limit=LIMIT, limits=limits)
    assert big.body == {"error": "request body of 1001 bytes exceeds the limit of 1000 bytes"}


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


def answered(
    status: int, chunks: list[bytes], headers: list[tuple[bytes, bytes]], method: str = "POST"
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """What leaves PlainErrors when the app behind it answers ``status`` with ``chunks``."""
    given = [{"type": "http.response.start", "status": status, "headers": headers}]
    given += [
        {"type": "http.response.body", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    sent: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        for message in given:
            await send(message)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "path": "/predict", "headers": []}
    plain = PlainErrors(app, models={"/predict": ScoringRequest})
    asyncio.run(plain(scope, None, send))
    return given, sent


JSON_TYPE = [(b"content-type", b"application/json")]


def test_a_success_passes_through_untouched() -> None:
    given, sent = answered(200, [b'{"probability":', b" 0.1}"], JSON_TYPE)
    assert all(a is b for a, b in zip(given, sent, strict=True))


def test_a_validation_error_in_chunks_leaves_as_one_rewritten_body() -> None:
    detail = [{"type": "extra_forbidden", "loc": ["lang"], "msg": "Extra inputs are not permitted"}]
    url = {"url": "https://errors.pydantic.dev/2.14/v/extra_forbidden"}
    text = json.dumps({"error": "1 validation error for ScoringRequestIODescriptor",
                       "detail": [{**detail[0], **url}]}).encode()  # fmt: skip
    headers = [*JSON_TYPE, (b"content-length", str(len(text)).encode()), (b"server", b"BentoML")]
    _, sent = answered(400, [text[:10], text[10:]], headers)
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    body = sent[1]["body"]
    assert json.loads(body) == {
        "error": "1 problem in the request: lang: unknown field: did you mean language?",
        "detail": [{**detail[0], "msg": "unknown field: did you mean language?"}],  # no url
    }
    assert dict(sent[0]["headers"]) == {
        b"content-type": b"application/json",
        b"content-length": str(len(body)).encode(),
        b"server": b"BentoML",
    }


def test_the_services_own_404_passes_as_it_came() -> None:
    text = b'{"error": "client_id 5 is not a known client"}'
    given, sent = answered(404, [text], JSON_TYPE)
    assert sent[0] == given[0] and sent[1]["body"] == text


def test_starlettes_plain_405_and_404_become_json() -> None:
    allow = [(b"content-type", b"text/plain"), (b"allow", b"POST")]
    _, sent = answered(405, [b"Method Not Allowed"], allow, method="GET")
    assert json.loads(sent[1]["body"]) == {
        "error": "/predict does not take GET: send a POST with a JSON body; the API page at / "
        "has an example of each route"
    }
    assert (b"allow", b"POST") in sent[0]["headers"]
    _, sent = answered(404, [b"Not Found"], [(b"content-type", b"text/plain")])
    assert json.loads(sent[1]["body"])["error"].startswith("no such route: ")
