"""The advisor dashboard behind its sign-in, as `python -m dashboard` serves it: pages redirect
to the login and the websocket is refused without the login cookie; a person signs in with
the name and password the API checks in the records' users table. (The browser test signs in
through a real process too, but never checks what happens without it.)"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
import pytest
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from devtools.servers import free_port, start_dashboard, stop, wait_ready
from scoring.records.database import RecordsDatabase
from scoring.records.users import Users
from tests.support.serving import TOKEN

pytestmark = pytest.mark.slow

DASHBOARD_USER, DASHBOARD_PASSWORD = "security-advisor", "security-test-password"


@pytest.fixture(scope="module")
def dashboard(server: str, service_env: dict[str, str]) -> Iterator[str]:
    """`python -m dashboard` behind its sign-in, on the real API, with one advisor."""
    users = Users(RecordsDatabase(service_env["CREDIT_AUDIT_DB_URL"]))
    if DASHBOARD_USER not in {user.username for user in users.list()}:
        users.add(DASHBOARD_USER, "advisor", DASHBOARD_PASSWORD)
    port = free_port()
    env = {
        **os.environ,
        "CREDIT_API_URL": server,
        "CREDIT_API_TOKEN": TOKEN,
        "DASHBOARD_PORT": str(port),
    }
    process = start_dashboard(env, port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process, timeout=120.0, path="/login")
        yield url
    finally:
        stop(process)


async def _open_websocket(url: str, session_token: str, cookie: str | None) -> str:
    """The first message the dashboard's websocket sends, or raises if it is refused."""
    headers = {"Origin": url, **({"Cookie": cookie} if cookie else {})}
    request = HTTPRequest(url.replace("http", "ws", 1) + "/ws", headers=headers)
    connection = await websocket_connect(request, subprotocols=["bokeh", session_token])
    try:
        return await asyncio.wait_for(connection.read_message(), 60) or ""
    finally:
        connection.close()


def test_the_dashboard_needs_a_login(dashboard, resilience_report):
    """Pages redirect to the login, the websocket is refused without the login cookie even
    with a valid session token; the same requests succeed once logged in, and the page never
    carries the API token."""
    with httpx.Client(base_url=dashboard, timeout=120) as anonymous:
        element = {"bokeh-autoload-element": "x", "bokeh-app-path": "/"}
        autoload = "/autoload.js?" + urlencode({**element, "bokeh-absolute-url": dashboard})
        for path in ("/", "/?client=100002", autoload, "/metadata"):
            response = anonymous.get(path)
            assert response.status_code == 302, path
            assert response.headers["location"].lstrip(".").startswith("/login"), path
        wrong = anonymous.post(
            "/login", data={"username": DASHBOARD_USER, "password": DASHBOARD_PASSWORD + "x"}
        )
        assert wrong.status_code == 401 and "user" not in anonymous.cookies
    with httpx.Client(base_url=dashboard, timeout=120) as advisor:
        advisor.post("/login", data={"username": DASHBOARD_USER, "password": DASHBOARD_PASSWORD})
        page = advisor.get("/")
        assert page.status_code == 200 and "Prêt à dépenser" in page.text
        assert TOKEN not in page.text
        session_token = re.search(r'"token":\s*"([^"]+)"', page.text).group(1)
        cookie = "; ".join(f"{name}={value}" for name, value in advisor.cookies.items())
    with pytest.raises(HTTPClientError) as refused:
        asyncio.run(_open_websocket(dashboard, session_token, cookie=None))
    assert refused.value.code == 403
    assert '"ACK"' in asyncio.run(_open_websocket(dashboard, session_token, cookie))
    resilience_report.add(
        "security", "dashboard behind its login", "4 pages -> login, websocket 403", True
    )
