"""The supervisor's review queue: applications scored close to the limit that wait for a
person's decision (open one to decide it), and the recent decisions that departed from the
model. Read from ``POST /decisions/review``, which the API keeps for supervisors."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import panel as pn
import param
from panel.viewable import Viewer

from dashboard.api import ApiError
from dashboard.formatting import moment
from dashboard.history import decision_rows, scrolling
from dashboard.people import person
from dashboard.store import DashboardStore
from dashboard.tables import table_html
from dashboard.wording import word
from scoring.wording import Language
from scoring.wording.formats import percent

QUEUE_LIMIT = 100
OVERRIDE_COLUMNS = ("col_client", "col_decision", "col_why", "col_by", "col_when",
                    "col_recommended")  # fmt: skip


def pending_table(
    pending: Sequence[Mapping[str, Any]], language: Language, zone: str
) -> pd.DataFrame:
    """The applications waiting, newest first: client, when scored, risk, for whom."""
    keys = ("col_client", "col_when", "col_risk", "col_asked_by")
    rows = [
        {
            word("col_client", language): str(item["client_id"]),
            word("col_when", language): moment(item["created_at"], language, zone),
            word("col_risk", language): percent(item["probability"], language),
            word("col_asked_by", language): person(item["asked_by"], language),
        }
        for item in pending
    ]
    return pd.DataFrame(rows, columns=[word(key, language) for key in keys])


class ReviewView(Viewer):
    """The queue, read again with its button and each time its tab is opened."""

    store = param.ClassSelector(class_=DashboardStore, doc="The session's state.")
    queue = param.Dict(default={}, doc="POST /decisions/review: pending and overrides.")
    problem = param.Parameter(default=None, doc="Why the queue could not be read, or None.")
    refresh = param.Action(lambda view: view.load(), doc="Read the queue again.")

    def load(self) -> bool:
        """Ask the API for the queue; on failure say why and show none."""
        try:
            queue = self.store.api.review_queue(QUEUE_LIMIT)
        except ApiError as error:
            self.param.update(queue={}, problem=error)
            return False
        self.param.update(queue=queue, problem=None)
        return True

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.panel(self._content, sizing_mode="stretch_width")

    @param.depends("queue", "problem", "store.language")
    def _content(self) -> pn.viewable.Viewable:
        language, zone = self.store.language, self.store.timezone
        refresh = pn.widgets.Button.from_param(
            self.param.refresh, label=word("refresh", language), description=None
        )
        parts: list[Any] = [pn.pane.Markdown(f"## {word('review_title', language)}"), refresh]
        if self.problem is not None:
            text = html.escape(self.problem.text(language), quote=False)
            parts.append(pn.pane.Alert(f"⚠ {text}", alert_type="danger"))
            return pn.Column(*parts, sizing_mode="stretch_width")
        pending = self.queue.get("pending", [])
        parts.append(pn.pane.Markdown(word("review_hint", language)))
        if pending:
            parts.append(
                pn.pane.HTML(
                    scrolling(table_html(pending_table(pending, language, zone))),
                    sizing_mode="stretch_width",
                )
            )
            parts.append(pn.FlexBox(*(self._opener(item["client_id"]) for item in pending)))
        else:
            parts.append(pn.pane.Markdown(f"*{word('review_none', language)}*"))
        overrides = self.queue.get("overrides", [])
        parts.append(pn.pane.Markdown(f"## {word('overrides_title', language)}"))
        if overrides:
            table = decision_rows(overrides, language, zone, columns=OVERRIDE_COLUMNS)
            parts.append(pn.pane.HTML(scrolling(table_html(table)), sizing_mode="stretch_width"))
        else:
            parts.append(pn.pane.Markdown(f"*{word('overrides_none', language)}*"))
        return pn.Column(*parts, sizing_mode="stretch_width")

    def _opener(self, client_id: int) -> pn.widgets.Button:
        button = pn.widgets.Button(
            label=word("open_client", self.store.language, client_id=client_id),
            button_type="primary",
            button_style="outline",
        )
        button.on_click(lambda _: self.store.select(int(client_id)))
        return button
