"""The French interface shows no English: every view rendered in French, fed by the real
service and the real snapshot, checked against every English phrase of the dashboard and
the English words a library would add on its own (tool names, units, "the", "of")."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd
import panel as pn
import param
import pytest

from dashboard.api import CreditApi
from dashboard.app import LANGUAGE_OPTIONS, App
from dashboard.decision import DecisionView
from dashboard.history import HistoryView
from dashboard.peer_groups import MODES
from dashboard.peer_wording import PEER_WORDS
from dashboard.peers import PeersView
from dashboard.profile import ProfileView
from dashboard.record import RecordView
from dashboard.review import ReviewView
from dashboard.selection import SelectionView
from dashboard.snapshot import load_snapshot
from dashboard.store import DashboardStore
from dashboard.whatif import WhatIfView
from dashboard.why import WhyView
from dashboard.wording import WORDS
from tests.support.dashboard import visible_texts
from tests.support.serving import AUTH

# English a library writes by itself, or the analysts' words the advisor must never read.
OTHER_ENGLISH = (
    "the", "of", "and", "with", "this", "that", "than", "what", "why", "would", "granted",
    "refused", "limit", "average", "unknown", "years", "months", "days", "ago", "advisor",
    "Pan", "Box Zoom", "Wheel Zoom", "Reset", "Save", "Hover", "Loading", "log-odds", "SHAP",
)  # fmt: skip


def english_phrases() -> set[str]:
    """Each English phrase of the dashboard, cut at its placeholders, that French says
    differently ("pts" and the product's name are the same in both)."""
    phrases = set()
    for words in (WORDS, PEER_WORDS):
        for key, english in words["en"].items():
            for part in re.split(r"\{\w*\}", english):
                part = part.strip(" ():;,.▲▼")
                if re.search(r"[A-Za-z]{2}", part) and part not in words["fr"][key]:
                    phrases.add(part)
    return phrases | set(OTHER_ENGLISH)


def english_in(texts: Iterable[str]) -> set[str]:
    """The English phrases found, each as whole words."""
    text = " ".join(texts)
    return {p for p in english_phrases() if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)}


def test_the_checker_finds_english_it_is_shown() -> None:
    """A guard that cannot fail proves nothing: planted English is found, French is not."""
    assert english_in(["Pourquoi cette recommandation", "Risque estimé (%)"]) == set()
    assert {"Why this recommendation", "this"} <= english_in(
        ["Le client", "Why this recommendation"]
    )
    assert english_in(["ce client : 0,26", "Box Zoom"]) == {"Box Zoom"}


def test_the_reader_sees_a_widgets_description() -> None:
    """A parameter's doc becomes a widget's "?" tooltip: the checker reads it too."""

    class Form(param.Parameterized):
        reason = param.String(doc="Why the person departs from the model")

    widget = pn.widgets.TextInput.from_param(Form().param.reason)
    assert english_in(visible_texts(widget)) >= {"the", "Why"}


@pytest.fixture
def french(api: CreditApi, portfolio_snapshot: str) -> DashboardStore:
    store = DashboardStore(api=api, snapshot_path=portfolio_snapshot, language="fr")
    store.snapshot = load_snapshot(portfolio_snapshot)
    return store


def _whatif(store: DashboardStore) -> WhatIfView:
    """A scenario with every answer shown: an edit, an entry refused, a re-score, the largest."""
    view = WhatIfView(store=store)
    view.fields["credit"].text = "1 000 000"
    view.fields["income"].text = "cent mille"
    view.score()
    view.largest()
    assert view.result and view.outcome and view.fields["income"].error
    return view


def _peers(store: DashboardStore) -> list[PeersView]:
    """The peer view in every mode, once on a characteristic in currency."""
    views = [PeersView(store=store, mode=mode, neighbours=50) for mode in MODES]
    views[0].feature = "credit"
    return views


def test_the_french_interface_shows_no_english(
    french: DashboardStore, decided_clients: dict[str, int]
) -> None:
    languages = set(LANGUAGE_OPTIONS)  # each language named in itself, as switches do
    for client_id in decided_clients.values():
        assert french.select(client_id), french.error
        views = [
            App(store=french), DecisionView(store=french), WhyView(store=french),
            ProfileView(store=french), SelectionView(store=french), _whatif(french),
            *_peers(french),
        ]  # fmt: skip
        texts = [t for view in views for t in visible_texts(view) if t not in languages]
        assert len(texts) > 200  # the check reads the whole interface, not an empty page
        assert english_in(texts) == set()


def test_recording_decisions_and_the_review_queue_show_no_english_in_french(
    api: CreditApi, people: dict[str, str], undecided, asgi_client
) -> None:
    """Every state of the decision panel, the history and the queue, in French."""
    supervisor = DashboardStore(
        api=api.acting_for(people["supervisor"]), role="supervisor", language="fr"
    )
    advisor = DashboardStore(api=api.acting_for(people["advisor"]), role="advisor", language="fr")
    texts: list[str] = []
    # An override with a reason and a note, then revised: the card, the letter, the history.
    overridden = undecided("granted")
    assert supervisor.select(overridden)
    record = RecordView(store=supervisor)
    texts += visible_texts(record)  # the offer to decide otherwise
    record.recorder.open_form()
    assert not record.recorder.submit()  # no reason yet: said, in French
    texts += visible_texts(record)
    record.recorder.param.update(reason="other", note="Revenus fonciers non déclarés")
    assert record.recorder.submit()
    record.recorder.open_form()
    record.recorder.param.update(reason="data_corrected")
    assert record.recorder.submit()
    texts += visible_texts(record) + visible_texts(HistoryView(store=supervisor))
    texts += visible_texts(App(store=supervisor))
    # A review case: the supervisor's open form; the advisor's warning.
    review = undecided("review")
    asgi_client.post("/predict", json={"client_id": review, "purpose": "application"},
                     headers=AUTH)  # fmt: skip
    assert supervisor.select(review) and advisor.select(review)
    texts += visible_texts(RecordView(store=supervisor)) + visible_texts(RecordView(store=advisor))
    # A client to follow in one click, and the same advisor refused the queue.
    assert advisor.select(undecided("refused"))
    accepted = RecordView(store=advisor)
    texts += visible_texts(accepted) + visible_texts(HistoryView(store=advisor))
    assert accepted.recorder.accept()
    texts += visible_texts(accepted) + visible_texts(App(store=advisor))
    queue, refused = ReviewView(store=supervisor), ReviewView(store=advisor)
    assert queue.load() and queue.queue["pending"] and queue.queue["overrides"]
    assert not refused.load()
    texts += visible_texts(queue) + visible_texts(refused)
    assert len(texts) > 100
    assert english_in(texts) == set()
    assert "Décision enregistrée : crédit refusé" in " ".join(texts)


def test_the_english_interface_says_it_in_english(
    api: CreditApi, decided_clients: dict[str, int]
) -> None:
    """The same check turned round: the English views do show the phrases looked for."""
    store = DashboardStore(api=api)
    store.select(decided_clients["refused"])
    found = english_in(visible_texts(WhyView(store=store)))
    assert {
        "Why this recommendation", "Main reasons the model recommends refusing", "Group of factors"
    } <= found  # fmt: skip


def test_category_levels_are_named_in_french(french: DashboardStore, known_client: int) -> None:
    french.select(known_client)
    text = " ".join(visible_texts(ProfileView(store=french)))
    application = pd.Series(french.client["application"])
    assert application["NAME_CONTRACT_TYPE"] not in text  # the code, e.g. "Cash loans"
    assert "Type de contrat" in text
