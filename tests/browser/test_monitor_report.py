"""The monitor's report in a real browser, opened from a file as an operator would: the
summary table shows at once, a feature opens on a click and draws its chart, the summary's
link opens the feature it names, and the page asks nothing of any host.

Screenshots land in /tmp/monitor-report.png and /tmp/monitor-report-fr.png for a person to
look at. Debian's chromium driven by Playwright (tests/browser/conftest.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from scoring.wording import LANGUAGES
from tests.support.browser import NEEDS_CHROMIUM, WAIT_MS
from tests.support.monitor_documents import monitor_document
from training.monitoring.html import render_report

pytestmark = NEEDS_CHROMIUM
SCREENSHOTS = {"en": Path("/tmp/monitor-report.png"), "fr": Path("/tmp/monitor-report-fr.png")}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same period's report in English and in French, as files."""
    document = monitor_document()
    folder = tmp_path_factory.mktemp("monitor")
    paths: dict[str, Path] = {}
    for language in LANGUAGES:
        paths[language] = folder / f"report-{language}.html"
        paths[language].write_text(render_report(document, language), encoding="utf-8")
    return paths


def _open(browser: Browser, path: Path) -> tuple[Page, list[str]]:
    """The page, and every request it made to anything but its own file, and its errors."""
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    outside: list[str] = []
    page.on(
        "request", lambda r: None if r.url.startswith(("file:", "data:")) else outside.append(r.url)
    )
    page.on("pageerror", lambda error: outside.append(str(error)))
    page.goto(path.as_uri())
    return page, outside


def test_the_summary_shows_and_a_feature_opens_with_its_chart(
    reports: dict[str, Path], browser: Browser
) -> None:
    page, outside = _open(browser, reports["en"])
    expect(page.locator("section.status")).to_contain_text("Action needed", timeout=WAIT_MS)
    summary = page.locator("#top table")
    expect(summary).to_be_visible()
    expect(summary.locator("tbody tr").first).to_contain_text("Client income")
    feature = page.locator("details.feature").first
    chart = feature.locator("svg.chart")
    expect(chart).to_be_hidden()
    feature.locator("summary").click()
    expect(feature).to_have_attribute("open", "")
    expect(chart).to_be_visible()
    assert chart.bounding_box()["height"] > 50  # type: ignore[index]
    page.screenshot(path=str(SCREENSHOTS["en"]), full_page=True)
    assert not outside


def test_a_link_in_the_summary_opens_the_feature_it_names(
    reports: dict[str, Path], browser: Browser
) -> None:
    page, outside = _open(browser, reports["en"])
    link = page.locator("#top td.label a", has_text="Credit amount")
    link.click()
    target = page.locator("details#f-AMT_CREDIT")
    expect(target).to_have_attribute("open", "", timeout=WAIT_MS)
    expect(target.locator("svg.chart")).to_be_in_viewport()
    assert not outside


def test_the_french_report(reports: dict[str, Path], browser: Browser) -> None:
    page, outside = _open(browser, reports["fr"])
    expect(page.locator("h1")).to_have_text("Rapport de suivi du modèle", timeout=WAIT_MS)
    expect(page.locator("#top table")).to_be_visible()
    page.locator("details.feature").first.locator("summary").click()
    expect(page.locator("details.feature").first.locator("svg.chart")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS["fr"]), full_page=True)
    assert not outside
