"""Fuzzing the real service from the OpenAPI document it publishes (schemathesis).

Every operation of ``/docs.json`` gets schemathesis's generated requests (examples and
fuzzing phases, plus the coverage phase's boundary cases when long; positive and negative
data) with the token, and each of them again without a valid token. Then bodies schemathesis
does not write: malformed JSON, other content types, huge, deeply nested, non-finite numbers,
strings for numbers. Expected everywhere: no 5xx, every status documented, every body
matching its documented schema, and 401 whenever the token is missing or wrong.
"""

from __future__ import annotations

import http.client
import itertools
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import httpx
import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from scoring.serving.auth import PUBLIC_PATHS
from scoring.serving.schemas import APPLICATION_EXAMPLE, HISTORY_EXAMPLE, MAX_RECORDS
from tests.support.resilience import LONG, Report
from tests.support.serving import AUTH, TOKEN

pytestmark = pytest.mark.slow

MAX_EXAMPLES = 1000 if LONG else 60  # generated requests per operation (both modes)
BAD_CREDENTIALS: list[dict[str, str]] = [
    {},
    {"Authorization": "Bearer wrong-token"},
    {"Authorization": f"Bearer {TOKEN}x"},
    {"Authorization": f"Basic {TOKEN}"},
    {"Authorization": TOKEN},
]
# Checks of a response on its own: for requests schemathesis did not write, and for the
# token-less copies (whose 401 the checks about request data would misread).
RESPONSE_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
SCHEMATHESIS_CONFIG = {
    # The token is ours to send: no generated Authorization header in place of it.
    "generation": {
        "mode": "all",
        "max-examples": MAX_EXAMPLES,
        "database": "none",
        "with-security-parameters": False,
    },
    # The coverage phase writes ~1,300 boundary cases per scoring endpoint (two minutes).
    "phases": {"coverage": {"enabled": LONG}},
    "suppress-health-check": ["all"],
    "request-timeout": 60,
    # Valid JSON Schema is not always a valid request: the API has rules across fields that
    # JSON Schema cannot state (a history record naming another client, a client twice in a
    # batch, both or neither of application and client_id). They are 400s naming the rule,
    # tested in test_bad_inputs.py; every other check stays on.
    "checks": {"positive_data_acceptance": {"enabled": False}},
}


@dataclass
class Tally:
    """What the fuzzing sent and what came back, for the resilience summary."""

    statuses: defaultdict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    with_token: Counter[int] = field(default_factory=Counter)
    refused: int = 0
    unauthenticated: int = 0
    server_errors: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    credentials: Iterator[dict[str, str]] = field(
        default_factory=lambda: itertools.cycle(BAD_CREDENTIALS)
    )

    def sent(self, label: str, response: Any, authenticated: bool = True) -> None:
        self.statuses[label][response.status_code] += 1
        if authenticated:
            self.with_token[response.status_code] += 1
        else:
            self.unauthenticated += 1
            self.refused += response.status_code == 401
        if response.status_code >= 500:
            self.server_errors.append(f"{label}: {response.status_code} {response.text[:200]}")

    def check(self, label: str, validate: Callable[[], None]) -> None:
        """Run schemathesis's checks, counting a failure before letting it through."""
        try:
            validate()
        except (AssertionError, FailureGroup) as failure:
            self.violations.append(f"{label}: {str(failure).splitlines()[0][:300]}")
            raise

    def record(self, report: Report) -> None:
        counts = {label: sum(statuses.values()) for label, statuses in self.statuses.items()}
        detail = ", ".join(f"{label} {n}" for label, n in sorted(counts.items()))
        total = sum(counts.values())
        report.add("fuzz", "requests sent", f"{total} ({detail})", total > 0)
        mix = ", ".join(f"{status}: {n}" for status, n in sorted(self.with_token.items()))
        report.add("fuzz", "statuses with the token", mix, bool(self.with_token))
        report.add("fuzz", "5xx responses", str(len(self.server_errors)), not self.server_errors)
        report.add("fuzz", "responses off the documented schema", str(len(self.violations)),
                   not self.violations)  # fmt: skip
        report.add("fuzz", "401 without a valid token", f"{self.refused}/{self.unauthenticated}",
                   self.refused == self.unauthenticated)  # fmt: skip


@pytest.fixture(scope="module")
def tally(resilience_report: Report) -> Iterator[Tally]:
    found = Tally()
    yield found
    found.record(resilience_report)


@pytest.fixture(scope="module")
def api_schema(server: str) -> schemathesis.BaseSchema:
    """The OpenAPI document as the running service publishes it."""
    config = schemathesis.Config.from_dict(SCHEMATHESIS_CONFIG)
    return schemathesis.openapi.from_url(f"{server}/docs.json", config=config)


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request: pytest.FixtureRequest) -> None:
    # schemathesis 4.32's lazy schema names its subtests through the test node's
    # ``_nodeid``, an attribute pytest 9.2 no longer has.
    request.node._nodeid = request.node.nodeid


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_generated_requests(case: schemathesis.Case, tally: Tally) -> None:
    label = case.operation.label
    response = case.call(headers=AUTH)
    tally.sent(label, response)
    tally.check(label, lambda: case.validate_response(response, headers=AUTH))
    if case.path in PUBLIC_PATHS:
        return
    refused = case.call(headers=next(tally.credentials))
    tally.sent(label, refused, authenticated=False)
    tally.check(label, lambda: case.validate_response(refused, checks=RESPONSE_CHECKS))
    assert refused.status_code == 401, f"{label} without a valid token: {refused.status_code}"


# --- what schemathesis does not write ------------------------------------------------------


class Hostile(NamedTuple):
    """A raw request body, its declared type, and whether the service must refuse it."""

    body: bytes
    content_type: str = "application/json"
    refused: bool = True


def _application(**fields: Any) -> dict[str, Any]:
    return {"application": {**APPLICATION_EXAMPLE, **fields}}


def _with_token(field_name: str, token: str) -> bytes:
    """An application whose field holds a raw JSON token (NaN is no Python JSON output)."""
    return json.dumps(_application(**{field_name: "@"})).replace('"@"', token).encode()


VALID = json.dumps(_application()).encode()
OVER_LIMIT = {"bureau_balance": HISTORY_EXAMPLE["bureau_balance"][:1] * (MAX_RECORDS + 1)}
DEPTH = 10_000
HOSTILE: dict[str, Hostile] = {
    "truncated JSON": Hostile(VALID[:-7]),
    "trailing garbage": Hostile(VALID + b"}}"),
    "single quotes": Hostile(b"{'client_id': 1}"),
    "empty body": Hostile(b""),
    "JSON null": Hostile(b"null"),
    "JSON array": Hostile(b"[]"),
    "JSON string": Hostile(b'"application"'),
    "invalid UTF-8": Hostile(b'{"client_id": "\xff\xfe"}'),
    "UTF-8 BOM": Hostile(b"\xef\xbb\xbf" + VALID),
    "NUL in a key": Hostile(b'{"client_id\x00": 1}'),
    "comment": Hostile(b'{"client_id": 1 /* who */}'),
    "duplicate key": Hostile(b'{"client_id": 1, "client_id": "x"}'),
    "text/plain": Hostile(VALID, "text/plain"),
    "form-urlencoded": Hostile(b"client_id=1", "application/x-www-form-urlencoded"),
    "multipart without boundary": Hostile(VALID, "multipart/form-data"),
    "multipart, garbage": Hostile(VALID, "multipart/form-data; boundary=xyz"),
    "XML": Hostile(b"<client_id>1</client_id>", "application/xml"),
    "BentoML pickle": Hostile(b"\x80\x04K\x01.", "application/vnd.bentoml+pickle"),
    "octet-stream": Hostile(VALID, "application/octet-stream"),
    "8 MB category": Hostile(VALID.replace(b'"F"', b'"' + b"F" * 8_000_000 + b'"')),
    "8 MB of whitespace": Hostile(b" " * 8_000_000 + VALID, refused=False),
    "history over the limit": Hostile(
        json.dumps({**_application(), "history": OVER_LIMIT}).encode()
    ),
    "20,000 unknown fields": Hostile(
        json.dumps(_application(**{f"FIELD_{i}": i for i in range(20_000)})).encode()
    ),
    f"{DEPTH} nested objects": Hostile(
        b'{"application": ' + b'{"a": ' * DEPTH + b"1" + b"}" * DEPTH + b"}"
    ),
    f"{DEPTH} nested arrays": Hostile(b'{"application": ' + b"[" * DEPTH + b"]" * DEPTH + b"}"),
    "NaN": Hostile(_with_token("AMT_CREDIT", "NaN")),
    "Infinity": Hostile(_with_token("AMT_INCOME_TOTAL", "Infinity")),
    "-Infinity": Hostile(_with_token("DAYS_BIRTH", "-Infinity")),
    "1e999": Hostile(_with_token("EXT_SOURCE_2", "1e999")),
    "client_id NaN": Hostile(b'{"client_id": NaN}'),
    "client_id 5,000 digits": Hostile(b'{"client_id": ' + b"9" * 5000 + b"}"),
    "client_id 2**64": Hostile(json.dumps({"client_id": 2**64}).encode()),
    "string amount": Hostile(json.dumps(_application(AMT_CREDIT="513531")).encode()),
    "string count": Hostile(json.dumps(_application(CNT_CHILDREN="0")).encode()),
    "string client_id": Hostile(b'{"client_id": "100002"}'),
    "bool amount": Hostile(json.dumps(_application(AMT_CREDIT=True)).encode()),
    "1e308 amount": Hostile(json.dumps(_application(AMT_CREDIT=1e308)).encode()),
    "-0.0 count": Hostile(json.dumps(_application(CNT_CHILDREN=-0.0)).encode(), refused=False),
}
SCORING_PATHS = ("/predict", "/explain", "/predict_batch")


def _request_body(path: str, body: bytes) -> bytes:
    """The body for ``path``: a batch holds it as its one item (``{"application": …}`` fits)."""
    return b'{"applications": [' + body + b"]}" if path == "/predict_batch" else body


@pytest.mark.parametrize("path", SCORING_PATHS)
@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_body(
    api_schema: schemathesis.BaseSchema, server: str, tally: Tally, path: str, name: str
) -> None:
    hostile = HOSTILE[name]
    case = api_schema[path]["POST"].Case()
    label = case.operation.label
    body = _request_body(path, hostile.body)
    with httpx.Client(base_url=server, timeout=120) as client:
        for credentials, authenticated in ((AUTH, True), (next(tally.credentials), False)):
            headers = {**credentials, "Content-Type": hostile.content_type}
            response = client.post(path, content=body, headers=headers)
            tally.sent(label, response, authenticated)
            tally.check(label, lambda r=response: case.validate_response(r, checks=RESPONSE_CHECKS))
            if not authenticated:
                assert response.status_code == 401, response.text[:300]
            elif hostile.refused:
                assert 400 <= response.status_code < 500, response.text[:300]
            else:
                assert response.status_code == 200, response.text[:300]


@pytest.mark.parametrize("path", [*SCORING_PATHS, "/clients"])
def test_a_body_over_the_limit_is_refused_before_it_is_sent(
    api_schema: schemathesis.BaseSchema, server: str, path: str
) -> None:
    """A terabyte announced, 16 bytes sent: the answer (413) comes without waiting for it."""
    assert "413" in api_schema.raw_schema["paths"][path]["post"]["responses"]
    host, port = server.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        connection.putrequest("POST", path)
        for name, value in {**AUTH, "Content-Type": "application/json"}.items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(2**40))
        connection.endheaders(b'{"client_id": 1}')
        response = connection.getresponse()
        body = json.loads(response.read())
    finally:
        connection.close()
    assert response.status == 413
    assert body["error"].startswith(f"request body of {2**40} bytes exceeds the limit of ")


def test_known_clients_and_ids_out_of_range(
    api_schema: schemathesis.BaseSchema, server: str, tally: Tally, known_client: int
) -> None:
    """Known clients, which generated ids never hit, and ids no int64 column can hold."""
    requests = [
        ("/clients", {"client_id": known_client}, 200),
        ("/predict", {"client_id": known_client}, 200),
        ("/explain", {"client_id": known_client, "language": "fr"}, 200),
        *[("/clients", {"client_id": bad}, 400) for bad in (2**63, -1, 1.5, "1", None, True)],
        ("/clients", {}, 400),
        ("/clients", {"client_id": 1, "id": 1}, 400),
    ]
    with httpx.Client(base_url=server, headers=AUTH, timeout=60) as client:
        for path, body, expected in requests:
            case = api_schema[path]["POST"].Case()
            response = client.post(path, json=body)
            tally.sent(case.operation.label, response)
            tally.check(
                case.operation.label,
                lambda r=response, c=case: c.validate_response(r, checks=RESPONSE_CHECKS),
            )
            assert response.status_code == expected, f"{path} {body}: {response.text[:300]}"
