"""Why: the factors behind the decision, for this client and for all clients.

The waterfall shows the strongest SHAP contributions from POST /explain, the rest summed
into one bar; the reasons are the API's plain-language sentences; the global importance
(mean |SHAP| over the portfolio, from the model card) sits beside them, so the advisor can
say "this factor matters for everyone" or "this is particular to you".
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import panel as pn
import param
from panel.viewable import Viewer

from dashboard.charts import Bar, importance, waterfall
from dashboard.formatting import effect, feature_value, without_date_unit
from dashboard.status import notice
from dashboard.store import DashboardStore
from dashboard.wording import word
from scoring.wording import Language
from scoring.wording.formats import number, signed

TOP_FACTORS = 10
TOP_IMPORTANCE = 10


def units(model_info: Mapping[str, Any]) -> dict[str, str | None]:
    """Unit of each model feature, from GET /model."""
    return {f["name"]: f.get("unit") for f in model_info.get("features", ())}


def strongest(contributions: Sequence[Mapping[str, Any]], top: int) -> list[Mapping[str, Any]]:
    """The ``top`` contributions of largest magnitude, strongest first."""
    return sorted(contributions, key=lambda c: -abs(c["contribution"]))[:top]


def waterfall_bars(
    explanation: Mapping[str, Any],
    model_info: Mapping[str, Any],
    language: Language,
    top: int = TOP_FACTORS,
) -> list[Bar]:
    """The strongest factors with the client's values, then "+ N other factors" summed."""
    contributions = explanation["contributions"]
    unit_of = units(model_info)
    shown = strongest(contributions, top)
    bars = [
        Bar(
            without_date_unit(c["label"]),
            c["contribution"],
            feature_value(c["feature"], c["value"], unit_of.get(c["feature"]), language),
        )
        for c in shown
    ]
    rest = len(contributions) - len(shown)
    if rest:
        names = {c["feature"] for c in shown}
        total = sum(c["contribution"] for c in contributions if c["feature"] not in names)
        bars.append(Bar(word("others", language, count=rest), total, ""))
    return bars


def global_importance(
    model_info: Mapping[str, Any], language: Language, top: int = TOP_IMPORTANCE
) -> dict[str, float]:
    """Label → mean |SHAP| of the card's top features, labels in ``language``."""
    labels = {f["name"]: f.get(f"label_{language}") for f in model_info.get("features", ())}
    top_features = model_info.get("card", {}).get("top_features", ())[:top]
    return {
        without_date_unit(labels.get(f["name"]) or f["label_en"]): f["mean_abs_shap"]
        for f in top_features
    }


def factors_table(
    explanation: Mapping[str, Any],
    model_info: Mapping[str, Any],
    language: Language,
    top: int = TOP_FACTORS,
) -> pd.DataFrame:
    """The strongest factors: client's value, effect in words, and importance for all."""
    unit_of = units(model_info)
    overall = {
        f["name"]: f["mean_abs_shap"] for f in model_info.get("card", {}).get("top_features", ())
    }
    rows = [
        {
            word("factor", language): without_date_unit(c["label"]),
            word("client_value", language): feature_value(
                c["feature"], c["value"], unit_of.get(c["feature"]), language
            ),
            word("effect", language): effect(c["contribution"], language),
            word("contribution", language): signed(c["contribution"], language, 3),
            word("importance", language): (
                number(overall[c["feature"]], language, 3) if c["feature"] in overall else "—"
            ),
        }
        for c in strongest(explanation["contributions"], top)
    ]
    return pd.DataFrame(rows)


def reasons_markdown(reasons: Sequence[Mapping[str, Any]], title: str, arrow: str) -> str:
    """The API's sentences as a list, each prefixed with its direction arrow."""
    lines = [f"**{arrow} {title}**", ""]
    lines += [f"- {arrow} {html.escape(reason['text'], quote=False)}" for reason in reasons]
    return "\n".join(lines)


class WhyView(Viewer):
    """Waterfall, reasons in the chosen language, factor values and global importance."""

    store = param.ClassSelector(class_=DashboardStore, doc="The session's state.")

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.panel(self._content, sizing_mode="stretch_width")

    @param.depends("store.explanation", "store.model_info", "store.error")
    def _content(self) -> pn.viewable.Viewable:
        explanation, info = self.store.explanation, self.store.model_info
        if not explanation:
            return notice(self.store)
        language = explanation.get("language", self.store.language)
        reasons = explanation["reasons"]
        overall = global_importance(info, language)
        bars = waterfall_bars(explanation, info, language)
        return pn.Column(
            pn.pane.Markdown(f"## {word('why_title', language)}"),
            pn.FlexBox(
                *(
                    pn.pane.Markdown(
                        reasons_markdown(reasons[side], word(side, language), arrow),
                        sizing_mode="stretch_width",
                        min_width=360,
                        styles={"flex": "1"},
                    )
                    for side, arrow in (("towards_refusal", "▲"), ("towards_acceptance", "▼"))
                )
            ),
            pn.FlexBox(
                pn.pane.Bokeh(
                    waterfall(bars, explanation["base_value"], explanation["threshold"], language),
                    sizing_mode="stretch_width",
                    min_width=520,
                    styles={"flex": "3"},
                ),
                pn.Column(
                    pn.pane.Markdown(f"**{word('importance_title', language)}**"),
                    pn.pane.Bokeh(
                        importance(list(overall), list(overall.values()), language),
                        sizing_mode="stretch_width",
                    ),
                    sizing_mode="stretch_width",
                    min_width=360,
                    styles={"flex": "2"},
                    visible=bool(overall),
                ),
            ),
            pn.pane.DataFrame(
                factors_table(explanation, info, language), index=False, sizing_mode="stretch_width"
            ),
            sizing_mode="stretch_width",
        )
