"""The supervisors' Monitoring view: is the model still seeing the clients it learnt from, and
how do its decisions turn out? Read from ``POST /monitoring`` (scope audit) for the last 7, 30
or 90 days, each time the tab is opened or the period changes.

The overall status comes first, in a sentence, with what the stability index and its
thresholds mean; then the drift day by day, the features that moved most and the performance
by month of decision. A period in which no application was counted says so and why that may
be. The sentences and tables are :mod:`dashboard.monitoring_summary`, the figures
:mod:`dashboard.monitoring_charts`.
"""

from __future__ import annotations

import html
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
import panel as pn
import param
from panel.viewable import Viewer

from dashboard.api import ApiError
from dashboard.charts import ACCEPTANCE, NEUTRAL, REFUSAL, REVIEW, TEXT
from dashboard.history import scrolling
from dashboard.monitoring_charts import counts_figure, drift_figure, vintage_figure
from dashboard.monitoring_summary import (
    DEFAULT_DAYS,
    PERIODS,
    Document,
    explained,
    features_table,
    few_text,
    index_text,
    no_data,
    outcomes_known,
    period_days,
    period_text,
    score_text,
    status_text,
    top_text,
    vintages_table,
)
from dashboard.store import DashboardStore
from dashboard.tables import table_html
from dashboard.wording import word
from scoring.wording import Language

# Each status's symbol and colour, as the recommendation's: the words say it, the symbol and
# colour only repeat it.
MARKS = {"act": ("⚠", REFUSAL), "watch": ("◆", REVIEW), "stable": ("✔", ACCEPTANCE),
         "no data": ("○", NEUTRAL)}  # fmt: skip


def today() -> date:
    """The current day in UTC, the days the API counts in."""
    return datetime.now(UTC).date()


def status_html(document: Document, language: Language) -> str:
    """The status sentence, marked and bordered like the model's recommendation."""
    status = "no data" if no_data(document) else document["status"]
    symbol, colour = MARKS[status]
    sentence = html.escape(status_text(document, language), quote=False)
    return (
        f'<div style="border-left: 8px solid {colour}; padding: 4px 12px; color: {TEXT}; '
        f'font-size: 1.15em"><strong>{symbol} {sentence}</strong></div>'
    )


def _markdown(text: str) -> pn.pane.Markdown:
    return pn.pane.Markdown(text, sizing_mode="stretch_width")


def _figure(plot: Any) -> pn.pane.HoloViews:
    """A figure the width of the page; Panel would otherwise link the axes of figures that
    share a dimension's name, mixing their months or days."""
    return pn.pane.HoloViews(plot, sizing_mode="stretch_width", linked_axes=False)


def _table(frame: pd.DataFrame) -> pn.pane.HTML:
    return pn.pane.HTML(scrolling(table_html(frame)), sizing_mode="stretch_width")


class MonitoringView(Viewer):
    """The model's monitoring over a period the supervisor picks, read again on each opening."""

    store = param.ClassSelector(class_=DashboardStore, doc="The session's state.")
    days = param.Selector(
        default=DEFAULT_DAYS, objects=list(PERIODS), doc="How many days, up to today, to cover."
    )
    document = param.Dict(default={}, doc="POST /monitoring: drift and performance.")
    problem = param.Parameter(default=None, doc="Why monitoring could not be read, or None.")
    refresh = param.Action(lambda view: view.load(), doc="Read the monitoring again.")

    @param.depends("days", watch=True)
    def load(self) -> bool:
        """Ask the API for the period's document; on failure say why and show none."""
        since, until = period_days(self.days, today())
        try:
            document = self.store.api.monitoring(since, until)
        except ApiError as error:
            self.param.update(document={}, problem=error)
            return False
        self.param.update(document=document, problem=None)
        return True

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.panel(self._content, sizing_mode="stretch_width")

    @param.depends("document", "problem", "store.language")
    def _content(self) -> pn.viewable.Viewable:
        language = self.store.language
        parts: list[Any] = [_markdown(f"## {word('mon_title', language)}"), self._controls()]
        if self.problem is not None:
            text = html.escape(self.problem.text(language), quote=False)
            parts.append(pn.pane.Alert(f"⚠ {text}", alert_type="danger"))
        elif self.document:
            parts += self._summary(self.document, language)
        return pn.Column(*parts, sizing_mode="stretch_width")

    def _controls(self) -> pn.Row:
        """The period (named in the supervisor's language) and the button to read it again."""
        language = self.store.language
        options = {word("mon_last_days", language, n=n): n for n in PERIODS}
        period = pn.widgets.RadioButtonGroup.from_param(
            self.param.days, options=options, name="", color="primary", description=None,
        )  # fmt: skip
        refresh = pn.widgets.Button.from_param(
            self.param.refresh, label=word("refresh", language), description=None
        )
        return pn.Row(period, refresh)

    def _summary(self, document: Document, language: Language) -> list[Any]:
        parts: list[Any] = [
            _markdown(period_text(document, language)),
            pn.pane.HTML(status_html(document, language), sizing_mode="stretch_width"),
        ]
        if no_data(document):
            return [*parts, _no_data(language), *_vintages(document, language)]
        few = few_text(document, language)  # read before anything the count may mislead on
        if few:
            parts.append(pn.pane.Alert(html.escape(few, quote=False), alert_type="warning"))
        parts.append(_markdown(f"{score_text(document, language)} "
                               f"{explained(document, language)}"))  # fmt: skip
        parts += _drift(document, language) + _features(document, language)
        return parts + _vintages(document, language)


def _no_data(language: Language) -> pn.pane.Alert:
    """Why a period may count no application."""
    causes = ("mon_no_data_capture", "mon_no_data_bins", "mon_no_data_traffic")
    items = "".join(f"<li>{html.escape(word(key, language), quote=False)}</li>" for key in causes)
    return pn.pane.Alert(
        f"<strong>{html.escape(word('mon_no_data_title', language), quote=False)}</strong>"
        f"<p>{html.escape(word('mon_no_data_intro', language), quote=False)}</p><ul>{items}</ul>",
        alert_type="info",
        sizing_mode="stretch_width",
    )


def _drift(document: Document, language: Language) -> list[Any]:
    thresholds = {k: index_text(v, language) for k, v in document["thresholds"].items()}
    parts: list[Any] = [_markdown(f"### {word('mon_drift_title', language)}")]
    if not document["windows"]:
        return [*parts, _markdown(word("mon_no_windows", language))]
    return [
        *parts,
        _markdown(word("mon_drift_caption", language, **thresholds)),
        _figure(drift_figure(document, language)),
        _markdown(word("mon_counts_caption", language)),
        _figure(counts_figure(document, language)),
    ]


def _features(document: Document, language: Language) -> list[Any]:
    return [
        _markdown(f"### {word('mon_top_title', language)}"),
        _markdown(top_text(document, language)),
        _table(features_table(document, language)),
        _markdown(word("mon_weight_hint", language)),
    ]


def _vintages(document: Document, language: Language) -> list[Any]:
    parts: list[Any] = [
        _markdown(f"### {word('mon_vintage_title', language)}"),
        _markdown(word("mon_vintage_intro", language)),
    ]
    if not document["vintages"]:
        return [*parts, _markdown(word("mon_no_vintages", language))]
    if not outcomes_known(document):
        parts.append(pn.pane.Alert(word("mon_no_outcomes", language), alert_type="info"))
    return [
        *parts,
        _markdown(word("mon_vintage_caption", language)),
        _figure(vintage_figure(document, language)),
        _table(vintages_table(document, language)),
        _markdown(word("mon_vintage_hint", language)),
    ]
