"""How long a report file takes to open in headless Chromium, until it is rendered.

"Rendered" is the same criterion for every report, whatever draws it (plain HTML and inline
SVG, or a script that builds the page): the page has loaded and its DOM has not changed for
:data:`QUIET_MS`; the time is that of the last change (or of the load event, if later), in the
page's own clock from the start of navigation. Each opening is a new browser context (no
cache), Debian's chromium driven by Playwright, as the dashboard's browser benchmark does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
# No background traffic of the browser's own (updates, sync), which is not the page's.
LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
VIEWPORT = {"width": 1400, "height": 1000}
QUIET_MS = 1_000
TIMEOUT_MS = 600_000
WATCH = """window.__changed = 0;
new MutationObserver(() => { window.__changed = performance.now(); })
  .observe(document, {subtree: true, childList: true, attributes: true, characterData: true});"""
SETTLED = f"""() => document.readyState === "complete"
  && performance.now() - window.__changed > {QUIET_MS}"""
FIGURES = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  return {
    rendered_ms: Math.max(window.__changed, nav.loadEventEnd),
    load_ms: nav.loadEventEnd,
    dom_content_loaded_ms: nav.domContentLoadedEventEnd,
    first_contentful_paint_ms: paint ? paint.startTime : null,
    js_heap_mb: performance.memory ? performance.memory.usedJSHeapSize / 2 ** 20 : null,
    elements: document.getElementsByTagName("*").length,
  };
}"""


def open_report(path: Path, repeats: int, screenshot: Path | None = None) -> list[dict[str, Any]]:
    """The figures of ``repeats`` openings of ``path`` (see :data:`FIGURES`), each in a new
    context; the last one's screenshot to ``screenshot`` when given."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.is_file():
        raise FileNotFoundError(f"no chromium at {CHROMIUM}: apt-get install chromium")
    runs = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            for _ in range(repeats):
                context = browser.new_context(viewport=VIEWPORT)
                context.add_init_script(WATCH)
                page = context.new_page()
                page.goto(path.resolve().as_uri(), wait_until="load", timeout=TIMEOUT_MS)
                page.wait_for_function(SETTLED, polling=100, timeout=TIMEOUT_MS)
                runs.append(page.evaluate(FIGURES))
                if screenshot is not None:
                    page.screenshot(path=str(screenshot))
                context.close()
        finally:
            browser.close()
    return runs
