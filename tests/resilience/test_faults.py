"""Faults injected into a real `bentoml serve`: a model-store entry missing or failing its
self-check; the audit database locked or moved away; the API stopped and started again
under the open dashboard. Each test records what it saw in the resilience summary.

Each kind of damage to a model is detected in ``tests/scoring/model/test_scorer.py`` and
turned into "not ready" by the start-up path in ``tests/service/test_faults.py``; here one
damaged entry shows what an operator sees through HTTP, as the dashboard tests show what an
advisor sees.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import bentoml
import httpx
import numpy as np
import pytest

from dashboard.api import CreditApi
from dashboard.decision import DecisionView
from dashboard.store import DashboardStore, fetch_model_info
from dashboard.wording import word
from devtools.servers import free_port, start_service, stop, wait_ready
from scoring.model import store
from scoring.records.database import (
    BUSY_TIMEOUT_SECONDS,
    READINESS_TIMEOUT_SECONDS,
    RecordsDatabase,
)
from scoring.records.inquiries import InquiryLog
from scoring.records.tables import INQUIRIES
from tests.support.dashboard import rendered_text
from tests.support.inputs import APPLICATION
from tests.support.routes import data_routes, request_for
from tests.support.serving import AUTH, TOKEN

pytestmark = pytest.mark.slow

START_TIMEOUT = 180.0  # two busy cores: a worker can take a minute to import and load
SLACK = 10.0  # seconds a busy machine may add to a timeout


@contextmanager
def serving(env: dict[str, str], port: int | None = None, path: str = "/readyz") -> Iterator[str]:
    """A `bentoml serve` answering 200 on ``path``; its process group is killed afterwards."""
    port = port or free_port()
    process = start_service(env, port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process, timeout=START_TIMEOUT, path=path)
        yield url
    finally:
        stop(process)


# --- the model-store entry ------------------------------------------------------------------


def _alter_parity_sample(entry: Path) -> None:
    """The entry loads, but its answers no longer match the stored sample."""
    with np.load(entry / store.PARITY_FILE) as sample:
        values, probabilities = sample["values"], sample["probabilities"]
    np.savez(entry / store.PARITY_FILE, values=values, probabilities=1 - probabilities)


def _store_with_a_copy(model_tag: str, home: Path) -> Path:
    """A throw-away BentoML home holding a copy of the entry; returns the copy's folder."""
    tag = bentoml.models.get(model_tag).tag
    entry = home / "models" / tag.name / tag.version
    shutil.copytree(bentoml.models.get(model_tag).path, entry)
    return entry


def test_a_damaged_model_is_never_served(
    model_tag, service_env, known_client, tmp_path, resilience_report
):
    _alter_parity_sample(_store_with_a_copy(model_tag, tmp_path / "bentoml"))
    env = {**service_env, "BENTOML_HOME": str(tmp_path / "bentoml")}
    started = time.monotonic()
    with serving(env, path="/livez") as url, httpx.Client(base_url=url, timeout=60) as client:
        live_after = time.monotonic() - started
        document = client.get("/docs.json").json()
        readiness = []
        for _ in range(3):
            readiness.append(client.get("/readyz").status_code)
            time.sleep(1)
        answers = {
            route: client.request(
                route.method,
                route.url_path(known_client),
                headers=AUTH,
                **request_for(document, route, known_client),
            )
            for route in data_routes(document)
        }
        alive = client.get("/livez").status_code
    messages = {route: answer.json().get("error", "") for route, answer in answers.items()}
    message = next(iter(messages.values()))
    held = (
        readiness == [503] * 3
        and alive == 200
        and all(answer.status_code == 503 for answer in answers.values())
        and all(m.startswith("service not ready: ") and model_tag in m for m in messages.values())
        and "fails its self-check" in message
        and not any("Traceback" in a.text or 'File "' in a.text for a in answers.values())
    )
    resilience_report.add(
        "faults",
        "model failing its self-check",
        f"live in {live_after:.0f} s, /readyz 503, {len(answers)} routes 503: {message[19:90]}…",
        held,
    )
    assert readiness == [503] * 3 and alive == 200
    for route, answer in answers.items():
        assert answer.status_code == 503, f"{route}: {answer.text}"
        assert messages[route].startswith("service not ready: ") and model_tag in messages[route]
        assert "Traceback" not in answer.text and 'File "' not in answer.text
    assert "fails its self-check" in message, message


def test_a_missing_model_stops_bentoml_serve_with_its_name(service_env, resilience_report):
    """BentoML resolves the models a service declares before it starts any worker, so an
    absent entry stops `bentoml serve` at once with BentoML's message naming the tag; the
    service's own not-ready path (``runtime.load_engine``) only runs in process."""
    tag = "credit_scoring:absentabsent0000"
    started = time.monotonic()
    process = start_service({**service_env, "CREDIT_MODEL_TAG": tag}, free_port())
    try:
        code = process.wait(timeout=START_TIMEOUT)
    except subprocess.TimeoutExpired:
        code = None
    finally:
        stop(process)
    elapsed = time.monotonic() - started
    output = process.stderr.read().decode()
    last = (output.strip().splitlines() or [""])[-1]
    held = code not in (None, 0) and tag in output and "Traceback" not in output
    resilience_report.add(
        "faults", "model missing", f"exit {code} after {elapsed:.0f} s: {last[:90]}", held
    )
    assert code not in (None, 0), "bentoml serve kept running without its model"
    assert tag in output and "Traceback" not in output, output[-2000:]


# --- the audit database -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def audited(service_env, tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """A service with an audit database of its own: (its URL, the database file)."""
    path = tmp_path_factory.mktemp("audit") / "audit.sqlite"
    with serving({**service_env, "CREDIT_AUDIT_DB_URL": f"sqlite:///{path}"}) as url:
        yield url, path


def _decide(client: httpx.Client) -> httpx.Response:
    return client.post("/predict", json={"application": APPLICATION}, headers=AUTH)


def test_a_locked_audit_database_refuses_decisions_then_recovers(audited, resilience_report):
    url, path = audited
    audit = InquiryLog(RecordsDatabase(f"sqlite:///{path}"))
    with httpx.Client(base_url=url, timeout=60) as client:
        assert _decide(client).status_code == 200
        before = audit.count()
        holder = sqlite3.connect(path, isolation_level=None)
        try:
            holder.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
            started = time.monotonic()
            refused = _decide(client)
            waited = time.monotonic() - started
            started = time.monotonic()
            readiness = client.get("/readyz").status_code
            probed = time.monotonic() - started
        finally:
            holder.close()  # rolls back: the lock is released
        recovered = _decide(client)
        ready_again = client.get("/readyz").status_code
    rows = audit.count() - before
    held = (
        refused.status_code == 503
        and readiness == 503
        and recovered.status_code == 200
        and ready_again == 200
        and rows == 1
    )
    resilience_report.add(
        "faults",
        "audit database locked",
        f"/predict 503 after {waited:.1f} s (busy timeout {BUSY_TIMEOUT_SECONDS:g} s), "
        f"/readyz 503 in {probed:.1f} s; recovered on release",
        held,
    )
    assert refused.status_code == 503, refused.text
    error = refused.json()["error"]
    assert "records database unavailable" in error and "locked" in error
    assert BUSY_TIMEOUT_SECONDS * 0.9 <= waited < BUSY_TIMEOUT_SECONDS + SLACK
    assert readiness == 503 and probed < READINESS_TIMEOUT_SECONDS + SLACK
    assert recovered.status_code == 200 and ready_again == 200
    assert rows == 1, "the refused decision must have no row, the recovered one must"
    with audit.database.reading() as connection:
        recorded = INQUIRIES.select().where(
            INQUIRIES.c.request_id == recovered.json()["request_id"]
        )
        assert connection.execute(recorded).first() is not None


def test_an_audit_database_moved_away_refuses_decisions_then_recovers(audited, resilience_report):
    """A directory where the database was: unwritable even as root (file modes would not
    stop root), and the open connections still point at the moved file."""
    url, path = audited
    moved = path.with_name("audit.moved")
    with httpx.Client(base_url=url, timeout=60) as client:
        kept = _decide(client)
        assert kept.status_code == 200
        path.rename(moved)
        path.mkdir()
        try:
            refused = _decide(client)
            readiness = client.get("/readyz").status_code
        finally:
            path.rmdir()
            moved.rename(path)
        recovered = _decide(client)
        ready_again = client.get("/readyz").status_code
    ids = [answer.json()["request_id"] for answer in (kept, recovered)]
    with RecordsDatabase(f"sqlite:///{path}").reading() as connection:
        query = INQUIRIES.select().where(INQUIRIES.c.request_id.in_(ids))
        recorded = {row.request_id for row in connection.execute(query)}
    found = [request_id for request_id in ids if request_id in recorded]
    held = refused.status_code == 503 and readiness == 503 and found == ids
    resilience_report.add(
        "faults",
        "audit database moved away",
        f"/predict {refused.status_code}, /readyz {readiness}; "
        f"back: /predict {recovered.status_code}, {len(found)}/2 decisions on record",
        held,
    )
    assert refused.status_code == 503, "a decision was returned that nobody can audit"
    assert "records database unavailable" in refused.json()["error"]
    assert readiness == 503
    assert recovered.status_code == 200 and ready_again == 200
    assert found == ids, "decisions before and after the fault are both on record"


# --- the dashboard while the API goes down ----------------------------------------------------


def _visible(view: DecisionView) -> str:
    """The text an advisor reads: the view's rendered text without its HTML tags."""
    return re.sub(r"<[^>]+>", "", rendered_text(view))


def test_the_dashboard_says_the_api_is_down_and_recovers(
    service_env, known_client, resilience_report
):
    """The dashboard's own store and API client against a real server stopped (its whole
    process group) and started again on the same port."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    fetch_model_info.clear()
    board = DashboardStore(api=CreditApi(url, TOKEN))
    process = start_service(service_env, port)
    try:
        wait_ready(url, process, timeout=START_TIMEOUT)
        assert board.select(known_client), board.error
        stop(process)
        started = time.monotonic()
        down = board.select(known_client)
        noticed = time.monotonic() - started
        shown_down = _visible(DecisionView(store=board))
        started = time.monotonic()
        process = start_service(service_env, port)
        wait_ready(url, process, timeout=START_TIMEOUT)
        restarted = time.monotonic() - started
        back = board.select(known_client)
        shown_back = _visible(DecisionView(store=board))
    finally:
        stop(process)
        fetch_model_info.clear()
    message = f"The scoring service at {url} is not reachable (is it running?)."
    held = not down and message in shown_down and back and board.error == ""
    resilience_report.add(
        "faults",
        "API down under the dashboard",
        f"message shown in {noticed:.2f} s; API back in {restarted:.0f} s, dashboard recovered",
        held,
    )
    assert not down, "a client was shown while the API was down"
    assert message in shown_down, shown_down
    assert "Traceback" not in shown_down and "ConnectError" not in shown_down
    assert back and board.error == ""
    assert word("decision_title", "en", client_id=known_client) in shown_back, shown_back
