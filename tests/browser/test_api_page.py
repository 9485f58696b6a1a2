"""The API page in a real browser, served by a real `bentoml serve`: no request leaves for
another host, and a new user reads the product and the model, authorises with the token and
tries the ``/clients`` example of Swagger UI.

The ``server`` fixture of ``tests/conftest.py`` (trained model, portfolio, audit trail), and
Debian's chromium driven by Playwright. Every request the page makes is recorded, from its
load to the example's answer: one to any host but the service's fails the test, and so does
one the page's Content-Security-Policy had to block (a console error).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from scoring.serving.schemas import DEMO_CLIENT_ID
from tests.support.browser import NEEDS_CHROMIUM, WAIT_MS
from tests.support.serving import AUTH, TOKEN

pytestmark = NEEDS_CHROMIUM


class Recorded:
    """Every URL a page requested, and the errors its console reported."""

    def __init__(self, page: Page) -> None:
        self.urls: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.urls.append(request.url))
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def hosts(self) -> set[str]:
        return {urlsplit(url).netloc for url in self.urls if not url.startswith("data:")}


def test_the_api_page_asks_nothing_of_another_host(server: str, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    recorded = Recorded(page)
    page.goto(f"{server}/", wait_until="networkidle")
    operations = page.locator("#swagger-ui .opblock")
    expect(operations.first).to_be_visible(timeout=WAIT_MS)  # Swagger UI read /docs.json
    documented = httpx.get(f"{server}/docs.json", timeout=30).json()["paths"]
    expect(operations).to_have_count(sum(len(methods) for methods in documented.values()))
    page.wait_for_load_state("networkidle")
    assert f"{server}/docs.json" in recorded.urls
    assert recorded.hosts() == {urlsplit(server).netloc}, recorded.urls
    assert not recorded.errors


def test_a_new_user_authorises_and_tries_the_client_example(server: str, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    recorded = Recorded(page)
    page.goto(f"{server}/", wait_until="networkidle")
    tag = httpx.get(f"{server}/model", headers=AUTH, timeout=30).json()["tag"]
    expect(page.locator("h1")).to_have_text("Prêt à dépenser — credit scoring API")
    expect(page.locator("#model-version")).to_have_text(tag)
    expect(
        page.get_by_text("Every route needs the header Authorization: Bearer <token>")
    ).to_be_visible()

    page.locator("#swagger-ui button.authorize").first.click()
    page.locator(".auth-container input").fill(TOKEN)
    page.locator(".auth-btn-wrapper button.authorize").click()
    page.locator(".auth-btn-wrapper button.btn-done").click()
    operation = page.locator(".opblock-post", has_text="/clients")
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    expect(operation.locator("textarea.body-param__text")).to_contain_text(str(DEMO_CLIENT_ID))
    operation.locator("button.execute").click()
    status = operation.locator(".live-responses-table tbody .response-col_status").first
    expect(status).to_have_text("200", timeout=WAIT_MS)
    expect(operation.locator(".live-responses-table")).to_contain_text(
        f'"client_id": {DEMO_CLIENT_ID}'
    )
    assert f"{server}/clients" in recorded.urls
    assert recorded.hosts() == {urlsplit(server).netloc}, recorded.urls
    assert not recorded.errors
