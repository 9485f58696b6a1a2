"""The model's recommendation: a gauge of the risk against the limit and its review band, and
a verdict a client understands. Recording the decision is :mod:`dashboard.record`."""

from __future__ import annotations

import html
from typing import Any

import panel as pn
import param
from panel.viewable import Viewer

from dashboard.charts import ACCEPTANCE, REFUSAL, REVIEW, TEXT, gauge
from dashboard.formatting import distance, trained_on, verdict
from dashboard.grades import grades_frame, score_sentence
from dashboard.status import notice
from dashboard.store import DashboardStore
from dashboard.tables import table_html
from dashboard.wording import word
from scoring.wording import Language

# Each recommendation's symbol and colour: the symbol says it, the colour only repeats it.
MARKS = {"granted": ("✔", ACCEPTANCE), "refused": ("✖", REFUSAL), "review": ("◆", REVIEW)}


def verdict_html(answer: dict[str, Any], language: Language) -> str:
    """The recommendation as a sentence, its distance to the limit and its symbol."""
    probability, threshold = answer["probability"], answer["threshold"]
    recommendation = answer["recommendation"]
    sentence = verdict(
        recommendation, probability, threshold, language, answer.get("review_band", 0.0)
    )
    symbol, colour = MARKS[recommendation]
    score = score_sentence(answer, language)
    return (
        f'<div style="border-left: 8px solid {colour}; '
        f'padding: 4px 12px; color: {TEXT}; font-size: 1.15em">'
        f"<strong>{symbol} {html.escape(sentence, quote=False)}</strong><br>"
        f"{html.escape(distance(probability, threshold, language), quote=False)}"
        + (f"<br>{html.escape(score, quote=False)}" if score else "")
        + "</div>"
    )


def grades_card(
    scale: dict[str, Any] | None, grade: str | None, language: Language
) -> pn.viewable.Viewable | None:
    """What every grade means, the client's marked; folded until the advisor opens it."""
    frame = grades_frame(scale or {}, language, grade)
    if frame.empty:
        return None
    return pn.Card(
        # The ranges stay on one line: "572 to 593" read across a break is misread.
        pn.pane.HTML(
            table_html(frame, nowrap=tuple(frame.columns[2:4])), sizing_mode="stretch_width"
        ),
        title=word("grades_title", language),
        collapsed=True,
        sizing_mode="stretch_width",
    )


class DecisionView(Viewer):
    """Gauge, verdict and model version of the selected client's recommendation."""

    store = param.ClassSelector(class_=DashboardStore, doc="The session's state.")

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.panel(self._content, sizing_mode="stretch_width")

    @param.depends("store.explanation", "store.error", "store.language", "store.model_info")
    def _content(self) -> pn.viewable.Viewable:
        explanation, language = self.store.explanation, self.store.language
        if not explanation:
            return notice(self.store)  # said here only, not again in the open tab
        title = word("decision_title", language, client_id=explanation.get("client_id"))
        info = self.store.model_info
        # The date of the model described, if it is the one that scored (info is cached).
        same = info.get("tag") == explanation["model"]
        created = info.get("card", {}).get("model", {}).get("created") if same else None
        # The grades of the model described, likewise.
        grades = grades_card(
            info.get("scale") if same else None, explanation.get("grade"), language
        )
        return pn.Column(
            pn.pane.Markdown(f"## {title}"),
            pn.pane.HTML(verdict_html(explanation, language), sizing_mode="stretch_width"),
            pn.pane.Bokeh(
                gauge(
                    explanation["probability"],
                    explanation["threshold"],
                    language,
                    explanation.get("review_band", 0.0),
                ),
                sizing_mode="stretch_width",
            ),
            pn.pane.Markdown(
                trained_on(explanation["model"], created, language), styles={"color": TEXT}
            ),
            *([grades] if grades is not None else []),
            sizing_mode="stretch_width",
        )
