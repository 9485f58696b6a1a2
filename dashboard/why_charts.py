"""The figures of "Why this recommendation", in risk points an advisor can say out loud.

The waterfall starts at the risk of an applicant whose factors are all average and adds
the API's groups one at a time, in the order the API gives (largest first), to the
client's risk: each bar is the change in percentage points at its place in that order, so
the bars add up exactly to the client's risk. The limit is a line on the same scale. The
second figure says which groups weigh most over all applicants, as shares of the model's
weight. Labels wrap rather than being cut.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from bokeh.models import ColumnDataSource, HoverTool, Span
from bokeh.plotting import figure

from dashboard.charts import (
    ACCEPTANCE,
    HATCH,
    NEUTRAL,
    REFUSAL,
    TEXT,
    base_figure,
    label,
    wrapped,
)
from dashboard.wording import word
from scoring.wording import Language
from scoring.wording.formats import percent, signed

LINE_PX = 15  # height of one line of an axis label
ROOM = 1.3  # the x axis runs 30 % past the longest bar, for the texts beside the bars


@dataclass(frozen=True)
class Step:
    """One bar of the waterfall: a group (or the rest, summed), its points and its detail."""

    label: str
    points: float  # percentage points at its place in the order
    detail: str  # what moved, for the hover


def _row_px(labels: Sequence[str]) -> int:
    return LINE_PX * max(label.count("\n") + 1 for label in labels) + 14


def waterfall(
    steps: Sequence[Step], base: float, probability: float, threshold: float, language: Language
) -> figure:
    """From the average applicant (top) to this client (bottom), through each group's step."""
    ends = list(itertools.accumulate((step.points for step in steps), initial=100 * base))
    raises = [step.points > 0 for step in steps]
    texts = [
        word("step", language, arrow="▲" if r else "▼", points=signed(step.points, language, 1))
        for r, step in zip(raises, steps, strict=True)
    ]
    labels = [
        wrapped(word("average_applicant", language)),
        *(wrapped(step.label) for step in steps),
        wrapped(word("this_client", language)),
    ]
    rows = len(labels)
    source = ColumnDataSource(
        {
            "y": list(range(rows - 1, -1, -1)),
            "left": [0.0, *(min(pair) for pair in itertools.pairwise(ends)), 0.0],
            "right": [ends[0], *(max(pair) for pair in itertools.pairwise(ends)), ends[-1]],
            "color": [NEUTRAL, *(REFUSAL if r else ACCEPTANCE for r in raises), NEUTRAL],
            "hatch": [" ", *(HATCH if r else " " for r in raises), " "],
            "text": [percent(base, language), *texts, percent(probability, language)],
            "label": [text.replace("\n", " ") for text in labels],
            "detail": ["", *(step.detail for step in steps), ""],
        }
    )
    right_end = max([*source.data["right"], 100 * threshold]) * ROOM
    fig = base_figure(
        60 + rows * _row_px(labels),
        language,
        x_range=(0, right_end),
        y_range=(-0.6, rows - 0.1),
        x_axis_label=word("steps_axis", language),
    )
    _bars(fig, source, hatched=True)
    fig.yaxis.major_label_overrides = {rows - 1 - i: text for i, text in enumerate(labels)}
    limit = percent(threshold, language)
    fig.add_layout(
        Span(location=100 * threshold, dimension="height", line_color=TEXT, line_dash="dashed",
             line_width=2)
    )  # fmt: skip
    right_side = 100 * threshold < right_end / 2  # the label runs where there is room
    label(fig, 100 * threshold, rows - 0.45, word("limit", language, limit=limit),
          text_font_size="9pt", x_offset=4 if right_side else -4,
          text_align="left" if right_side else "right")  # fmt: skip
    fig.add_tools(HoverTool(tooltips=[("", "@label"), ("", "@text"), ("", "@detail")]))
    return fig


def _bars(fig: figure, source: ColumnDataSource, hatched: bool) -> None:
    """Horizontal bars, one a row, each with its text beside it on the side with more room."""
    style = (
        {"fill_color": "color", "line_color": "color", "fill_alpha": 0.55,
         "hatch_pattern": "hatch", "hatch_color": "color"}
        if hatched
        else {"color": NEUTRAL, "alpha": 0.7}
    )  # fmt: skip
    fig.hbar(y="y", left="left", right="right", height=0.7, source=source, **style)
    end = fig.x_range.end
    bars = list(zip(source.data["left"], source.data["right"], strict=True))
    on_right = [end - right >= left for left, right in bars]
    source.data.update(
        text_x=[
            right if side else left for side, (left, right) in zip(on_right, bars, strict=True)
        ],
        text_align=["left" if side else "right" for side in on_right],
        text_offset=[5 if side else -5 for side in on_right],
    )
    fig.text(x="text_x", y="y", text="text", source=source, x_offset="text_offset",
             text_align="text_align", text_baseline="middle", text_font_size="9pt",
             text_color=TEXT, background_fill_color="white",
             background_fill_alpha=0.85)  # fmt: skip
    fig.xaxis.ticker.desired_num_ticks = 5
    fig.yaxis.ticker = list(range(len(source.data["y"])))
    fig.ygrid.visible = False


def shares(labels: Sequence[str], values: Sequence[float], language: Language) -> figure:
    """Each group's share of the model's weight over all applicants, largest first."""
    shown = [wrapped(text) for text in labels]
    rows = len(shown)
    source = ColumnDataSource(
        {
            "y": list(range(rows - 1, -1, -1)),
            "left": [0.0] * rows,
            "right": [100 * value for value in values],
            "text": [percent(value, language, 0) for value in values],
            "label": list(labels),
        }
    )
    fig = base_figure(
        40 + rows * _row_px(shown),
        language,
        x_range=(0, 100 * max(values) * ROOM),
        y_range=(-0.6, rows - 0.4),
    )
    fig.xaxis.visible = False  # each bar says its share; an axis would only repeat it
    _bars(fig, source, hatched=False)
    fig.yaxis.major_label_overrides = {rows - 1 - i: text for i, text in enumerate(shown)}
    fig.add_tools(HoverTool(tooltips=[("", "@label"), ("", "@text")]))
    return fig
