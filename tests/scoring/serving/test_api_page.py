"""The API page as :func:`api_page.page` renders it: what it says without authentication, and a
Content-Security-Policy that lets exactly its own inline script and style run."""

from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser

from scoring.serving import api_page


class Inline(HTMLParser):
    """The text of each inline ``<script>`` and ``<style>`` of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.open: str | None = None
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style") and not dict(attrs).get("src"):
            self.open = tag
            self.found.append((tag, ""))

    def handle_endtag(self, tag: str) -> None:
        self.open = None

    def handle_data(self, data: str) -> None:
        if self.open:
            tag, text = self.found.pop()
            self.found.append((tag, text + data))


def test_the_policy_lets_exactly_the_pages_inline_script_and_style_run() -> None:
    response = api_page.page("http://localhost:3000/", "credit_scoring:x", True)
    inline = Inline()
    inline.feed(response.body.decode())
    assert sorted(tag for tag, _ in inline.found) == ["script", "style"]
    policy = response.headers["content-security-policy"]
    for tag, text in inline.found:
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"{tag}-src 'self' 'sha256-{digest}'" in policy


def test_without_authentication_the_page_says_so_and_its_commands_send_no_token() -> None:
    page = api_page.page("http://localhost:3000/", "credit_scoring:x", False).body.decode()
    assert "Authentication is <b>disabled</b>" in page and "CREDIT_API_AUTH=disabled" in page
    assert "Bearer $TOKEN" not in page and "Authorize" not in page
    enabled = api_page.page("http://localhost:3000/", "credit_scoring:x", True).body.decode()
    assert enabled.count("Bearer $TOKEN") == len(api_page.EXAMPLES)


def test_a_forged_host_is_not_put_in_a_command() -> None:
    """The base URL comes from the Host header, which the caller writes."""
    page = api_page.page("http://evil.example;touch x/", "credit_scoring:x", True).body.decode()
    assert "evil" not in page
    assert f"curl -X GET {api_page.DEFAULT_URL}/model" in page
    kept = api_page.page("https://scoring.internal:8443/", "credit_scoring:x", True).body.decode()
    assert "curl -X GET https://scoring.internal:8443/model" in kept
