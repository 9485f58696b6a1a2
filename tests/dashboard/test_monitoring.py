"""The supervisors' Monitoring view against the real service in process: real applications
scored are counted and shown in the supervisor's words, the period picked is the period
asked, only supervisors get the tab, a period without applications says why, and a failure
is the dashboard's usual sentence."""

from __future__ import annotations

import re
import time
import uuid
from datetime import date, timedelta

import httpx
import pytest

from dashboard.api import CreditApi
from dashboard.api_errors import failure
from dashboard.app import App
from dashboard.monitoring import MonitoringView, today
from dashboard.monitoring_summary import period_text, status_text
from dashboard.monitoring_wording import MONITORING_WORDS
from dashboard.store import DashboardStore
from scoring.records.database import RecordsDatabase
from scoring.records.keys import ApiKeys
from tests.support.dashboard import rendered_text, visible_texts
from tests.support.inputs import APPLICATION
from tests.support.monitor_documents import empty_document

COUNTED_WITHIN_S = 10.0
RAW_NAME = re.compile(r"\b[A-Z]{2,}_[A-Z_]+\b")  # AMT_INCOME_TOTAL, EXT_SOURCE_3, …
ANALYSTS = ("SHAP", "log-odds", "PSI")


def _english(french_text: str) -> set[str]:
    """The view's English phrases (cut at their placeholders) found in a French text."""
    found = set()
    for key, english in MONITORING_WORDS["en"].items():
        for part in re.split(r"\{\w*\}", english):
            part = part.strip(" ():;,.")
            if len(part) > 3 and part not in MONITORING_WORDS["fr"][key] and part in french_text:
                found.add(part)
    return found


@pytest.fixture(scope="module")
def counted(api: CreditApi) -> int:
    """Applications never scored before, sent as real ones (purpose application), once the
    service has written their counts: how many the last 30 days hold. (A known client scored
    again by another test would count once only.)"""
    applications = [
        {"application": {**APPLICATION, "SK_ID_CURR": 960_000_000 + uuid.uuid4().int % 10**6}}
        for _ in range(40)
    ]
    before = api.monitoring()["applications"]
    api.predict_batch(applications, purpose="application")
    deadline = time.monotonic() + COUNTED_WITHIN_S
    while (n := api.monitoring()["applications"]) < before + len(applications):
        assert time.monotonic() < deadline, "the service did not write its drift counts"
        time.sleep(0.2)
    return n


def test_a_supervisor_reads_the_counted_applications_in_words(
    supervisor: DashboardStore, counted: int, calls
) -> None:
    view = MonitoringView(store=supervisor)
    assert view.load(), view.problem
    document = view.document
    assert document["applications"] >= counted
    [call] = [c for c in calls if c.path == "/monitoring"]
    assert call.acting_user == supervisor.user
    assert call.body == {
        "since": (today() - timedelta(days=29)).isoformat(),
        "until": (today() + timedelta(days=1)).isoformat(),
    }
    text = rendered_text(view)
    for expected in (
        status_text(document, "en"), period_text(document, "en"), "The features that moved most",
        "Weight in the model", "Drift day by day", "Performance by month of decision",
        "0 means no change",
    ):  # fmt: skip
        assert expected in text
    assert not RAW_NAME.search(text.replace(document["model"], ""))
    assert not any(word in text for word in ANALYSTS)
    supervisor.language = "fr"
    french = rendered_text(view)
    assert status_text(document, "fr") in french and "Poids dans le modèle" in french
    assert _english(french) == set()
    assert "Client income" not in french


def test_the_period_picked_is_the_period_asked(supervisor: DashboardStore, calls) -> None:
    view = MonitoringView(store=supervisor)
    view.days = 7  # the watcher reads the new period
    [call] = [c for c in calls if c.path == "/monitoring"]
    assert call.body["since"] == (today() - timedelta(days=6)).isoformat()
    assert view.document["period"]["since"] == call.body["since"]
    assert "Last 7 days" in visible_texts(view)


def test_only_a_supervisor_gets_the_monitoring_tab(
    supervisor: DashboardStore, advisor: DashboardStore
) -> None:
    assert "Monitoring" in visible_texts(App(store=supervisor))
    assert "Monitoring" not in visible_texts(App(store=advisor))
    supervisor.language = "fr"
    assert "Suivi du modèle" in visible_texts(App(store=supervisor))


def test_a_period_without_applications_says_why_there_may_be_none(
    supervisor: DashboardStore,
) -> None:
    from_service = supervisor.api.monitoring(date(2001, 1, 1), date(2001, 2, 1))
    for document in (from_service, empty_document()):
        view = MonitoringView(store=supervisor, document=document)
        text = rendered_text(view)
        assert "No data: no application was counted in this period." in text
        assert "No application was counted in this period" in text
        assert "counting is switched off or failing" in text
        assert "trained before monitoring existed" in text
        assert "looking at a client or trying a what-if is never counted" in text
        assert "The features that moved most" not in text
    supervisor.language = "fr"
    french = rendered_text(MonitoringView(store=supervisor, document=from_service))
    assert "Aucune donnée\u00a0: aucune demande n'a été comptée sur la période." in french
    assert _english(french) == set()


def test_an_unreachable_service_is_said_in_the_usual_words(unreachable: CreditApi) -> None:
    store = DashboardStore(api=unreachable.acting_for("marie"), role="supervisor")
    view = MonitoringView(store=store)
    assert not view.load()
    assert "is not reachable (is it running?)" in rendered_text(view)
    store.language = "fr"
    assert "est injoignable (est-il démarré ?)" in rendered_text(view)


def test_a_token_without_the_audit_scope_is_said_in_the_usual_words(
    asgi_client, service_env: dict[str, str], people: dict[str, str]
) -> None:
    _, token = ApiKeys(RecordsDatabase(service_env["CREDIT_AUDIT_DB_URL"])).create(
        "dashboard without audit", ["score", "clients", "delegate"]
    )
    api = CreditApi(str(asgi_client.base_url), token, client=asgi_client)
    view = MonitoringView(store=DashboardStore(api=api.acting_for(people["supervisor"]),
                                               role="supervisor"))  # fmt: skip
    assert not view.load()
    assert view.problem.status == 403 and view.problem.key == "api_scope"
    assert "lacks the 'audit'" in rendered_text(view)


def test_a_refusal_of_monitoring_names_it() -> None:
    """Any other 403 of /monitoring: the page says monitoring is for supervisors."""
    answer = httpx.Response(403, json={"error": "monitoring is for supervisors"})
    error = failure(answer, "http://api", path="/monitoring")
    assert error.text("en") == "Model monitoring is for supervisors."
    assert error.text("fr") == "Le suivi du modèle est réservé aux superviseurs."
