"""The API page at ``/``, through BentoML's ASGI app: it names the product and the served
model, explains the token, loads only this host's files, and each of its examples works on a
portfolio generated like the demo's (in a browser: ``tests/browser/test_api_page.py``)."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from scoring.serving import api_page
from scoring.serving.auth import PUBLIC_PATHS
from scoring.serving.schemas import DEMO_CLIENT_ID
from tests.support.serving import AUTH
from training.synth import generate_dataset

MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"


class Links(HTMLParser):
    """Every URL the page's markup makes the browser load."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def test_the_page_names_the_product_the_model_and_the_token(asgi_client: TestClient) -> None:
    response = asgi_client.get("/")  # no token
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    tag = asgi_client.get("/model", headers=AUTH).json()["tag"]
    assert "<h1>Prêt à dépenser — credit scoring API</h1>" in page
    assert f'<code id="model-version">{tag}</code>' in page
    assert asgi_client.get("/docs.json").json()["info"]["version"] == tag
    assert "Authorization: Bearer &lt;token&gt;" in page and "CREDIT_API_TOKEN" in page
    assert "TOKEN=$(grep CREDIT_API_TOKEN .env | cut -d= -f2)" in page
    for path in PUBLIC_PATHS - {"/"}:
        assert f"<code>{path}</code>" in page
    for word in ("googletagmanager", "Slack", "twitter", "None"):
        assert word not in page


def test_the_page_loads_only_files_of_this_host(asgi_client: TestClient) -> None:
    response = asgi_client.get("/")
    links = Links()
    links.feed(response.text)
    assert links.urls, "the page loads Swagger UI"
    for url in links.urls:
        assert url.startswith("./") and "//" not in url, url
        assert asgi_client.get(url.removeprefix(".")).status_code == 200, url
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["content-security-policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    for sources in policy.values():
        assert re.fullmatch(r"('self'|'none'|'sha256-[A-Za-z0-9+/=]+'|data:| )+", sources), sources


@pytest.mark.parametrize("example", api_page.EXAMPLES, ids=lambda e: f"{e.method} {e.path}")
def test_each_example_of_the_page_works(asgi_client: TestClient, example: api_page.Example) -> None:
    """On the test portfolio, generated like the demo's: its ids start at 100002 too."""
    page = asgi_client.get("/").text
    assert f"curl -X {example.method} http://testserver{example.path}" in page
    if example.body is not None:
        assert html.escape(f"-d '{json.dumps(example.body)}'") in page
    response = asgi_client.request(example.method, example.path, json=example.body, headers=AUTH)
    assert response.status_code in (200, 201), response.text  # 201: a decision recorded


@pytest.mark.slow
def test_the_demo_portfolio_holds_the_example_client() -> None:
    """`make demo` generates CLIENTS clients with SEED (the Makefile's defaults) into the
    portfolio: the client of every example, and of the schema's, must be one of them."""
    defaults = dict(re.findall(r"^(CLIENTS|SEED) \?= (\d+)$", MAKEFILE.read_text(), re.M))
    tables = generate_dataset(int(defaults["CLIENTS"]), seed=int(defaults["SEED"]))
    clients = {
        int(client)
        for name in ("application_train", "application_test")
        for client in tables[name]["SK_ID_CURR"]
    }
    assert DEMO_CLIENT_ID in clients
