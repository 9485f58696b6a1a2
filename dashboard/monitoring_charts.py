"""The Monitoring view's figures, in HoloViews: the score's stability index day by day against
the thresholds, how many features were to watch or needed action each day, and the default
rate expected and observed by month of decision.

Colour never carries meaning alone: each threshold line is named on the figure, the "action
needed" bars and the observed default rates are hatched as well as vermillion, and every
series has a legend entry in words. Dates and numbers follow the supervisor's language.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from itertools import pairwise

import holoviews as hv
import holoviews.plotting.bokeh  # the Bokeh backend the options below are for
import pandas as pd
from bokeh.models import CustomJSTickFormatter, HoverTool, Legend, LegendItem
from bokeh.transform import factor_hatch

from dashboard.charts import (
    ACCEPTANCE,
    HATCH,
    LOCALES,
    NEUTRAL,
    REFUSAL,
    REVIEW,
    TEXT,
    axis_numbers,
)
from dashboard.monitoring_summary import Document, day_of, index_text, labels, month_name
from dashboard.wording import word
from scoring.wording import Language
from scoring.wording.formats import date, number, percent

HEIGHT = 260
DAY = timedelta(days=1)
MONTHS_WIDE = 4  # months that fill the figure's width
TOP_IN_HOVER = 3  # features named when pointing at a day (the document keeps three a day)


def _day_axis(language: Language) -> CustomJSTickFormatter:
    """Dates on an axis in the supervisor's language: "6 Mar" / "6 mars" (UTC days)."""
    locale = LOCALES[language]
    return CustomJSTickFormatter(
        code=f"return new Date(tick).toLocaleDateString('{locale}', "
        "{day: 'numeric', month: 'short', timeZone: 'UTC'});"
    )


def _hatch(pattern: str):
    """A Bokeh hook: HoloViews rectangles have no hatch option of their own."""

    def hook(plot, element) -> None:
        glyph = plot.handles["glyph"]
        glyph.hatch_pattern, glyph.hatch_color = pattern, glyph.line_color

    return hook


def _plain_axes(plot, element) -> None:
    """A Bokeh hook: axis titles upright and near-black, as in the other figures."""
    plot.state.axis.axis_label_text_font_style = "normal"
    plot.state.axis.axis_label_text_color = TEXT
    plot.state.axis.major_label_text_color = TEXT


def period_range(document: Document) -> tuple[datetime, datetime]:
    """The days the figures span: the whole period asked for, so one counted day shows where
    it falls (the API always says it); the days counted when a period is open-ended."""
    period = document["period"]
    starts = [datetime.combine(day_of(w["start"]), time()) for w in document["windows"]]
    first = datetime.fromisoformat(period["since"]) if period["since"] else min(starts)
    last = datetime.fromisoformat(period["until"]) if period["until"] else max(starts) + DAY
    return first, last


def _width(starts: Sequence[datetime]) -> timedelta:
    """A window's length: a day, or the smallest gap between windows when they are shorter."""
    return min([DAY, *(b - a for a, b in pairwise(starts) if b > a)])


def _days(document: Document, language: Language) -> pd.DataFrame:
    """One row a counted window: its start, index, counts and what a pointer shows."""
    names = labels(document, language)
    rows = []
    for w in document["windows"]:
        start = datetime.fromisoformat(w["start"]).replace(tzinfo=None)
        moved = ", ".join(
            f"{names.get(t['name'], t['name'])} ({index_text(t['psi'], language)})"
            for t in w["top"][:TOP_IN_HOVER]
        )
        rows.append({
            "day": start, "psi": w["score_psi"], "watch": w["watch"], "act": w["act"],
            "label": date(start.date(), language), "count": number(w["applications"], language),
            "index": index_text(w["score_psi"], language), "detail": moved,
        })  # fmt: skip
    return pd.DataFrame(
        rows, columns=["day", "psi", "watch", "act", "label", "count", "index", "detail"]
    )


def drift_figure(document: Document, language: Language) -> hv.Overlay:
    """The score's stability index each day, the watch and action thresholds drawn and named."""
    days = _days(document, language)
    days["day"] += _width(list(days["day"])) / 2  # each day's point in its middle
    first, last = period_range(document)
    watch, act = document["thresholds"]["watch"], document["thresholds"]["act"]
    top = max([act * 1.6, *(1.15 * p for p in days["psi"].dropna())])
    x = hv.Dimension("day", label=word("mon_day", language))
    y = hv.Dimension("psi", label=word("mon_index_axis", language))
    hover = HoverTool(tooltips=[
        (word("mon_day", language), "@label"), (word("mon_applications", language), "@count"),
        (word("mon_index", language), "@index"), (word("mon_moved_most", language), "@detail"),
    ])  # fmt: skip
    vdims = [y, "label", "count", "index", "detail"]
    line = hv.Curve(days, x, y).opts(color=ACCEPTANCE, line_width=2)
    points = hv.Scatter(days, x, vdims).opts(color=ACCEPTANCE, size=9, tools=[hover])
    lines = []
    for value, colour, key, dash in ((watch, REVIEW, "mon_watch_line", "dashed"),
                                     (act, REFUSAL, "mon_act_line", "solid")):  # fmt: skip
        said = word(key, language, watch=index_text(watch, language), act=index_text(act, language))
        lines.append(hv.HLine(value).opts(color=colour, line_dash=dash, line_width=2))
        # On the left: the latest days, on the right, are the ones a supervisor reads.
        lines.append(
            hv.Text(first, value, f" {said}", halign="left", valign="bottom", fontsize=10).opts(
                text_color=TEXT, background_fill_color="white", background_fill_alpha=0.85
            )
        )
    return hv.Overlay([*lines, line, points]).opts(
        height=HEIGHT, responsive=True, show_grid=True, xlim=(first, last), ylim=(0, top),
        xlabel=x.label, ylabel=y.label, toolbar=None, default_tools=[],
        xformatter=_day_axis(language), yformatter=axis_numbers(language), hooks=[_plain_axes],
    )  # fmt: skip


def counts_figure(document: Document, language: Language) -> hv.Overlay:
    """How many features were to watch, and needed action (hatched), each day, stacked."""
    days = _days(document, language)
    first, last = period_range(document)
    width = _width(list(days["day"]))
    left, right = days["day"] + 0.15 * width, days["day"] + 0.85 * width
    high = max([3, *(days["watch"] + days["act"])])
    x = hv.Dimension("x0", label=word("mon_day", language))
    y = hv.Dimension("y0", label=word("mon_counts_axis", language))
    kdims = [x, y, "x1", "y1"]
    act = hv.Rectangles(
        (left, 0 * days["act"], right, days["act"]), kdims, label=word("mon_legend_act", language)
    ).opts(color=REFUSAL, fill_alpha=0.45, line_color=REFUSAL, hooks=[_hatch(HATCH)])
    watch = hv.Rectangles(
        (left, days["act"], right, days["act"] + days["watch"]), kdims,
        label=word("mon_legend_watch", language),
    ).opts(color=REVIEW, fill_alpha=0.6, line_color=REVIEW)  # fmt: skip
    return (act * watch).opts(
        height=HEIGHT + 40, responsive=True, show_grid=True, xlim=(first, last),
        ylim=(0, high * 1.15), legend_position="top", legend_cols=2, toolbar=None, default_tools=[],
        xformatter=_day_axis(language), yformatter=axis_numbers(language), hooks=[_plain_axes],
    )  # fmt: skip


def vintage_figure(document: Document, language: Language) -> hv.Bars:
    """The default rate of the credits granted by month of decision: expected by the model
    and, once repayments are known, observed (hatched); each bar says its rate, and a month
    whose repayments are not known yet says so where its observed bar would be."""
    expected, observed = (
        word("mon_legend_expected", language),
        word("mon_legend_observed", language),
    )
    rows, pending = [], []
    for v in document["vintages"]:
        month = month_name(v["month"], language)
        for name, rate in ((expected, v["expected_default_rate"]),
                           (observed, v["observed_default_rate"])):  # fmt: skip
            if rate is not None:
                rows.append((month, name, 100 * rate, percent(rate, language)))
            elif name == observed:
                pending.append(month)
    # Series by series: HoloViews draws grouped bars in that order, and maps the colours in
    # the frame's order.
    frame = pd.DataFrame(rows, columns=["month", "series", "rate", "text"])
    series = [s for s in (expected, observed) if frame["series"].eq(s).any()]
    frame = frame.sort_values("series", key=lambda c: c.map(series.index), kind="stable")
    notes = {
        "months": len(document["vintages"]),
        "texts": list(frame["text"]),
        "pending": pending if observed in series else [],
        "pending_text": word("mon_pending", language),
    }
    kdims = [hv.Dimension("month", label=word("mon_col_month", language)),
             hv.Dimension("series", values=series)]  # fmt: skip
    rate = hv.Dimension("rate", label=word("mon_rate_axis", language))
    return hv.Bars(frame, kdims, [rate, "text"]).opts(
        color=hv.dim("series").categorize({expected: NEUTRAL, observed: REFUSAL}),
        multi_level=False, height=HEIGHT, responsive=True, show_grid=True, toolbar=None,
        default_tools=[], yformatter=axis_numbers(language),
        ylim=(0, max([1.0, *(1.3 * frame["rate"])])),
        hooks=[_series_legend(series, observed, notes), _plain_axes],
    )  # fmt: skip


def _series_legend(series: Sequence[str], observed: str, notes: dict):
    """A Bokeh hook: observed bars hatched, a legend naming each series above the figure
    (grouped bars have none of their own), each bar's rate written on it, and "not known
    yet" where a month's observed bar is missing."""

    def hook(plot, element) -> None:
        fig, glyph, source = plot.state, plot.handles["glyph"], plot.handles["source"]
        # Room either side of fewer than four months: one month's bars never fill the width.
        fig.x_range.range_padding_units = "absolute"
        fig.x_range.range_padding = max(0.0, MONTHS_WIDE - notes["months"])
        glyph.hatch_pattern = factor_hatch("series", [" ", HATCH], list(series))
        glyph.hatch_color = "white"
        names = list(source.data["series"])
        items = [
            LegendItem(label=s, renderers=[plot.handles["glyph_renderer"]], index=names.index(s))
            for s in series
        ]
        fig.add_layout(
            Legend(items=items, orientation="horizontal", location="top_left", border_line_alpha=0),
            "above",
        )
        style = {"text_font_size": "9pt", "text_color": TEXT}
        fig.text(x=list(source.data["xoffsets"]), y=list(source.data["rate"]),
                 text=notes["texts"], text_align="center", text_baseline="bottom",
                 y_offset=-2, **style)  # fmt: skip
        if notes["pending"]:
            fig.text(x=[[m, observed] for m in notes["pending"]], y=[0] * len(notes["pending"]),
                     text=[notes["pending_text"]] * len(notes["pending"]), angle=math.pi / 2,
                     text_align="left", text_baseline="middle", x_offset=0, y_offset=-6,
                     **style)  # fmt: skip

    return hook
