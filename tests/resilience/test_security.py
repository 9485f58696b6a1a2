"""Security of a real `bentoml serve`: every data route behind the token, client ids not
enumerable, the token compared in constant time, no token or personal data in the logs or
the metrics (the dashboard's login: ``test_dashboard_login.py``).

The routes come from the server's own OpenAPI document, checked against the service's route
table, so a new endpoint is covered without editing this file.
"""

from __future__ import annotations

import asyncio
import hmac
import http.client
import json
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import httpx
import pytest

from devtools.servers import ROOT, free_port, stop, wait_ready
from scoring.records.database import RecordsDatabase
from scoring.records.users import Users
from scoring.serving import auth
from scoring.settings import load_settings
from tests.support.inputs import APPLICATION
from tests.support.routes import HEALTH, PASSWORD, USER, data_routes, request_for
from tests.support.serving import AUTH, TOKEN

pytestmark = pytest.mark.slow

UNKNOWN_CLIENT = 987_654_321  # distinctive: searched for in the logs and the metrics
INCOME = 987_654.321
WRONG_TOKEN = "wrong-token-5f3c9a17"
BAD_HEADERS = {
    "none": {},
    "wrong token": {"Authorization": f"Bearer {WRONG_TOKEN}"},
    "token with a suffix": {"Authorization": f"Bearer {TOKEN}x"},
    "token cut short": {"Authorization": f"Bearer {TOKEN[:-1]}"},
    "no scheme": {"Authorization": TOKEN},
    "basic scheme": {"Authorization": f"Basic {TOKEN}"},
    "scheme only": {"Authorization": "Bearer"},
    "double space": {"Authorization": f"Bearer  {TOKEN}"},
    "empty": {"Authorization": ""},
    "8 KiB": {"Authorization": "Bearer " + "x" * 8192},
}


class LoggedServer(NamedTuple):
    url: str
    log: Path


def service_routes(env: dict[str, str]) -> set[str]:
    """The paths the service declares: its BentoML APIs and the routes of its FastAPI app
    (whose OpenAPI document FastAPI still builds though it does not serve it)."""
    code = (
        "import json, service\n"
        "apis = {api.route for api in service.CreditScoring.apis.values()}\n"
        "info = set(service.info_app.openapi()['paths'])  # served without a document\n"
        "print(json.dumps(sorted(apis | info)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.fixture(scope="module")
def logged_server(service_env, tmp_path_factory) -> Iterator[LoggedServer]:
    """A `bentoml serve` whose stdout and stderr (BentoML logs to both) go to one file."""
    log = tmp_path_factory.mktemp("security") / "service.log"
    port = free_port()
    with log.open("wb") as output:  # the child keeps its own descriptor
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bentoml",
                "serve",
                "service:CreditScoring",
                "--port",
                str(port),
            ],
            cwd=ROOT,
            env={**os.environ, **service_env},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process)
        yield LoggedServer(url, log)
    finally:
        stop(process)


@pytest.fixture(scope="module")
def document(logged_server: LoggedServer) -> dict[str, Any]:
    return httpx.get(f"{logged_server.url}/docs.json", timeout=60).json()


@pytest.fixture(scope="module")
def known_client(model_dataset) -> int:
    ids = model_dataset["application_train"]["SK_ID_CURR"]
    assert UNKNOWN_CLIENT not in set(ids)
    return int(ids.iloc[0])


def test_the_document_lists_every_route_of_the_service(document, service_env, resilience_report):
    documented = set(document["paths"])
    declared = service_routes(service_env)
    missing = declared - documented
    resilience_report.add(
        "security",
        "routes documented",
        f"{len(documented)} documented, {len(missing)} not",
        not missing,
    )
    assert not missing, f"routes the OpenAPI document does not list (so not tested): {missing}"
    assert documented >= HEALTH


@pytest.fixture(scope="module")
def refusal(logged_server, document, service_env, known_client) -> str:
    """The known client's recorded refusal (its letter is a valid request), and the dashboard
    user of the valid sign-in request."""
    users = Users(RecordsDatabase(service_env["CREDIT_AUDIT_DB_URL"]))
    if USER not in {user.username for user in users.list()}:
        users.add(USER, "advisor", PASSWORD)
    decide = next(r for r in data_routes(document) if r.path == "/decisions")
    recorded = httpx.post(
        f"{logged_server.url}/decisions",
        headers=AUTH,
        timeout=60,
        **request_for(document, decide, known_client),
    )
    assert recorded.is_success, recorded.text
    return str(recorded.json()["decision_id"])


def test_every_data_route_refuses_missing_wrong_and_malformed_tokens(
    logged_server, document, known_client, refusal, resilience_report
):
    routes = data_routes(document)
    refused = 0
    with httpx.Client(base_url=logged_server.url, timeout=60) as client:
        for route in routes:
            kwargs = request_for(document, route, known_client, refusal)
            for case, headers in BAD_HEADERS.items():
                response = client.request(
                    route.method, route.url_path(known_client), headers=headers, **kwargs
                )
                assert response.status_code == 401, f"{route} with {case}: {response.text}"
                assert response.headers["www-authenticate"].startswith("Bearer")
                assert set(response.json()) == {"error"}
                assert str(known_client) not in response.text and "probability" not in response.text
                refused += 1
            allowed = client.request(
                route.method, route.url_path(known_client), headers=AUTH, **kwargs
            )
            assert allowed.status_code == 200, f"{route} with the token: {allowed.text}"
            if route.path == "/decisions":  # the same key again: the same decision
                assert allowed.json()["decision_id"] == refusal
    resilience_report.add(
        "security",
        "401 without a valid token",
        f"{len(routes)} routes x {len(BAD_HEADERS)} bad headers: {refused} refused",
        refused == len(routes) * len(BAD_HEADERS),
    )


@pytest.mark.parametrize(
    ("method", "raw_path"),
    [
        ("POST", "/predict/"),
        ("POST", "//predict"),
        ("POST", "/PREDICT"),
        ("POST", "/static_content/../predict"),
        ("POST", "/static_content/%2e%2e/predict"),
        ("POST", "/livez/../predict"),
        ("POST", "/clients/"),
        ("POST", "/Clients"),
        ("GET", "/docs.json/../model"),
        ("GET", "/model%00"),
    ],
)
def test_path_variants_do_not_get_past_the_token(logged_server, method, raw_path):
    """Sent as raw request lines: httpx would normalise the dots away."""
    host, port = logged_server.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    body = json.dumps({"client_id": 100002}) if method == "POST" else None
    connection.request(method, raw_path, body=body, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    assert response.status not in (200, 307, 308), f"{raw_path}: {response.status} {text}"
    assert "SK_ID_CURR" not in text and "probability" not in text


def test_client_ids_are_not_enumerable_without_the_token(logged_server, document, known_client):
    with httpx.Client(base_url=logged_server.url, timeout=60) as client:
        for route in data_routes(document):
            answers = []
            for client_id in (known_client, UNKNOWN_CLIENT):
                response = client.request(
                    route.method,
                    route.url_path(client_id),
                    **request_for(document, route, client_id),
                )
                headers = {k: v for k, v in response.headers.items() if k != "date"}
                answers.append((response.status_code, headers, response.content))
            assert answers[0] == answers[1], f"{route} tells a known client from an unknown one"


# A client's decisions are about applications, known clients or not: an id without any is an
# empty history, whether or not the portfolio holds it.
NOT_A_CLIENT_LOOKUP = {"/decisions/history"}


def test_an_unknown_client_is_a_bare_404_with_the_token(logged_server, document):
    with httpx.Client(base_url=logged_server.url, headers=AUTH, timeout=60) as client:
        for route in data_routes(document):
            kwargs = request_for(document, route, UNKNOWN_CLIENT)
            if "{client_id}" not in route.path and "client_id" not in kwargs.get("json", {}):
                continue
            if route.path in NOT_A_CLIENT_LOOKUP:
                continue
            response = client.request(route.method, route.url_path(UNKNOWN_CLIENT), **kwargs)
            assert response.status_code == 404, f"{route}: {response.text}"
            assert response.json() == {"error": f"client_id {UNKNOWN_CLIENT} is not a known client"}


def test_health_routes_are_open_and_hold_no_client_data(logged_server, known_client):
    for path in sorted(HEALTH - {"/metrics"}):
        response = httpx.get(f"{logged_server.url}{path}", timeout=60)
        assert response.status_code == 200, path
        assert len(response.content) < 100 and str(known_client) not in response.text


def test_the_open_metrics_hold_no_client_id(logged_server, document, resilience_report):
    with httpx.Client(base_url=logged_server.url, headers=AUTH, timeout=60) as client:
        for route in data_routes(document):
            client.request(
                route.method,
                route.url_path(UNKNOWN_CLIENT),
                **request_for(document, route, UNKNOWN_CLIENT),
            )
    metrics = httpx.get(f"{logged_server.url}/metrics", timeout=60)
    assert metrics.status_code == 200 and "credit_decisions_total" in metrics.text
    leaked = metrics.text.count(str(UNKNOWN_CLIENT))
    resilience_report.add(
        "security", "no client id in /metrics", f"{leaked} lines name the client", not leaked
    )
    assert not leaked


def test_the_token_is_compared_in_constant_time(monkeypatch):
    """Only ``compare_digest`` (constant time, on bytes) decides: when it says no, even the
    right token is refused. A timing measurement would be flaky; the mechanism is not."""
    settings = load_settings(api_token=TOKEN, api_auth="enabled")
    compared: list[tuple[Any, Any]] = []

    def refuse(a: Any, b: Any) -> bool:
        compared.append((a, b))
        return False

    original = hmac.compare_digest
    assert secrets.compare_digest is original
    monkeypatch.setattr(hmac, "compare_digest", refuse)
    for name, value in vars(auth).items():
        if value is original:
            monkeypatch.setattr(auth, name, refuse)
    reached, sent = [], []

    async def app(scope, receive, send) -> None:
        reached.append(scope["path"])

    async def send(message) -> None:
        sent.append(message)

    header = AUTH["Authorization"].encode()
    scope = {"type": "http", "path": "/predict", "headers": [(b"authorization", header)]}
    asyncio.run(auth.BearerTokenMiddleware(app, settings)(scope, None, send))
    assert compared == [(header, header)]
    assert all(isinstance(value, bytes) for value in compared[0])
    assert not reached and sent[0]["status"] == 401


def _logged_requests(url: str, known_client: int) -> None:
    """Requests carrying the token, a wrong token and distinctive personal values, several
    of them bad enough for the error to quote the value."""
    application = {**APPLICATION, "SK_ID_CURR": UNKNOWN_CLIENT, "AMT_INCOME_TOTAL": INCOME}
    cut_short = json.dumps({"application": application})[:-3]
    wrong = {"Authorization": f"Bearer {WRONG_TOKEN}"}

    def apply(**changes: Any) -> dict[str, Any]:
        return {"json": {"application": {**application, **changes}}}

    calls = [
        ("POST", "/predict", apply(), AUTH, 200),
        ("POST", "/explain", apply(), AUTH, 200),
        ("POST", "/predict_batch", {"json": {"applications": [apply()["json"]]}}, AUTH, 200),
        ("POST", "/predict", apply(), wrong, 401),
        ("POST", "/predict", apply(AMT_INCOME_TOTAL=f"{INCOME}x"), AUTH, 400),
        ("POST", "/predict", apply(AMT_CREDIT=-INCOME), AUTH, 400),
        ("POST", "/predict", {"content": cut_short}, AUTH, 400),
        ("POST", "/predict", {"json": {"client_id": UNKNOWN_CLIENT}}, AUTH, 404),
        ("POST", "/clients", {"json": {"client_id": UNKNOWN_CLIENT}}, AUTH, 404),
        ("POST", "/clients", {"json": {"client_id": f"{UNKNOWN_CLIENT}x"}}, AUTH, 400),
        ("POST", "/clients", {"json": {"client_id": known_client}}, AUTH, 200),
        ("GET", f"/model?client_id={UNKNOWN_CLIENT}&token={TOKEN}", {}, AUTH, 200),
    ]
    with httpx.Client(base_url=url, timeout=60) as client:
        for method, path, kwargs, headers, status in calls:
            headers = {**headers, "Content-Type": "application/json"}
            response = client.request(method, path, headers=headers, **kwargs)
            assert response.status_code == status, f"{method} {path}: {response.text}"


def test_no_token_or_personal_data_in_the_logs(
    logged_server, known_client, bentoml_home, resilience_report
):
    _logged_requests(logged_server.url, known_client)
    httpx.get(f"{logged_server.url}/livez", timeout=60)
    logs = {logged_server.log: logged_server.log.read_text(errors="replace")}
    logs.update({path: path.read_text(errors="replace") for path in bentoml_home.rglob("*.log")})
    text = "\n".join(logs.values())
    assert "status=401" in text and "status=404" in text, "the capture missed the requests"
    secrets_found = {
        name: value
        for name, value in {
            "token": TOKEN,
            "wrong token": WRONG_TOKEN,
            "client id": str(UNKNOWN_CLIENT),
            "income": str(INCOME),
        }.items()
        if value in text
    }
    if re.search(rf"\b{known_client}\b", text):
        secrets_found["known client id"] = str(known_client)
    resilience_report.add(
        "security",
        "no token or personal data in the logs",
        f"{len(text.splitlines())} log lines in {len(logs)} files; found: "
        f"{', '.join(secrets_found) or 'nothing'}",
        not secrets_found,
    )
    assert not secrets_found, f"written to the logs: {secrets_found}"
    # Left out, not dropped: the lookups and the rejected inputs are still on record.
    assert "method=POST,path=/clients," in text
    assert "Invalid input rejected on /clients [POST]: client_id" in text
    assert "Invalid input rejected on /predict [POST]: application.AMT_INCOME_TOTAL" in text
