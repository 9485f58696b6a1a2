"""The dashboard in a real browser, against a real scoring service.

A real `bentoml serve` (the ``server`` fixture of ``tests/conftest.py``: trained model,
portfolio, audit trail), the dashboard as `python -m dashboard` behind its login, with a
portfolio snapshot written from the same data, and Debian's chromium driven by Playwright.
The advisor's path, in English and French, on a wide (1280 px) and a narrow (820 px)
screen: log in, choose a client, read the decision and its reasons, compare with other
clients, and try a what-if typed the way the advisor writes numbers. Every request the page
makes is recorded: none may leave for a host other than the dashboard's or the API's.
Screenshots of each step go to ``tests/dashboard/artifacts/`` (git-ignored) for a person
to look at; the assertions never depend on them. Panel draws in shadow DOM: text is read
through locators, which pierce it.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from dashboard.formatting import verdict
from dashboard.peer_wording import peer_word
from dashboard.wording import word
from devtools.servers import free_port, start_dashboard, stop, wait_ready
from tests.support.serving import AUTH, TOKEN
from training.snapshot import write_snapshot

CHROMIUM = Path("/usr/bin/chromium")
# Skipped before any fixture starts a server when there is no browser to drive.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.is_file(),
        reason=f"no chromium at {CHROMIUM}: apt-get install chromium (.ci/run does)",
    ),
]
LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ARTIFACTS = Path(__file__).parents[1] / "dashboard" / "artifacts"  # git-ignored
USER, PASSWORD = "advisor", "browser-test-password"
WAIT_MS = 60_000  # two busy cores: the first render of a session can take seconds
SETTLE_MS = 1_000
BUSY = "#busy-container .loader.spin"  # the template's indicator spins while the server works
HEIGHT = 2000  # tall enough for a whole tab in one screenshot (the template scrolls inside)
# Amounts as each language writes them; French with a no-break space, as a keyboard may.
TYPED = {"en": ("1,500,000", "100000,50"), "fr": ("1\u00a0500\u00a0000", "100.000,50")}


@pytest.fixture(scope="module")
def dashboard(server, credit_model, model_dataset, tmp_path_factory) -> Iterator[str]:
    """`python -m dashboard` on a free port; its whole process group is killed afterwards."""
    snapshot = tmp_path_factory.mktemp("dashboard") / "portfolio_snapshot.parquet"
    write_snapshot(model_dataset, credit_model, snapshot)
    port = free_port()
    env = {
        **os.environ,
        "CREDIT_API_URL": server,
        "CREDIT_API_TOKEN": TOKEN,
        "DASHBOARD_PORT": str(port),
        "DASHBOARD_USER": USER,
        "DASHBOARD_PASSWORD": PASSWORD,
        "CREDIT_SNAPSHOT_PATH": str(snapshot),
    }
    process = start_dashboard(env, port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process, timeout=60.0, path="/login")
        yield url
    finally:
        stop(process)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium (never a downloaded one)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


def _shot(page: Page, name: str) -> None:
    """A screenshot for people to look at, once the server is idle and Bokeh has drawn."""
    ARTIFACTS.mkdir(exist_ok=True)
    expect(page.locator(BUSY)).to_have_count(0, timeout=WAIT_MS)
    page.wait_for_timeout(SETTLE_MS)
    page.screenshot(path=ARTIFACTS / f"{name}.png")


def _host(url: str) -> str:
    """Where a request goes; data: and blob: URLs never leave the browser."""
    parts = urlsplit(url)
    return "" if parts.scheme in ("data", "blob") else parts.netloc


def _log_in(page: Page, url: str, language: str, shot: str) -> None:
    page.goto(f"{url}/?lang={language}")
    expect(page.get_by_role("heading", name="Prêt à dépenser")).to_be_visible()
    expect(page.get_by_role("button", name="Se connecter / Log in")).to_be_visible()
    page.fill("input[name=username]", USER)
    page.fill("input[name=password]", PASSWORD)
    _shot(page, f"{shot}-login")
    page.click("button[type=submit]")


def _open_tab(page: Page, key: str, language: str) -> None:
    page.locator(".bk-tab", has_text=word(key, language)).click()


def _whatif(page: Page, language: str, shot: str) -> None:
    """Amounts in the language's notation; a wrong one said beside its field; the answers."""
    _open_tab(page, "tab_whatif", language)
    credit = page.get_by_label(word("amount_label", language, label=_credit(language),
                                    currency="€"))  # fmt: skip
    expect(credit).to_be_visible(timeout=WAIT_MS)
    amount, unreadable = TYPED[language]
    credit.fill(amount)
    credit.press("Enter")
    expect(credit).to_have_value(re.compile(r"^1.500.000$"), timeout=WAIT_MS)  # read, not reverted
    term = page.get_by_label(word("term_label", language))
    term.fill(unreadable)
    term.press("Enter")
    said = word("not_a_number", language, text=unreadable, example=word("example_term", language))
    expect(page.get_by_text(f"⚠ {said}")).to_be_visible(timeout=WAIT_MS)
    expect(term).to_have_value(unreadable)  # the typing stays, to be corrected
    page.get_by_role("button", name=word("rescore", language)).click()
    risk_row = page.locator("tr", has_text=word("risk_row", language))
    expect(risk_row).to_contain_text("points", timeout=WAIT_MS)
    expect(page.locator("td", has_text=re.compile(r"^1.500.000.€$"))).to_be_visible()
    page.get_by_role("button", name=word("largest", language)).click()
    largest = page.locator(".alert-primary")
    expect(largest).to_contain_text("€", timeout=WAIT_MS)
    _shot(page, f"{shot}-whatif")
    term.fill("24")
    term.press("Enter")  # edited again: the answers were for the amounts before
    expect(largest).to_have_count(0, timeout=WAIT_MS)
    expect(risk_row).to_have_count(0)


def _credit(language: str) -> str:
    return "Credit amount" if language == "en" else "Montant du crédit"


@pytest.mark.parametrize(
    ("language", "width"), [("en", 1280), ("fr", 820), ("fr", 1280), ("en", 820)]
)
def test_advisor_path_in_a_browser(
    dashboard, server, browser, model_dataset, language: str, width: int
) -> None:
    client_id = int(model_dataset["application_train"]["SK_ID_CURR"].iloc[0])
    expected = httpx.post(
        f"{server}/explain", json={"client_id": client_id, "language": language},
        headers=AUTH, timeout=30,
    ).json()  # fmt: skip
    page = browser.new_page(viewport={"width": width, "height": HEIGHT})
    hosts, errors, shot = set(), [], f"{language}-{width}"
    page.on("request", lambda request: hosts.add(_host(request.url)))
    page.on("websocket", lambda socket: hosts.add(_host(socket.url)))
    page.on("pageerror", lambda error: errors.append(str(error)))

    # Logged in without a client: the page asks for one, once.
    _log_in(page, dashboard, language, shot)
    expect(page.get_by_text(word("choose", language))).to_have_count(1, timeout=WAIT_MS)

    # A client chosen by ID: the API's decision and its reasons, titled for the decision.
    search = page.get_by_placeholder(word("search_hint", language))
    search.fill(str(client_id))
    search.press("Enter")
    title = word("decision_title", language, client_id=client_id)
    expect(page.get_by_text(title)).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text(word("choose", language))).to_have_count(0)
    sentence = verdict(
        expected["decision"], expected["probability"], expected["threshold"], language
    )
    expect(page.get_by_text(sentence)).to_be_visible()
    reasons = page.get_by_text(word(f"reasons_{expected['decision']}", language), exact=True)
    expect(reasons).to_be_visible()
    expect(page.get_by_text(expected["reasons"][0]["text"])).to_be_visible()
    expect(page.locator("th", has_text=word("group", language))).to_be_visible()
    for tab in ("tab_why", "tab_profile", "tab_peers", "tab_whatif"):  # none is cut off
        box = page.locator(".bk-tab", has_text=word(tab, language)).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, tab
    _shot(page, f"{shot}-why")

    _open_tab(page, "tab_profile", language)
    expect(page.get_by_text(word("identity", language), exact=True)).to_be_visible()
    _shot(page, f"{shot}-profile")

    # Peers: the client ranked within the portfolio snapshot, timed on the first opening.
    started = time.perf_counter()
    _open_tab(page, "tab_peers", language)
    of_similar = peer_word("of_similar", language)
    expect(page.get_by_text(of_similar, exact=False).first).to_be_visible(timeout=WAIT_MS)
    scatter = peer_word("scatter", language, value="")[:30]
    expect(page.get_by_text(scatter, exact=False)).to_be_visible(timeout=WAIT_MS)
    expect(page.locator(BUSY)).to_have_count(0, timeout=WAIT_MS)
    first_peers = time.perf_counter() - started
    _shot(page, f"{shot}-peers")

    _whatif(page, language, shot)
    assert not errors, errors
    hosts.discard("")  # data: and blob: URLs
    allowed = {_host(dashboard), _host(server)}
    assert hosts and hosts <= allowed, f"requests left for {sorted(hosts - allowed)}"
    _record(shot, {"peers_tab_first_open_s": round(first_peers, 2), "hosts": sorted(hosts)})


def _record(name: str, values: dict) -> None:
    """What the run measured, beside its screenshots."""
    path = ARTIFACTS / "timings.json"
    runs = json.loads(path.read_text()) if path.is_file() else {}
    path.write_text(json.dumps({**runs, name: values}, indent=1))


def test_the_language_switch_redraws_the_page_in_french(dashboard, browser, model_dataset):
    client_id = int(model_dataset["application_train"]["SK_ID_CURR"].iloc[1])
    page = browser.new_page(viewport={"width": 1280, "height": HEIGHT})
    page.goto(f"{dashboard}/?client={client_id}")
    page.fill("input[name=username]", USER)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_text(f"Decision for client {client_id}")).to_be_visible(timeout=WAIT_MS)
    page.get_by_text("Français", exact=True).click()
    expect(page.get_by_text(f"Décision pour le client {client_id}")).to_be_visible(timeout=WAIT_MS)
    why = page.get_by_role("heading", name=re.compile(f"^{word('why_title', 'fr')}"))
    expect(why).to_be_visible(timeout=WAIT_MS)
    expect(page.locator(".bk-tab", has_text="Pourquoi")).to_be_visible()
    _shot(page, "switched-to-fr-1280")
