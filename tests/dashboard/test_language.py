"""The French interface shows no English: every view rendered in French, fed by the real
service and the real snapshot, checked against every English phrase of the dashboard and
the English words a library would add on its own (tool names, units, "the", "of")."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd
import pytest

from dashboard.api import CreditApi
from dashboard.app import LANGUAGE_OPTIONS, App
from dashboard.decision import DecisionView
from dashboard.peer_groups import MODES
from dashboard.peer_wording import PEER_WORDS
from dashboard.peers import PeersView
from dashboard.profile import ProfileView
from dashboard.selection import SelectionView
from dashboard.snapshot import load_snapshot
from dashboard.store import DashboardStore
from dashboard.whatif import WhatIfView
from dashboard.why import WhyView
from dashboard.wording import WORDS
from tests.support.dashboard import visible_texts

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
    assert english_in(["Pourquoi cette décision", "Risque estimé (%)"]) == set()
    assert {"Why this decision", "this"} <= english_in(["Le client", "Why this decision"])
    assert english_in(["ce client : 0,26", "Box Zoom"]) == {"Box Zoom"}


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


def test_the_english_interface_says_it_in_english(
    api: CreditApi, decided_clients: dict[str, int]
) -> None:
    """The same check turned round: the English views do show the phrases looked for."""
    store = DashboardStore(api=api)
    store.select(decided_clients["refused"])
    found = english_in(visible_texts(WhyView(store=store)))
    assert {"Why this decision", "Main reasons for the refusal", "Group of factors"} <= found


def test_category_levels_are_named_in_french(french: DashboardStore, known_client: int) -> None:
    french.select(known_client)
    text = " ".join(visible_texts(ProfileView(store=french)))
    application = pd.Series(french.client["application"])
    assert application["NAME_CONTRACT_TYPE"] not in text  # the code, e.g. "Cash loans"
    assert "Type de contrat" in text
