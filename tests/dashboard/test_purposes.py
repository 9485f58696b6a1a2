"""Scoring is not deciding: every call the dashboard makes says why it is made and for whom.

Checked where it matters, at the HTTP boundary: opening a client and switching language
send ``purpose: "view"``, a what-if and the largest-amount search ``"what-if"``, each call
names the signed-in person (``X-Acting-User``), and the service's records show inquiries of
those purposes by that person and no decision. The client's methods are also checked one by
one over a fake transport (``httpx.MockTransport``), which answers without a service.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from dashboard.api import ACTING_USER, CreditApi
from dashboard.app import App
from dashboard.store import DashboardStore
from dashboard.whatif import WhatIfView
from tests.support.dashboard import visible_texts

SCORING = {"/predict", "/explain", "/predict_batch"}


def test_browsing_and_simulating_are_inquiries_of_their_purpose_never_decisions(
    advisor: DashboardStore, undecided: Callable[[str], int], calls, records
) -> None:
    client_id = undecided("granted")
    start, decisions = len(calls), records.decisions()
    actor = "user:camille via token:bootstrap"
    known = len(records.inquiries(actor))
    app = App(store=advisor)
    assert advisor.select(client_id), advisor.error  # opening the client
    for view in app.views.values():  # every tab, as a person clicks through them
        assert visible_texts(view) is not None
    advisor.language = "fr"  # the reasons again, in French
    whatif = app.views["tab_whatif"]
    assert isinstance(whatif, WhatIfView)
    whatif.fields["credit"].text = "250 000"
    whatif.score()
    whatif.largest()
    assert advisor.error == "" and whatif.result and whatif.outcome is not None

    sent = calls[start:]
    assert {call.acting_user for call in sent} == {"camille"}
    purposes = [(call.path, call.body["purpose"]) for call in sent if call.path in SCORING]
    assert purposes == [
        ("/explain", "view"), ("/explain", "view"), ("/predict", "what-if"),
        ("/predict_batch", "what-if"),
    ]  # fmt: skip
    assert not [call for call in sent if call.path == "/decisions"]
    assert records.decisions() == decisions  # nothing was decided
    made = records.inquiries(actor)[known:]
    assert made[:2] == [("explain", "view", client_id)] * 2
    assert {(endpoint, purpose) for endpoint, purpose, _ in made[2:]} == {
        ("predict", "what-if"), ("predict_batch", "what-if")
    }  # fmt: skip


@pytest.fixture
def fake() -> tuple[CreditApi, list[httpx.Request]]:
    """A client whose every request is kept and answered ``{}`` (a letter: PDF bytes)."""
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/decisions/letter":
            return httpx.Response(200, content=b"%PDF-1.7", headers={"content-type": "x"})
        return httpx.Response(200, json={})

    transport = httpx.MockTransport(answer)
    client = httpx.Client(transport=transport, base_url="http://scoring.test")
    return CreditApi("http://scoring.test", "t0ken", client=client), seen


def _body(request: httpx.Request) -> dict:
    return json.loads(request.content) if request.content else {}


def test_each_method_sends_its_purpose_route_and_person(fake) -> None:
    shared, seen = fake
    api = shared.acting_for("camille")
    api.explain(7, purpose="view", language="fr")
    api.predict(application={"AMT_CREDIT": 1.0}, history={}, purpose="what-if")
    api.predict_batch([{"application": {"AMT_CREDIT": 1.0}}], purpose="what-if")
    api.decide(7, "refused", "dashboard:k1", reason="guarantee", note="n", language="fr")
    api.decision_history(7)
    api.review_queue(5)
    assert api.letter("a" * 32, "fr") == b"%PDF-1.7"
    api.client(7)
    api.model()
    assert [(r.method, r.url.path) for r in seen] == [
        ("POST", "/explain"), ("POST", "/predict"), ("POST", "/predict_batch"),
        ("POST", "/decisions"), ("POST", "/decisions/history"), ("POST", "/decisions/review"),
        ("POST", "/decisions/letter"), ("POST", "/clients"), ("GET", "/model"),
    ]  # fmt: skip
    bodies = [_body(r) for r in seen]
    assert [b.get("purpose") for b in bodies[:3]] == ["view", "what-if", "what-if"]
    assert all("purpose" not in b for b in bodies[3:])  # a decision is no score
    assert bodies[3] == {
        "client_id": 7, "final_decision": "refused", "idempotency_key": "dashboard:k1",
        "reason": "guarantee", "note": "n", "revises": None, "language": "fr",
    }  # fmt: skip
    assert bodies[6] == {"decision_id": "a" * 32, "language": "fr"}
    assert {r.headers[ACTING_USER] for r in seen} == {"camille"}
    assert {r.headers["authorization"] for r in seen} == {"Bearer t0ken"}


def test_a_session_acts_for_its_person_only(fake) -> None:
    shared, seen = fake
    shared.model()
    shared.acting_for("camille").acting_for("marie").model()
    shared.acting_for(None).model()
    assert [r.headers.get(ACTING_USER) for r in seen] == [None, "marie", None]
    assert shared.acting_for("marie").connection == shared.connection  # one connection
