"""The dashboard in a real browser, against a real scoring service.

A real `bentoml serve` (the ``server`` fixture of ``tests/conftest.py``: trained model,
portfolio, audit trail), the dashboard as `python -m dashboard` behind its login, with a
portfolio snapshot written from the same data, and Debian's chromium driven by Playwright. The
advisor's path: log in, open a client by link, read the decision and its reasons, switch to
French, compare with other clients, and re-score a what-if. Screenshots of each step go to
``tests/dashboard/artifacts/`` (git-ignored) for a human to look at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from devtools.servers import free_port, start_dashboard, stop, wait_ready
from scoring.wording.formats import percent
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
    """A screenshot for people to look at; the assertions never depend on it."""
    ARTIFACTS.mkdir(exist_ok=True)
    expect(page.locator(BUSY)).to_have_count(0, timeout=WAIT_MS)
    page.wait_for_timeout(SETTLE_MS)  # Bokeh lays out and draws once the server is idle
    page.screenshot(path=ARTIFACTS / f"{name}.png")  # the template scrolls inside: no full_page


def test_advisor_path_in_a_browser(dashboard, server, browser, model_dataset) -> None:
    client_id = int(model_dataset["application_train"]["SK_ID_CURR"].iloc[0])
    expected = httpx.post(
        f"{server}/explain", json={"client_id": client_id}, headers=AUTH, timeout=30
    ).json()
    page = browser.new_page(viewport={"width": 1400, "height": 1400})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # A deep link asks for the login first, then opens on the client.
    page.goto(f"{dashboard}/?client={client_id}")
    page.fill("input[name=username]", USER)
    page.fill("input[name=password]", PASSWORD)
    _shot(page, "01-login")
    page.click("button[type=submit], input[type=submit]")
    expect(page.get_by_text(f"Decision for client {client_id}")).to_be_visible(timeout=WAIT_MS)

    # The probability and decision the API gives, and its reasons.
    verb = "granted" if expected["decision"] == "granted" else "refused"
    verdict = page.get_by_text(f"The application would be {verb}: estimated risk")
    expect(verdict).to_contain_text(percent(expected["probability"], "en"), timeout=WAIT_MS)
    expect(page.get_by_text("What raises the risk")).to_be_visible()
    reason = expected["reasons"]["towards_refusal"][0]["text"]
    expect(page.get_by_text(reason)).to_be_visible()
    _shot(page, "02-decision")

    # Peers: the client ranked within the portfolio snapshot.
    page.get_by_text("Compared with other clients", exact=True).click()
    ranked = re.compile(r"^Higher than \d+% .+ clients with a known value\)\.$")
    expect(page.get_by_text(ranked).first).to_be_visible(timeout=WAIT_MS)
    _shot(page, "03-peers")

    # French: the decision and the comparison follow.
    page.get_by_text("Français", exact=True).click()
    expect(page.get_by_text(f"Décision pour le client {client_id}")).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text("La demande serait").first).to_be_visible(timeout=WAIT_MS)
    ranked = re.compile(r"^Supérieur à \d+\u202f% .+ clients de valeur connue\)\.$")
    expect(page.get_by_text(ranked).first).to_be_visible(timeout=WAIT_MS)
    _shot(page, "04-french")

    # What-if: three times the credit, re-scored through the API, gives a new risk.
    page.get_by_text("Et si la demande changeait ?", exact=True).click()
    credit = page.get_by_label("Montant du crédit")
    expect(credit).to_be_visible(timeout=WAIT_MS)
    requested = model_dataset["application_train"]["AMT_CREDIT"].iloc[0]
    credit.fill(str(round(3 * requested)))
    credit.press("Enter")
    page.get_by_role("button", name="Recalculer").click()
    change = page.get_by_text(re.compile(r"^Risque estimé : .+ → .+"))
    expect(change).to_be_visible(timeout=WAIT_MS)
    before, after = re.match(r"Risque estimé : (.+) → (.+) \(", change.inner_text()).groups()
    assert before == percent(expected["probability"], "fr")
    assert after != before
    _shot(page, "05-whatif")
    assert not errors, errors
