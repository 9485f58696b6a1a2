"""What the dashboard tests share: the text a view would show in a browser, read without one,
and an application record in the layout of POST /clients for the pure functions."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import panel as pn
from bokeh.core.property.vectorization import Value
from bokeh.document import Document
from bokeh.model import Model
from bokeh.models import ColumnDataSource, Plot

# Properties of Bokeh models that a person reads: pane and widget text, labels, titles,
# options, placeholders, axis and legend labels, hover tooltips, a widget's description
# (its "?" tooltip, an HTML model) and tool names.
READ = (
    "text", "label", "labels", "title", "placeholder", "options", "axis_label",
    "major_label_overrides", "tooltips", "content", "value", "html",
)  # fmt: skip
SHOWN_COLUMNS = ("text", "label", "detail")  # the data columns the figures write or hover
_BLOCK = re.compile(r"<style.*?</style>|</?(?:p|div|li|ul|ol|tr|td|th|h\d|br|table)\b[^>]*>", re.S)
_INLINE = re.compile(r"<[^>]+>")  # a link or bold inside a sentence: no space added


def _strings(value: object) -> Iterable[str]:
    """The strings inside a property value: a string, a list, a dict's values, a value spec."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        yield from (s for v in value.values() for s in _strings(v))
    elif isinstance(value, list | tuple):
        yield from (s for v in value for s in _strings(v))
    elif isinstance(value, Value):  # a value spec, e.g. a legend item's label
        yield from _strings(value.value)


def _read(model: Model, name: str) -> Iterable[str]:
    """What a person reads of one property: of a choice its label, of a tooltip its name,
    of a selected value the label of its option (the value itself is a code)."""
    value = getattr(model, name)
    if name == "value" and isinstance(getattr(model, "options", None), list):
        labels = dict(o for o in model.options if isinstance(o, list | tuple))
        value = labels.get(value, value) if labels else value
    if name in ("options", "tooltips") and isinstance(value, list):
        pick = 1 if name == "options" else 0  # (value, label) and (name, "@field") pairs
        value = [v[pick] if isinstance(v, list | tuple) else v for v in value]
    yield from _strings(value)


def _tool_names(model: Model) -> Iterable[str]:
    """A shown toolbar's tool names: its description, or Bokeh's English default."""
    if isinstance(model, Plot) and model.toolbar_location is not None:
        for tool in model.toolbar.tools:
            yield tool.description or re.sub(r"(?<!^)(?=[A-Z])", " ", type(tool).__name__[:-4])


def visible_texts(viewable: pn.viewable.Viewable | pn.viewable.Viewer) -> list[str]:
    """Every string the view would show, HTML reduced to its text, tags and styles left out."""
    root = pn.panel(viewable).get_root(Document())
    texts: list[str] = []
    for model in root.references():
        if isinstance(model, ColumnDataSource):
            texts += [str(v) for c in SHOWN_COLUMNS for v in model.data.get(c, ())]
            continue
        texts += _tool_names(model)
        texts += [s for name in READ if name in model.properties() for s in _read(model, name)]
    # Panel sends HTML escaped: unescape, drop the tags and styles, unescape the text.
    return [
        html.unescape(_INLINE.sub("", _BLOCK.sub(" ", html.unescape(text))))
        for text in texts
        if text
    ]


def rendered_text(viewable: pn.viewable.Viewable | pn.viewable.Viewer) -> str:
    """All the view's text in one string, for ``in`` checks."""
    return " ".join(visible_texts(viewable))


# An application and history in the layout of POST /clients, as input for the pure
# functions (profile rows, scenario grid); what the API says about clients is never written
# by hand: those tests ask the service.
APPLICATION = {
    "SK_ID_CURR": 100002,
    "NAME_CONTRACT_TYPE": "Cash loans",
    "CODE_GENDER": "F",
    "FLAG_OWN_CAR": "N",
    "FLAG_OWN_REALTY": "Y",
    "CNT_CHILDREN": 1,
    "AMT_INCOME_TOTAL": 150000.0,
    "AMT_CREDIT": 500000.0,
    "AMT_ANNUITY": 25000.0,
    "AMT_GOODS_PRICE": 450000.0,
    "NAME_INCOME_TYPE": "Pensioner",
    "NAME_EDUCATION_TYPE": "Higher education",
    "NAME_FAMILY_STATUS": "Married",
    "NAME_HOUSING_TYPE": "House / apartment",
    "DAYS_BIRTH": -13795,
    "DAYS_EMPLOYED": 365243,
    "OWN_CAR_AGE": None,
    "EXT_SOURCE_3": 0.26,
}
HISTORY = {
    "bureau": [{"SK_ID_CURR": 100002, "SK_ID_BUREAU": 5000001, "CREDIT_ACTIVE": "Closed"}],
    "bureau_balance": [{"SK_ID_BUREAU": 5000001, "MONTHS_BALANCE": -1, "STATUS": "C"}],
}
