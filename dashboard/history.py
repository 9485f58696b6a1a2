"""A client's decisions: what was decided, by whom, when, on which model and why, in the
advisor's words (outcome words and reasons from :mod:`scoring.wording.decisions`, dates in
their language and time zone). Read from ``POST /decisions/history`` with the client."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import panel as pn
import param
from panel.viewable import Viewer

from dashboard.formatting import moment
from dashboard.people import person
from dashboard.store import DashboardStore
from dashboard.tables import table_html
from dashboard.wording import word
from scoring.wording import Language
from scoring.wording.decisions import outcome, override_reason
from scoring.wording.formats import percent

# The order an advisor reads a decision in; the model's side (its recommendation, the risk
# and the model) shares one column so the table fits a narrow screen.
COLUMNS = ("col_when", "col_decision", "col_by", "col_why", "col_recommended")


def scrolling(table: str) -> str:
    """A table that scrolls sideways when a narrow screen cannot hold it, never cut."""
    return f'<div style="overflow-x: auto">{table}</div>'


def breakable(tag: str) -> str:
    """A model tag that may wrap after its name on a narrow table ("credit_scoring:" / …)."""
    return tag.replace(":", ":\u200b", 1)


def why_text(record: Mapping[str, Any], language: Language) -> str:
    """The person's reason and note, or "as recommended" when they followed the model."""
    parts = []
    if record.get("reason"):
        parts.append(override_reason(record["reason"], language))
    if record.get("note"):
        parts.append(f"« {record['note']} »" if language == "fr" else f"“{record['note']}”")
    return " — ".join(parts) if parts else word("as_recommended", language)


def decision_rows(
    records: Sequence[Mapping[str, Any]],
    language: Language,
    zone: str,
    current: str | None = None,
    columns: Sequence[str] = COLUMNS,
) -> pd.DataFrame:
    """One row a decision, newest first, with the columns named (keys of the wording)."""
    rows = []
    for record in reversed(records):
        decided = outcome(record["final_decision"], language)
        if current is not None:
            mark = "current_mark" if record["decision_id"] == current else "revised_mark"
            decided = word(mark, language, outcome=decided)
        cells = {
            "col_when": moment(record["created_at"], language, zone),
            "col_client": str(record["client_id"]),
            "col_decision": decided,
            "col_recommended": word(
                "recommended_cell",
                language,
                outcome=outcome(record["recommendation"], language),
                risk=percent(record["probability"], language),
                model=breakable(record["model"]),
            ),
            "col_by": person(record["decided_by"], language),
            "col_why": why_text(record, language),
        }
        rows.append({word(key, language): cells[key] for key in columns})
    return pd.DataFrame(rows, columns=[word(key, language) for key in columns])


def history_table(decisions: Mapping[str, Any], language: Language, zone: str) -> pd.DataFrame:
    """The client's decisions, newest first, the current one marked."""
    return decision_rows(decisions.get("decisions", ()), language, zone, decisions.get("current"))


class HistoryView(Viewer):
    """Every decision recorded about the client shown."""

    store = param.ClassSelector(class_=DashboardStore, doc="The session's state.")

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.panel(self._content, sizing_mode="stretch_width")

    @param.depends("store.decisions", "store.language")
    def _content(self) -> pn.viewable.Viewable:
        store, language = self.store, self.store.language
        if not store.decisions:
            return pn.Column()  # the recommendation above says why there is nothing to show
        title = pn.pane.Markdown(f"## {word('history_title', language)}")
        if not store.decisions.get("decisions"):
            return pn.Column(title, pn.pane.Markdown(word("history_none", language)))
        table = history_table(store.decisions, language, store.timezone)
        return pn.Column(
            title,
            pn.pane.HTML(scrolling(table_html(table)), sizing_mode="stretch_width"),
            sizing_mode="stretch_width",
        )
