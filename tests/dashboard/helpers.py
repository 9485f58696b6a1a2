"""Rendering a view without a browser, to assert on what it would show."""

from __future__ import annotations

import html

import panel as pn
from bokeh.document import Document


def rendered_text(viewable: pn.viewable.Viewable | pn.viewable.Viewer) -> str:
    """All text of the Bokeh models the view would send to the browser, unescaped."""
    root = pn.panel(viewable).get_root(Document())
    texts = [
        getattr(model, attribute, None)
        for model in root.references()
        for attribute in ("text", "label", "title")  # panes, widgets, tabs
    ]
    return html.unescape(" ".join(t for t in texts if isinstance(t, str)))
