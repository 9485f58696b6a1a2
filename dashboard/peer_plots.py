"""The peer figures, in HoloViews: group distributions and a rasterised map of every client.

Colour never carries meaning alone: each group also has its own line style and hatch and
a legend entry in words; the client is a black line or star with a text label. Groups use
the Okabe-Ito colours of :mod:`dashboard.charts` (vermillion and hatched for the risky side,
as there); the score uses cividis, readable with every common colour-vision deficiency.
Datashader draws the 300k clients as an image, re-aggregated on zoom, so the browser
never receives the points.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import holoviews as hv
import holoviews.plotting.bokeh  # the Bokeh backend the options below are for
import numpy as np
import pandas as pd

from dashboard.charts import ACCEPTANCE, REFUSAL, TEXT, axis_numbers
from dashboard.peer_groups import Group
from dashboard.peer_wording import peer_word
from dashboard.snapshot import SnapshotMissing, load_snapshot
from scoring.wording import Language

FOCUS = "#009E73"  # Okabe-Ito bluish green (3.3:1 on white, above the 3:1 for graphics)
SCORE_COLORMAP = "cividis"
HEIGHT = 320


@dataclass(frozen=True)
class Style:
    """How one group is drawn: colour, line dash, hatch and fill, so each differs twice.

    The second group of a pair is drawn unfilled on top, so the first stays visible.
    """

    color: str
    dash: str
    hatch: str
    fill_alpha: float


STYLES = {
    "similar": Style(FOCUS, "solid", ".", 0.3),
    "neighbours": Style(FOCUS, "solid", ".", 0.3),
    "all": Style(TEXT, "dashed", " ", 0.0),
    "repaid": Style(ACCEPTANCE, "solid", " ", 0.3),
    "defaulted": Style(REFUSAL, "dashed", "/", 0.0),
    "granted": Style(ACCEPTANCE, "solid", " ", 0.3),
    "refused": Style(REFUSAL, "dashed", "/", 0.0),
}
# Bokeh shows each tool's name on hover, in English unless told: the wording key of each.
TOOL_WORDS = {
    "PanTool": "tool_pan",
    "WheelZoomTool": "tool_wheel_zoom",
    "BoxZoomTool": "tool_box_zoom",
    "ResetTool": "tool_reset",
    "SaveTool": "tool_save",
    "HoverTool": "tool_hover",
}
# The map averages the risk over cells of 4 × 4 screen pixels: single pixels hold too few
# clients for a stable mean; the cells keep this size when zooming.
CELL_PIXELS = 4


def _hatch(pattern: str):
    """A Bokeh hook: HoloViews histograms have no hatch option of their own."""

    def hook(plot, element) -> None:
        glyph = plot.handles["glyph"]
        glyph.hatch_pattern, glyph.hatch_color = pattern, glyph.line_color

    return hook


def _toolbar(language: Language):
    """A Bokeh hook: the tools' hover names in the advisor's language, and no Bokeh logo."""

    def hook(plot, element) -> None:
        for tool in plot.state.tools:
            key = TOOL_WORDS.get(type(tool).__name__)
            tool.description = peer_word(key, language) if key else tool.description
        plot.state.toolbar.logo = None

    return hook


def distribution(
    values: np.ndarray,
    groups: Sequence[Group],
    names: Sequence[str],
    edges: np.ndarray,
    labels: tuple[str, str],
    client_value: float | None,
    client_label: str,
    language: Language,
) -> hv.Overlay:
    """Per group, the share of its clients (known values) in each bar, the client's value marked.

    Shares rather than densities: the height reads "12 % of similar clients are here",
    whatever the unit of the characteristic, and groups of any size compare on one scale.
    """
    axis_label, share_label = labels
    layers = []
    for group, name in zip(groups, names, strict=True):
        known = values[group.mask]
        known = known[~np.isnan(known)]
        counts = np.histogram(known, edges)[0]
        share = 100.0 * counts / known.size if known.size else 0.0 * counts
        style = STYLES[group.key]
        layers.append(
            hv.Histogram((edges, share), kdims=[axis_label], vdims=[share_label], label=name)
            .opts(fill_color=style.color, fill_alpha=style.fill_alpha, line_color=style.color,
                  line_dash=style.dash, line_width=2, hooks=[_hatch(style.hatch)])
        )  # fmt: skip
    overlay = hv.Overlay(layers)
    if client_value is not None and not np.isnan(client_value):
        top = max((float(np.max(layer.data[share_label])) for layer in layers), default=1.0)
        shown = float(np.clip(client_value, edges[0], edges[-1]))
        # The label runs towards the middle, so it is never cut at the plot's edge.
        left = shown > (edges[0] + edges[-1]) / 2
        label = hv.Text(
            shown,
            top * 1.05,
            f"{client_label} " if left else f" {client_label}",
            halign="right" if left else "left",
            fontsize=11,
        ).opts(text_color=TEXT, text_font_style="bold", background_fill_color="white")
        overlay = overlay * hv.VLine(shown).opts(color=TEXT, line_width=3) * label
    return overlay.opts(
        height=HEIGHT, responsive=True, legend_position="top", show_grid=True, title="",
        toolbar=None, default_tools=[], xformatter=axis_numbers(language),
        yformatter=axis_numbers(language),
    )  # fmt: skip


def score_map(
    snapshot: pd.DataFrame,
    x: str,
    y: str,
    labels: tuple[str, str, str],
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    client: tuple[float, float] | None,
    client_label: str,
    language: Language,
) -> hv.DynamicMap:
    """Every client at (x, y), coloured by the mean probability of default per pixel."""
    import datashader as ds  # ~1 s of numba start-up: paid here, not when the app starts
    from holoviews.operation.datashader import rasterize

    x_label, y_label, score_label = labels
    # Fixed column names, labels only as dimension labels: datashader compiles its
    # aggregation once per column-name pair, so human labels as names cost a ~0.3 s
    # recompile on every new pair. Built column by column, x or y may be the score itself.
    # One dtype for every pair as well: numba compiles the aggregation once per signature.
    frame = pd.DataFrame(
        {"x": snapshot[x].to_numpy(np.float64), "y": snapshot[y].to_numpy(np.float64),
         "score": snapshot["probability"].to_numpy(np.float64)}
    )  # fmt: skip
    kdims = [hv.Dimension("x", label=x_label), hv.Dimension("y", label=y_label)]
    points = hv.Points(frame, kdims=kdims, vdims=[hv.Dimension("score", label=score_label)])
    image = rasterize(points, aggregator=ds.mean("score"), x_range=x_range, y_range=y_range,
                      pixel_ratio=1 / CELL_PIXELS)  # fmt: skip
    upper = float(np.nanquantile(snapshot["probability"], 0.99)) if len(snapshot) else 1.0
    image = image.opts(cmap=SCORE_COLORMAP, colorbar=True, clabel=score_label, clim=(0, upper),
                       tools=["hover"], responsive=True, height=HEIGHT + 80,
                       xlim=x_range, ylim=y_range, xformatter=axis_numbers(language),
                       yformatter=axis_numbers(language),
                       cformatter=axis_numbers(language, percent_of_one=True),
                       hooks=[_toolbar(language)])  # fmt: skip
    if client is None or any(v is None or np.isnan(v) for v in client):
        return image
    cx = float(np.clip(client[0], *x_range))
    cy = float(np.clip(client[1], *y_range))
    star = hv.Points([(cx, cy)], kdims=kdims).opts(
        marker="star", size=32, fill_color="white", line_color=TEXT, line_width=3
    )
    left = cx > sum(x_range) / 2
    text = hv.Text(cx, cy, f"{client_label}  " if left else f"  {client_label}",
                   halign="right" if left else "left", valign="bottom", fontsize=12)  # fmt: skip
    # White behind the label: near-black text stays readable on the dark end of cividis.
    text = text.opts(text_color=TEXT, text_font_style="bold", background_fill_color="white",
                     background_fill_alpha=0.85)  # fmt: skip
    return image * text * star  # the star on top, never hidden by its label


def warm_up(snapshot_path: str | Path) -> None:
    """Load the snapshot and draw a three-client map ahead of the first peer comparison
    (run in the background once the server answers).

    The first aggregation compiles datashader's numba kernels, over a second on two cores;
    a tiny map with the same column names and types compiles them. The snapshot goes into
    the process-wide cache the sessions read.
    """
    with contextlib.suppress(SnapshotMissing):  # the peer tab will say how to make one
        load_snapshot(snapshot_path)
    tiny = pd.DataFrame(
        {"x": [0.1, 0.5, 0.9], "y": [0.2, 0.4, 0.6], "probability": [0.1, 0.2, 0.3]}
    )
    plot = score_map(tiny, "x", "y", ("x", "y", "risk"), (0.0, 1.0), (0.0, 1.0), None, "", "en")
    hv.render(plot, backend="bokeh")
