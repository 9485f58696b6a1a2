"""The supervisors' Monitoring view in a real browser, against a real scoring service.

A real `bentoml serve` (the ``server`` fixture of ``tests/conftest.py``), which counts real
applications every 0.2 s (``CREDIT_MONITOR_FLUSH_SECONDS`` of its ``service_env``), and the
dashboard as `python -m dashboard`. Sixty applications of the portfolio are scored through
the API as real ones (purpose ``application``), their incomes sent ten times too large, as
an upstream unit bug would: the income drifts; a few are decided, as the model recommends.
A supervisor signs in, opens "Monitoring", and reads the status sentence and the features
that moved most, in English then in French.

Screenshots land in /tmp/dashboard-monitoring.png and /tmp/dashboard-monitoring-fr.png for a
person to look at; the assertions never depend on them. Panel draws in shadow DOM: text is
read through locators, which pierce it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from dashboard.monitoring import today
from dashboard.monitoring_summary import status_text
from dashboard.wording import word
from devtools.servers import free_port, start_dashboard, stop, wait_ready
from scoring.records.database import RecordsDatabase
from scoring.records.users import Users
from scoring.wording import Language
from tests.support.browser import NEEDS_CHROMIUM, WAIT_MS
from tests.support.serving import AUTH, TOKEN

pytestmark = NEEDS_CHROMIUM
SUPERVISOR, PASSWORD = "ines", "monitoring-test-password"  # a name French and English share
SCREENSHOTS = {
    "en": Path("/tmp/dashboard-monitoring.png"),
    "fr": Path("/tmp/dashboard-monitoring-fr.png"),
}
APPLICATIONS = 60
DECIDED = 12  # of them, decided as the model recommends
INCOME_UNIT = 10  # incomes sent ten times too large, as an upstream unit bug would
COUNTED_WITHIN_S = 20.0
BUSY = "#busy-container .loader.spin"  # the template's indicator spins while the server works
SETTLE_MS = 1_500
HEIGHT = 3400  # the whole view in one screenshot (the template scrolls inside)


@pytest.fixture(scope="module")
def supervisor(server, service_env) -> str:
    """A supervisor of the service's records, who signs in."""
    users = Users(RecordsDatabase(service_env["CREDIT_AUDIT_DB_URL"]))
    if SUPERVISOR not in {user.username for user in users.list()}:
        users.add(SUPERVISOR, "supervisor", PASSWORD)
    return SUPERVISOR


@pytest.fixture(scope="module")
def dashboard(server, supervisor) -> Iterator[str]:
    """`python -m dashboard` on a free port (no snapshot: the peer tab is not opened)."""
    port = free_port()
    env = {
        **os.environ, "CREDIT_API_URL": server, "CREDIT_API_TOKEN": TOKEN,
        "DASHBOARD_PORT": str(port),
    }  # fmt: skip
    process = start_dashboard(env, port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process, timeout=60.0, path="/login")
        yield url
    finally:
        stop(process)


def _last_30_days(api: httpx.Client) -> dict:
    """The document the view asks for when it opens: the last 30 days, today included."""
    body = {
        "since": (today() - timedelta(days=29)).isoformat(),
        "until": (today() + timedelta(days=1)).isoformat(),
    }
    answer = api.post("/monitoring", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.fixture(scope="module")
def drifted(server, model_dataset) -> dict:
    """Applications of the portfolio scored as real ones, incomes in the wrong unit, once the
    service has counted them: the document of the last 30 days."""
    ids = model_dataset["application_train"]["SK_ID_CURR"].iloc[-APPLICATIONS:]
    with httpx.Client(base_url=server, headers=AUTH, timeout=60) as api:
        before = _last_30_days(api)["applications"]
        items = []
        for client_id in ids:
            known = api.post("/clients", json={"client_id": int(client_id)}).json()
            application = dict(known["application"])
            application["AMT_INCOME_TOTAL"] = application["AMT_INCOME_TOTAL"] * INCOME_UNIT
            items.append({"application": application, "history": known["history"]})
        body = {"applications": items, "purpose": "application"}
        answer = api.post("/predict_batch", json=body)
        assert answer.status_code == 200, answer.text
        _decide(api, [int(i) for i in ids[:DECIDED]])
        deadline = time.monotonic() + COUNTED_WITHIN_S
        while (document := _last_30_days(api))["applications"] < before + APPLICATIONS:
            assert time.monotonic() < deadline, "the service did not write its drift counts"
            time.sleep(0.2)
    return document


def _decide(api: httpx.Client, client_ids: list[int]) -> None:
    """Decisions that follow the model (none close to the limit), so the month has its
    approval rate and the default rate the model expects; no repayment is known yet."""
    for client_id in client_ids:
        body = {"client_id": client_id, "purpose": "view"}
        recommendation = api.post("/predict", json=body).json()["recommendation"]
        if recommendation == "review":
            continue
        decision = {"client_id": client_id, "final_decision": recommendation,
                    "idempotency_key": f"monitoring-test:{client_id}"}  # fmt: skip
        answer = api.post("/decisions", json=decision)
        assert answer.status_code in (200, 201), answer.text


def _shot(page: Page, language: Language) -> None:
    expect(page.locator(BUSY)).to_have_count(0, timeout=WAIT_MS)
    page.wait_for_timeout(SETTLE_MS)  # Bokeh draws the figures
    page.screenshot(path=SCREENSHOTS[language])


def _reads_monitoring(page: Page, document: dict, language: Language) -> None:
    """The status sentence, and the table of the ten features that moved most."""
    expect(page.get_by_text(status_text(document, language))).to_be_visible(timeout=WAIT_MS)
    table = page.locator("table", has_text=word("mon_col_weight", language))
    expect(table).to_be_visible(timeout=WAIT_MS)
    expect(table.locator("tbody tr")).to_have_count(10)
    # The service's records are shared by the session's tests, so the most drifted feature
    # is the one the service names, in the reader's language.
    first = document["features"][0][f"label_{language}"]
    expect(table.locator("tbody th", has_text=first).first).to_be_visible()
    expect(page.get_by_text(word("mon_drift_title", language), exact=True)).to_be_visible()


def test_a_supervisor_reads_the_monitoring_in_english_and_french(
    dashboard, drifted, browser
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": HEIGHT})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{dashboard}/?lang=en")
    page.fill("input[name=username]", SUPERVISOR)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    who = word("signed_in", "en", user=SUPERVISOR, role=word("role_supervisor", "en"))
    expect(page.get_by_text(f"{who} · {word('logout', 'en')}")).to_be_visible(timeout=WAIT_MS)
    assert drifted["status"] == "act"  # the income, sent ten times too large

    page.locator(".bk-tab", has_text=word("tab_monitoring", "en")).click()
    _reads_monitoring(page, drifted, "en")
    _shot(page, "en")

    page.get_by_text("Français", exact=True).click()
    tab = page.locator(".bk-tab", has_text=word("tab_monitoring", "fr"))
    expect(tab).to_be_visible(timeout=WAIT_MS)
    tab.click()  # the tabs are redrawn in the new language
    _reads_monitoring(page, drifted, "fr")
    _shot(page, "fr")
    assert not errors, errors
