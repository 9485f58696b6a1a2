"""The dashboard's figures, drawn with Bokeh so that every mark can carry a hatch and a label.

Colour never carries meaning alone (WCAG 1.4.1): the refusal side is Okabe-Ito vermillion
*and* hatched *and* marked ▲ with words; the acceptance side is Okabe-Ito blue, plain and
marked ▼. Both colours are distinguishable with the common colour-vision deficiencies,
and text is drawn in near-black on white (contrast above 15:1). Numbers on the axes follow
the advisor's language ("0,5" in French).
"""

from __future__ import annotations

import math
import textwrap

from bokeh.models import CustomJSTickFormatter, Label
from bokeh.plotting import figure

from dashboard.formatting import band_points
from dashboard.wording import word
from scoring.wording import Language
from scoring.wording.formats import percent

REFUSAL = "#D55E00"  # Okabe-Ito vermillion: raises the risk, refusal side
ACCEPTANCE = "#0072B2"  # Okabe-Ito blue: lowers the risk, acceptance side
REVIEW = "#E69F00"  # Okabe-Ito orange: the review band around the limit, a person decides
NEUTRAL = "#6E6E6E"  # grey, 5.1:1 on white
TEXT = "#1A1A1A"
HATCH = "/"
LABEL_WIDTH = 30  # characters per line of an axis label; longer labels wrap, never cut
# Rows of the gauge, in data units: the bar, the limit's label (two lines with the review
# band), the client's marker.
BAR_TOP, LIMIT_ROW, CLIENT_ROW, GAUGE_TOP = 1.0, 1.2, 2.2, 2.6
GAUGE_HEIGHT = 200


LOCALES = {"en": "en-GB", "fr": "fr-FR"}  # British English, as in the rest of the product


def axis_numbers(language: Language, percent_of_one: bool = False) -> CustomJSTickFormatter:
    """Axis numbers in the advisor's notation ("0,5" and "100 000" in French).

    The browser's own number formatting does it: Bokeh's numeral formatter ignores its
    ``language`` (its language files are not bundled). ``percent_of_one`` reads 0.25 as 25 %.
    """
    locale = LOCALES[language]
    unit = "\u202f%" if language == "fr" else "%"
    value = "tick * 100" if percent_of_one else "tick"
    suffix = f" + '{unit}'" if percent_of_one else ""
    return CustomJSTickFormatter(
        code=f"return ({value}).toLocaleString('{locale}', {{maximumFractionDigits: 2}}){suffix};"
    )


def base_figure(height: int, language: Language, **options) -> figure:
    """A figure without toolbar, its numbers written in ``language``."""
    fig = figure(height=height, sizing_mode="stretch_width", toolbar_location=None, **options)
    fig.outline_line_color = None
    fig.grid.grid_line_alpha = 0.3
    fig.axis.axis_label_text_color = TEXT
    fig.axis.major_label_text_color = TEXT
    fig.axis.axis_label_text_font_style = "normal"
    fig.xaxis.formatter = axis_numbers(language)
    return fig


def wrapped(label: str, width: int = LABEL_WIDTH) -> str:
    """A label on as many lines as it needs; a French " :" never starts a line."""
    return textwrap.fill(label.replace(" :", "\u00a0:"), width)


def label(fig: figure, x: float, y: float, text: str, **style) -> None:
    """Text on a white background, so a line behind it never makes it hard to read."""
    style = {"text_color": TEXT, "text_font_size": "10pt", "background_fill_color": "white",
             "background_fill_alpha": 0.85, **style}  # fmt: skip
    fig.add_layout(Label(x=x, y=y, text=text, **style))


def gauge_upper(probability: float, threshold: float, band: float = 0.0) -> float:
    """Right end of the gauge in %: room for the threshold, its band and the client, in
    5-point steps."""
    upper = max(3 * threshold, threshold + 3 * band, 1.25 * probability, 0.05) * 100
    return min(100.0, 5 * math.ceil(upper / 5))


def gauge(probability: float, threshold: float, language: Language, band: float = 0.0) -> figure:
    """A linear gauge: the grant zone, the review band around the limit (shaded: a person
    decides), the hatched refusal zone, and the client's risk marked.

    The limit's label (which names the band) and the client's sit on two rows above the
    bar, so they never overlap however close the risk is to the limit; each runs towards the
    side with room.
    """
    p, t, b = probability * 100, threshold * 100, band * 100
    upper = gauge_upper(probability, threshold, band)
    fig = base_figure(
        GAUGE_HEIGHT, language, x_range=(0, upper), y_range=(0, GAUGE_TOP),
        x_axis_label=word("risk_axis", language),
    )  # fmt: skip
    fig.yaxis.visible = False
    fig.ygrid.visible = False
    low, high = max(t - b, 0.0), min(t + b, upper)
    fig.quad(left=0, right=low, bottom=0, top=BAR_TOP, color=ACCEPTANCE, alpha=0.35)
    if high > low:
        fig.quad(left=low, right=high, bottom=0, top=BAR_TOP, color=REVIEW, alpha=0.55)
    fig.quad(left=high, right=upper, bottom=0, top=BAR_TOP, fill_color=REFUSAL, fill_alpha=0.35,
             line_color=None, hatch_pattern=HATCH, hatch_color=REFUSAL)  # fmt: skip
    fig.segment(x0=[t], y0=[0], x1=[t], y1=[LIMIT_ROW + 0.3], line_color=TEXT, line_width=2)
    label(fig, low / 2, 0.4, word("grant_zone", language), text_align="center")
    label(fig, (high + upper) / 2, 0.4, word("refusal_zone", language), text_align="center")
    said = word("limit", language, limit=percent(threshold, language))
    if band:  # on a second line: it would run off a narrow gauge on the first
        said += "\n" + word("band_note", language, band=band_points(band, language))
    limit_right = t < upper / 2
    label(fig, t, LIMIT_ROW, said, text_align="left" if limit_right else "right",
          x_offset=5 if limit_right else -5)  # fmt: skip
    marker = min(p, upper)
    fig.scatter([marker], [CLIENT_ROW], marker="inverted_triangle", size=16, color=TEXT)
    room_on_right = marker < upper / 2
    label(fig, marker, CLIENT_ROW, word("client_marker", language,
                                        risk=percent(probability, language)),
          text_font_style="bold", text_align="left" if room_on_right else "right",
          x_offset=12 if room_on_right else -12, y_offset=-8)  # fmt: skip
    return fig
