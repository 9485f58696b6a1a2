"""Choosing the client: an ID search that stays fast with 300,000 clients, and recent ones.

The browser never receives the list of IDs. As the advisor types, the server looks the
prefix up in a sorted index (a binary search, microseconds at any size) and sends back
the first few matches as the autocomplete's options. The index comes from the portfolio
snapshot when the peers view has loaded one; without it any typed ID is still accepted
and checked by the API.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import panel as pn
import param
from panel.viewable import Viewer

from dashboard.store import DashboardStore
from dashboard.wording import word

MAX_SUGGESTIONS = 10
ID_COLUMN = "SK_ID_CURR"


@pn.cache(max_items=2)
def id_index(ids: np.ndarray) -> np.ndarray:
    """The IDs as sorted strings, so that a prefix is a contiguous range.

    Cached: sessions share the snapshot, and 300k IDs take 0.15 s to sort as text.
    """
    return np.sort(np.asarray(ids, dtype=np.int64).astype(str))


def matching_ids(index: np.ndarray, prefix: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
    """The first ``limit`` IDs starting with ``prefix`` (two binary searches)."""
    prefix = prefix.strip()
    if not prefix.isdigit() or len(index) == 0:
        return []
    start = int(np.searchsorted(index, prefix, side="left"))
    end = int(np.searchsorted(index, prefix + "\U0010ffff", side="left"))
    return index[start : min(end, start + limit)].tolist()


def snapshot_ids(snapshot: pd.DataFrame | None) -> np.ndarray:
    """The client IDs of a portfolio snapshot (a column or the index), else none."""
    if snapshot is None:
        return np.array([], dtype=np.int64)
    if ID_COLUMN in snapshot.columns:
        return snapshot[ID_COLUMN].to_numpy()
    if snapshot.index.name == ID_COLUMN:
        return snapshot.index.to_numpy()
    return np.array([], dtype=np.int64)


class SelectionView(Viewer):
    """ID search with server-side suggestions, deep link ``?client=<id>`` and recent clients."""

    store = param.ClassSelector(class_=DashboardStore, doc="The session's state.")
    query = param.String(default="", doc="The ID the advisor entered.")
    suggestions = param.List(default=[], doc=f"Up to {MAX_SUGGESTIONS} IDs matching the input.")
    _index = np.array([], dtype=str)  # sorted IDs as text, rebuilt when the snapshot changes
    show = param.Action(
        lambda view: view.open(), doc="Load the entered client again, e.g. once the API is back."
    )

    @param.depends("store.snapshot", watch=True, on_init=True)
    def _reindex(self) -> None:
        self._index = id_index(snapshot_ids(self.store.snapshot))

    def suggest(self, typed: str) -> None:
        """Offer the IDs starting with what was typed so far."""
        self.suggestions = matching_ids(self._index, typed or "")

    @param.depends("query", watch=True)
    def open(self) -> None:
        """Show the entered client (or reload the current one, e.g. once the API is back).

        Text that is no ID is explained, not sent to the API.
        """
        text = self.query.strip()
        if not text:
            if self.store.client_id is not None:
                self.store.select(self.store.client_id)
            return
        if not text.isdigit():
            self.store.complain("not_an_id", text=text)
            return
        self.store.select(int(text))

    def __panel__(self) -> pn.viewable.Viewable:
        language = self.store.param.language
        search = pn.widgets.AutocompleteInput.from_param(
            self.param.query,
            label=pn.bind(word, "search", language),
            placeholder=pn.bind(word, "search_hint", language),
            options=self.param.suggestions,
            restrict=False,
            min_characters=1,
            search_strategy="starts_with",
            description=None,
            sizing_mode="stretch_width",
        )
        pn.bind(self.suggest, search.param.value_input, watch=True)
        show = pn.widgets.Button.from_param(
            self.param.show,
            label=pn.bind(word, "show", language),
            color="primary",
            description=None,
        )
        return pn.Column(search, show, self._recent, sizing_mode="stretch_width")

    @param.depends("store.recent", "store.language")
    def _recent(self) -> pn.viewable.Viewable:
        buttons = []
        for client_id in self.store.recent:
            button = pn.widgets.Button(
                label=str(client_id),
                color="primary" if client_id == self.store.client_id else "default",
                variant="solid" if client_id == self.store.client_id else "outline",
            )
            button.on_click(lambda _, cid=client_id: self.store.select(cid))
            buttons.append(button)
        title = pn.pane.Markdown(f"**{word('recent', self.store.language)}**", margin=(0, 10))
        return pn.Column(title, pn.FlexBox(*buttons), visible=bool(buttons))
