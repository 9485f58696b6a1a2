"""Tables an advisor reads line by line: left-aligned, the first cell heading its row.

Panel's DataFrame pane keeps pandas' right alignment, which makes sentences hard to read;
this writes the HTML itself, with row headers a screen reader announces with each value.
"""

from __future__ import annotations

import html

import pandas as pd

CELL = "text-align: left; vertical-align: top; padding: 4px 12px 4px 0"
ROW = "border-top: 1px solid #D0D5DA"


def _cell(tag: str, value: object, style: str, scope: str = "") -> str:
    scoped = f' scope="{scope}"' if scope else ""
    return f'<{tag}{scoped} style="{style}">{html.escape(str(value), quote=False)}</{tag}>'


def table_html(frame: pd.DataFrame, nowrap: tuple[str, ...] = ()) -> str:
    """``frame`` as a table; the columns named in ``nowrap`` keep each value on one line."""
    columns = list(frame.columns)
    styles = [CELL + ("; white-space: nowrap" if c in nowrap else "") for c in columns]
    head = "".join(_cell("th", c, s, "col") for c, s in zip(columns, styles, strict=True))
    body = "".join(
        f'<tr style="{ROW}">'
        + _cell("th", values[0], styles[0] + "; font-weight: normal", "row")
        + "".join(_cell("td", v, s) for v, s in zip(values[1:], styles[1:], strict=True))
        + "</tr>"
        for values in frame.itertuples(index=False)
    )
    return (
        '<table style="border-collapse: collapse; width: 100%">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )
