"""The dashboard's figures, drawn with Bokeh so that every mark can carry a hatch and a label.

Colour never carries meaning alone (WCAG 1.4.1): the refusal side is Okabe-Ito vermillion
*and* hatched *and* marked ▲ with words; the acceptance side is Okabe-Ito blue, plain and
marked ▼. Both colours are distinguishable with the common colour-vision deficiencies,
and text is drawn in near-black on white (contrast above 15:1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from bokeh.models import ColumnDataSource, HoverTool, Label, Span
from bokeh.plotting import figure

from dashboard.wording import word
from scoring.wording import Language
from scoring.wording.formats import percent, signed

REFUSAL = "#D55E00"  # Okabe-Ito vermillion: raises the risk, refusal side
ACCEPTANCE = "#0072B2"  # Okabe-Ito blue: lowers the risk, acceptance side
NEUTRAL = "#6E6E6E"  # grey, 5.1:1 on white
TEXT = "#1A1A1A"
HATCH = "/"
MAX_LABEL = 42


@dataclass(frozen=True)
class Bar:
    """One factor of a waterfall: its label, its SHAP value and the client's value."""

    label: str
    contribution: float
    value: str


def _figure(height: int, **options) -> figure:
    fig = figure(height=height, sizing_mode="stretch_width", toolbar_location=None, **options)
    fig.outline_line_color = None
    fig.grid.grid_line_alpha = 0.3
    fig.axis.axis_label_text_color = TEXT
    fig.axis.major_label_text_color = TEXT
    fig.axis.axis_label_text_font_style = "normal"
    return fig


def gauge_upper(probability: float, threshold: float) -> float:
    """Right end of the gauge in %: room for the threshold and the client, 5-point steps."""
    upper = max(3 * threshold, 1.25 * probability, 0.05) * 100
    return min(100.0, 5 * math.ceil(upper / 5))


def gauge(probability: float, threshold: float, language: Language) -> figure:
    """A linear gauge: hatched refusal zone from the limit, the client's risk marked."""
    p, t = probability * 100, threshold * 100
    upper = gauge_upper(probability, threshold)
    fig = _figure(
        150, x_range=(0, upper), y_range=(0, 1.7), x_axis_label=word("risk_axis", language)
    )
    fig.yaxis.visible = False
    fig.ygrid.visible = False
    fig.quad(left=0, right=t, bottom=0, top=1, color=ACCEPTANCE, alpha=0.35)
    fig.quad(
        left=t,
        right=upper,
        bottom=0,
        top=1,
        fill_color=REFUSAL,
        fill_alpha=0.35,
        line_color=None,
        hatch_pattern=HATCH,
        hatch_color=REFUSAL,
    )
    fig.add_layout(Span(location=t, dimension="height", line_color=TEXT, line_width=2))
    # The client's label on the side away from the limit, the limit's on the other side.
    below = p < t
    limit = word("limit", language, limit=percent(threshold, language))
    _label(
        fig,
        t,
        1.05,
        limit,
        x_offset=-4 if not below else 4,
        text_align="left" if below else "right",
    )
    _label(fig, t / 2, 0.4, word("grant_zone", language), text_align="center")
    _label(fig, (t + upper) / 2, 0.4, word("refusal_zone", language), text_align="center")
    marker = min(p, upper)
    fig.scatter([marker], [1.4], marker="inverted_triangle", size=16, color=TEXT)
    client = word("client_marker", language, risk=percent(probability, language))
    # The label goes on the side of the marker with more room, so it is never clipped.
    room_on_right = marker < upper / 2
    _label(
        fig,
        marker,
        1.4,
        client,
        text_font_style="bold",
        text_align="left" if room_on_right else "right",
        x_offset=12 if room_on_right else -12,
        y_offset=-7,
    )
    return fig


def waterfall(bars: Sequence[Bar], base: float, threshold: float, language: Language) -> figure:
    """SHAP waterfall in log-odds from the average client, strongest factor on top.

    Each bar starts where the previous one ended; bars that raise the risk are vermillion,
    hatched and labelled ▲, those that lower it blue and ▼. The dashed line is the limit.
    """
    n = len(bars)
    ends = (base + np.cumsum([bar.contribution for bar in bars])).tolist()
    starts = [base, *ends[:-1]]
    raises = [bar.contribution > 0 for bar in bars]
    source = ColumnDataSource(
        {
            "y": [n - 1 - i for i in range(n)],
            "left": [min(a, b) for a, b in zip(starts, ends, strict=True)],
            "right": [max(a, b) for a, b in zip(starts, ends, strict=True)],
            "color": [REFUSAL if r else ACCEPTANCE for r in raises],
            "hatch": [HATCH if r else " " for r in raises],
            "label": [bar.label for bar in bars],
            "value": [bar.value for bar in bars],
            "text": [
                f"{'▲' if r else '▼'} {signed(bar.contribution, language)}"
                for r, bar in zip(raises, bars, strict=True)
            ],
        }
    )
    fig = _figure(70 + 34 * n, y_range=(-0.6, n), x_axis_label=word("waterfall_axis", language))
    fig.x_range.range_padding = 0.3  # room for the ▲/▼ labels at the bar ends
    fig.hbar(
        y="y",
        left="left",
        right="right",
        height=0.7,
        source=source,
        fill_color="color",
        line_color="color",
        fill_alpha=0.55,
        hatch_pattern="hatch",
        hatch_color="color",
    )
    fig.text(
        x="right",
        y="y",
        text="text",
        source=source,
        x_offset=4,
        y_offset=7,
        text_font_size="9pt",
        text_color=TEXT,
    )
    fig.yaxis.ticker = list(range(n))
    fig.yaxis.major_label_overrides = {n - 1 - i: _short(b.label) for i, b in enumerate(bars)}
    fig.ygrid.visible = False
    limit = math.log(threshold / (1 - threshold))
    fig.add_layout(Span(location=limit, dimension="height", line_color=TEXT, line_dash="dashed"))
    fig.add_layout(Span(location=base, dimension="height", line_color=NEUTRAL))
    top = n - 0.55  # above the first bar
    _label(fig, limit, top, f"┆ {word('limit_line', language)}", text_font_size="9pt")
    _label(fig, base, top, f"│ {word('average_client', language)}", text_font_size="9pt")
    fig.add_tools(HoverTool(tooltips=[("", "@label"), ("", "@value"), ("", "@text")]))
    return fig


def importance(labels: Sequence[str], values: Sequence[float], language: Language) -> figure:
    """Mean |SHAP| over the portfolio: which factors matter for all clients."""
    n = len(labels)
    source = ColumnDataSource(
        {"y": [n - 1 - i for i in range(n)], "right": list(values), "label": list(labels)}
    )
    fig = _figure(60 + 28 * n, x_axis_label=word("importance_axis", language))
    fig.hbar(y="y", left=0, right="right", height=0.7, source=source, color=NEUTRAL, alpha=0.7)
    fig.yaxis.ticker = list(range(n))
    fig.yaxis.major_label_overrides = {n - 1 - i: _short(label) for i, label in enumerate(labels)}
    fig.ygrid.visible = False
    fig.add_tools(HoverTool(tooltips=[("", "@label"), ("", "@right{0.000}")]))
    return fig


def _label(fig: figure, x: float, y: float, text: str, **style) -> None:
    style = {"text_color": TEXT, "text_font_size": "10pt", **style}
    fig.add_layout(Label(x=x, y=y, text=text, **style))


def _short(label: str) -> str:
    """Axis labels stay on one line; the hover shows the full label."""
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"
