"""Why: the principal reasons of the recommendation, and the risk built up group by group.

Everything comes from POST /explain in the advisor's language: the reasons are the API's
sentences (the ones a letter to the client would state), the groups are human concepts
("External credit scores") with their effect in percentage points and the facts that
moved. Beside them, the model card's weight of each group over all applicants lets the
advisor say "this matters for everyone" or "this is particular to you".
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import panel as pn
import param
from panel.viewable import Viewer

from dashboard.formatting import points
from dashboard.store import DashboardStore
from dashboard.tables import table_html
from dashboard.why_charts import Step, shares, waterfall
from dashboard.wording import word
from scoring.wording import Language
from scoring.wording.formats import unknown

TOP_GROUPS = 8  # bars of the waterfall; the other groups are summed in one more bar
TOP_SHARES = 8
ARROWS = {"raises": "▲", "lowers": "▼"}


def fact_text(fact: Mapping[str, Any], language: Language) -> str:
    """ "External score 3 (0 to 1): 0.21", the value "unknown" when the API has none."""
    text = word("fact", language, label=fact["label"], value=fact["value"] or unknown(language))
    return text[:1].upper() + text[1:]


def facts_text(facts: Sequence[Mapping[str, Any]], language: Language) -> str:
    """A group's facts in one line, separated as the language writes it."""
    return word("between_facts", language).join(fact_text(f, language) for f in facts)


def steps(explanation: Mapping[str, Any], language: Language, top: int = TOP_GROUPS) -> list[Step]:
    """The first ``top`` groups in the API's order, then the rest as one step.

    Points are exact along the API's order, so the summed tail is exact too: the bars
    still end on the client's risk.
    """
    groups = explanation["groups"]
    shown = [Step(g["label"], g["points"], facts_text(g["facts"], language)) for g in groups[:top]]
    rest = groups[top:]
    if rest:
        summed = sum(g["points"] for g in rest)
        names = ", ".join(g["label"] for g in rest)
        shown.append(Step(word("other_groups", language, count=len(rest)), summed, names))
    return shown


def group_shares(
    model_info: Mapping[str, Any], language: Language, top: int = TOP_SHARES
) -> dict[str, float]:
    """Group label → share of the model's weight over all applicants, largest first.

    Empty for a model whose card has no ``group_importance`` (older models): the figure
    is then left out rather than drawn from another measure.
    """
    weights = model_info.get("card", {}).get("group_importance") or {}
    names = {g["code"]: g["label"][language] for g in model_info.get("groups", ())}
    ranked = sorted(weights.items(), key=lambda item: -item[1])
    shown = {names[code]: share for code, share in ranked[:top]}
    rest = ranked[top:]
    if rest:
        shown[word("other_groups", language, count=len(rest))] = sum(s for _, s in rest)
    return shown


def groups_table(explanation: Mapping[str, Any], language: Language) -> pd.DataFrame:
    """Every group in the waterfall's order: what moved, and its effect in points."""
    return pd.DataFrame(
        [
            {
                word("group", language): group["label"],
                word("moved", language): facts_text(group["facts"], language) or "—",
                word("effect", language): points(group["points"], language),
            }
            for group in explanation["groups"]
        ],
        columns=[word(key, language) for key in ("group", "moved", "effect")],
    )


def reasons_markdown(explanation: Mapping[str, Any], language: Language) -> str:
    """The API's principal reasons, titled for this recommendation, each with its arrow."""
    reasons: Sequence[Mapping[str, Any]] = explanation["reasons"]
    if not reasons:
        return ""
    title = word(f"reasons_{explanation['recommendation']}", language)
    lines = [f"### {title}", ""]
    lines += [
        f"- {ARROWS[reason['direction']]} {html.escape(reason['text'], quote=False)}"
        for reason in reasons
    ]
    return "\n".join(lines)


class WhyView(Viewer):
    """Reasons, the waterfall in risk points, the weight of each group for all, the table."""

    store = param.ClassSelector(class_=DashboardStore, doc="The session's state.")

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.panel(self._content, sizing_mode="stretch_width")

    @param.depends("store.explanation", "store.model_info")
    def _content(self) -> pn.viewable.Viewable:
        explanation, info = self.store.explanation, self.store.model_info
        if not explanation:
            return pn.Column()  # the recommendation above says why there is nothing to show
        language = explanation.get("language", self.store.language)
        overall = group_shares(info, language)
        figure = waterfall(
            steps(explanation, language), explanation["base_probability"],
            explanation["probability"], explanation["threshold"], language,
        )  # fmt: skip
        # Side by side when there is room, one under the other otherwise; min-width 0 lets
        # a figure shrink to its box instead of overflowing it.
        figures = [
            pn.Column(
                pn.pane.Markdown(
                    f"**{word('steps_title', language)}**\n\n{word('steps_hint', language)}"
                ),
                pn.pane.Bokeh(figure, sizing_mode="stretch_width"),
                sizing_mode="stretch_width",
                styles={"flex": "3 1 440px", "min-width": "0"},
            )
        ]
        if overall:
            figures.append(
                pn.Column(
                    pn.pane.Markdown(
                        f"**{word('importance_title', language)}**\n\n"
                        f"{word('importance_hint', language)}"
                    ),
                    pn.pane.Bokeh(
                        shares(list(overall), list(overall.values()), language),
                        sizing_mode="stretch_width",
                    ),
                    sizing_mode="stretch_width",
                    styles={"flex": "2 1 340px", "min-width": "0"},
                )
            )
        return pn.Column(
            pn.pane.Markdown(f"## {word('why_title', language)}"),
            pn.pane.Markdown(reasons_markdown(explanation, language), sizing_mode="stretch_width"),
            pn.FlexBox(*figures, sizing_mode="stretch_width"),
            pn.pane.HTML(
                table_html(groups_table(explanation, language), nowrap=(word("effect", language),)),
                sizing_mode="stretch_width",
            ),
            sizing_mode="stretch_width",
        )
