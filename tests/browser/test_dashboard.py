"""The dashboard in a real browser, against a real scoring service.

A real `bentoml serve` (the ``server`` fixture of ``tests/conftest.py``: trained model,
portfolio, records database), the dashboard as `python -m dashboard` with people signing in
through the API (an advisor and a supervisor created in the service's records), a portfolio
snapshot written from the same data, and Debian's chromium driven by Playwright.
The advisor's path, in English and French, on a wide (1280 px) and a narrow (820 px)
screen: sign in, choose a client, read the recommendation and its reasons, compare with
other clients, try a what-if typed the way the advisor writes numbers, and search the
largest amount: the service's records then hold inquiries of purposes view and what-if by
that advisor and not one decision more. Then the advisor records one decision (by a double
click) and exactly one row appears; a refusal's letter downloads. A supervisor opens the
review queue and decides a case close to the limit with a reason. Every request the page
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
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from dashboard.formatting import verdict
from dashboard.peer_wording import peer_word
from dashboard.wording import word
from devtools.servers import free_port, start_dashboard, stop, wait_ready
from scoring.records.database import RecordsDatabase
from scoring.records.tables import DECISIONS, INQUIRIES
from scoring.records.users import Users
from scoring.wording.decisions import OVERRIDE_REASONS, outcome
from tests.support.browser import NEEDS_CHROMIUM, WAIT_MS
from tests.support.serving import AUTH, TOKEN
from training.snapshot import write_snapshot

pytestmark = NEEDS_CHROMIUM
ARTIFACTS = Path(__file__).parents[1] / "dashboard" / "artifacts"  # git-ignored
# The people who sign in, created in the service's records (not "advisor": a username is
# shown as it is, and the French page must show no English word).
ADVISOR, SUPERVISOR, PASSWORD = "lea", "hugo", "browser-test-password"
SETTLE_MS = 1_000
BUSY = "#busy-container .loader.spin"  # the template's indicator spins while the server works
HEIGHT = 2000  # tall enough for a whole tab in one screenshot (the template scrolls inside)
# Amounts as each language writes them; French with a no-break space, as a keyboard may.
TYPED = {"en": ("1,500,000", "100000,50"), "fr": ("1\u00a0500\u00a0000", "100.000,50")}


@pytest.fixture(scope="module")
def records(server, service_env) -> RecordsDatabase:
    """The service's records database, with the test's advisor and supervisor in it."""
    database = RecordsDatabase(service_env["CREDIT_AUDIT_DB_URL"])
    users = Users(database)
    existing = {user.username for user in users.list()}
    for name, role in ((ADVISOR, "advisor"), (SUPERVISOR, "supervisor")):
        if name not in existing:
            users.add(name, role, PASSWORD)
    return database


def _count(database: RecordsDatabase, table, *where) -> int:
    with database.reading() as connection:
        query = select(func.count()).select_from(table).where(*where)
        return int(connection.execute(query).scalar_one())


def _purposes(database: RecordsDatabase, actor: str) -> list[str]:
    query = select(INQUIRIES.c.purpose).where(INQUIRIES.c.actor == actor)
    with database.reading() as connection:
        return [row[0] for row in connection.execute(query)]


@pytest.fixture(scope="module")
def to_decide(server, model_dataset) -> dict[str, list[int]]:
    """Known clients by recommendation (granted, refused, review), none decided yet: each
    test that records a decision takes its own."""
    found: dict[str, list[int]] = {"granted": [], "refused": [], "review": []}
    with httpx.Client(base_url=server, headers=AUTH, timeout=30) as api:
        for client_id in model_dataset["application_train"]["SK_ID_CURR"].iloc[2:600]:
            body = {"client_id": int(client_id), "purpose": "view"}
            recommendation = api.post("/predict", json=body).json()["recommendation"]
            history = api.post("/decisions/history", json={"client_id": int(client_id)}).json()
            if not history["decisions"]:
                found[recommendation].append(int(client_id))
    return found


@pytest.fixture(scope="module")
def dashboard(server, records, credit_model, model_dataset, tmp_path_factory) -> Iterator[str]:
    """`python -m dashboard` on a free port; its whole process group is killed afterwards."""
    snapshot = tmp_path_factory.mktemp("dashboard") / "portfolio_snapshot.parquet"
    write_snapshot(model_dataset, credit_model, snapshot)
    port = free_port()
    env = {
        **os.environ,
        "CREDIT_API_URL": server,
        "CREDIT_API_TOKEN": TOKEN,
        "DASHBOARD_PORT": str(port),
        "CREDIT_SNAPSHOT_PATH": str(snapshot),
    }
    process = start_dashboard(env, port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process, timeout=60.0, path="/login")
        yield url
    finally:
        stop(process)


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


def _log_in(
    page: Page, url: str, language: str, shot: str, user: str = ADVISOR, query: str = ""
) -> None:
    page.goto(f"{url}/?lang={language}{query}")
    expect(page.get_by_role("heading", name="Prêt à dépenser")).to_be_visible()
    expect(page.get_by_role("button", name="Se connecter / Log in")).to_be_visible()
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    if shot:
        _shot(page, f"{shot}-login")
    page.click("button[type=submit]")
    role = word("role_supervisor" if user == SUPERVISOR else "role_advisor", language)
    who = f"{word('signed_in', language, user=user, role=role)} · {word('logout', language)}"
    expect(page.get_by_text(who)).to_be_visible(timeout=WAIT_MS)  # the header names them


def _choose(page: Page, client_id: int, language: str) -> None:
    search = page.get_by_placeholder(word("search_hint", language))
    search.fill(str(client_id))
    search.press("Enter")
    title = word("decision_title", language, client_id=client_id)
    expect(page.get_by_text(title)).to_be_visible(timeout=WAIT_MS)


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


def _watch(page: Page) -> tuple[set[str], list[str]]:
    """The hosts the page sends requests to, and its script errors."""
    hosts: set[str] = set()
    errors: list[str] = []
    page.on("request", lambda request: hosts.add(_host(request.url)))
    page.on("websocket", lambda socket: hosts.add(_host(socket.url)))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return hosts, errors


def _only_our_hosts(hosts: set[str], dashboard: str, server: str) -> list[str]:
    hosts = hosts - {""}  # data: and blob: URLs
    allowed = {_host(dashboard), _host(server)}
    assert hosts and hosts <= allowed, f"requests left for {sorted(hosts - allowed)}"
    return sorted(hosts)


@pytest.mark.parametrize(
    ("language", "width"), [("en", 1280), ("fr", 820), ("fr", 1280), ("en", 820)]
)
def test_advisor_path_in_a_browser(
    dashboard, server, records, to_decide, browser, model_dataset, language: str, width: int
) -> None:
    client_id = int(model_dataset["application_train"]["SK_ID_CURR"].iloc[0])
    expected = httpx.post(
        f"{server}/explain", json={"client_id": client_id, "language": language, "purpose": "view"},
        headers=AUTH, timeout=30,
    ).json()  # fmt: skip
    page = browser.new_page(viewport={"width": width, "height": HEIGHT})
    hosts, errors = _watch(page)
    shot = f"{language}-{width}"
    actor = f"user:{ADVISOR} via token:bootstrap"
    decisions, asked = _count(records, DECISIONS), len(_purposes(records, actor))

    # Signed in without a client: the page asks for one, once.
    _log_in(page, dashboard, language, shot)
    expect(page.get_by_text(word("choose", language))).to_have_count(1, timeout=WAIT_MS)

    # A client chosen by ID: the API's recommendation and its reasons, titled for it.
    _choose(page, client_id, language)
    expect(page.get_by_text(word("choose", language))).to_have_count(0)
    sentence = verdict(
        expected["recommendation"], expected["probability"], expected["threshold"], language,
        expected["review_band"],
    )  # fmt: skip
    expect(page.get_by_text(sentence)).to_be_visible()
    reasons = page.get_by_text(word(f"reasons_{expected['recommendation']}", language), exact=True)
    expect(reasons).to_be_visible()
    expect(page.get_by_text(expected["reasons"][0]["text"])).to_be_visible()
    expect(page.locator("th", has_text=word("group", language))).to_be_visible()
    tabs = ("tab_why", "tab_profile", "tab_peers", "tab_whatif", "tab_history")
    for tab in tabs:  # none is cut off
        box = page.locator(".bk-tab", has_text=word(tab, language)).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, tab
    expect(page.locator(".bk-tab", has_text=word("tab_review", language))).to_have_count(0)
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
    _open_tab(page, "tab_history", language)
    expect(page.get_by_text(word("history_title", language))).to_be_visible(timeout=WAIT_MS)

    # Looking and simulating asked the API for scores, and decided nothing.
    assert _count(records, DECISIONS) == decisions
    purposes = _purposes(records, actor)[asked:]
    assert {"view", "what-if"} == set(purposes), purposes

    # One decision, recorded by a double click: exactly one row; a refusal has its letter.
    recommendation = "refused" if language == "fr" else "granted"
    decided = to_decide[recommendation].pop()
    _choose(page, decided, language)
    accept = page.get_by_role("button", name=word(f"accept_{recommendation}", language))
    accept.dblclick()
    recorded = word("current_decision", language, outcome=_outcome(recommendation, language))
    expect(page.get_by_text(recorded)).to_be_visible(timeout=WAIT_MS)
    expect(accept).to_have_count(0)
    expect(page.locator(BUSY)).to_have_count(0, timeout=WAIT_MS)
    assert _count(records, DECISIONS) == decisions + 1
    assert _count(records, DECISIONS, DECISIONS.c.client_id == decided) == 1
    if recommendation == "refused":
        with page.expect_download(timeout=WAIT_MS) as download:
            page.get_by_text(word("letter", language)).click()
        assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    _shot(page, f"{shot}-decision")
    _open_tab(page, "tab_history", language)
    expect(page.locator("td", has_text=ADVISOR)).to_be_visible(timeout=WAIT_MS)
    _shot(page, f"{shot}-history")

    assert not errors, errors
    allowed = _only_our_hosts(hosts, dashboard, server)
    _record(shot, {"peers_tab_first_open_s": round(first_peers, 2), "hosts": allowed})


def _outcome(final_decision: str, language: str) -> str:
    return outcome(final_decision, language)  # type: ignore[arg-type]


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("fr", 820)])
def test_a_supervisor_decides_a_case_from_the_review_queue(
    dashboard, server, records, to_decide, browser, language: str, width: int
) -> None:
    client_id = to_decide["review"].pop()
    # Scored as a real application by another channel: it waits in the queue.
    body = {"client_id": client_id, "purpose": "application"}
    assert httpx.post(f"{server}/predict", json=body, headers=AUTH).json()["recommendation"] == (
        "review"
    )
    page = browser.new_page(viewport={"width": width, "height": HEIGHT})
    hosts, errors = _watch(page)
    shot = f"{language}-{width}-supervisor"
    decisions = _count(records, DECISIONS)
    _log_in(page, dashboard, language, "", user=SUPERVISOR)
    _open_tab(page, "tab_review", language)
    opener = page.get_by_role("button", name=word("open_client", language, client_id=client_id))
    expect(opener).to_be_visible(timeout=WAIT_MS)
    _shot(page, f"{shot}-review")
    opener.click()
    title = word("decision_title", language, client_id=client_id)
    expect(page.get_by_text(title)).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text(word("decide_review", language), exact=True)).to_be_visible()
    record = page.get_by_role("button", name=word("record", language))
    record.click()  # no decision chosen yet: said, nothing sent
    expect(page.get_by_text(word("needs_final", language))).to_be_visible(timeout=WAIT_MS)
    page.get_by_label(word("final_decision", language)).select_option(label=word("grant", language))
    reason = OVERRIDE_REASONS["guarantee"][language]
    page.get_by_label(word("reason", language)).select_option(label=reason)
    page.get_by_label(word("note", language)).fill(
        "Caution parentale" if language == "fr" else "Parent guarantor"
    )
    _shot(page, f"{shot}-decide")
    record.click()
    recorded = word("current_decision", language, outcome=_outcome("granted", language))
    expect(page.get_by_text(recorded)).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text(word("decision_reason", language, reason=reason))).to_be_visible()
    expect(page.locator(BUSY)).to_have_count(0, timeout=WAIT_MS)
    assert _count(records, DECISIONS) == decisions + 1
    _shot(page, f"{shot}-decided")
    assert not errors, errors
    _only_our_hosts(hosts, dashboard, server)


def test_a_wrong_password_is_refused_with_the_apis_words(dashboard, browser) -> None:
    page = browser.new_page(viewport={"width": 820, "height": 900})
    page.goto(dashboard)
    page.fill("input[name=username]", ADVISOR)
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    expect(page.get_by_text("⚠ Identifiant ou mot de passe incorrect.")).to_be_visible()
    expect(page.get_by_text("Wrong username or password.")).to_be_visible()
    _shot(page, "login-refused-820")


def _record(name: str, values: dict) -> None:
    """What the run measured, beside its screenshots."""
    path = ARTIFACTS / "timings.json"
    runs = json.loads(path.read_text()) if path.is_file() else {}
    path.write_text(json.dumps({**runs, name: values}, indent=1))


def test_the_language_switch_redraws_the_page_in_french(dashboard, browser, model_dataset):
    client_id = int(model_dataset["application_train"]["SK_ID_CURR"].iloc[1])
    page = browser.new_page(viewport={"width": 1280, "height": HEIGHT})
    page.goto(f"{dashboard}/?client={client_id}")
    page.fill("input[name=username]", ADVISOR)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    title = word("decision_title", "en", client_id=client_id)
    expect(page.get_by_text(title)).to_be_visible(timeout=WAIT_MS)
    page.get_by_text("Français", exact=True).click()
    title = word("decision_title", "fr", client_id=client_id)
    expect(page.get_by_text(title)).to_be_visible(timeout=WAIT_MS)
    why = page.get_by_role("heading", name=re.compile(f"^{word('why_title', 'fr')}"))
    expect(why).to_be_visible(timeout=WAIT_MS)
    expect(page.locator(".bk-tab", has_text="Pourquoi")).to_be_visible()
    expect(page.get_by_text(f"{ADVISOR}, conseiller · Se déconnecter")).to_be_visible()
    _shot(page, "switched-to-fr-1280")
