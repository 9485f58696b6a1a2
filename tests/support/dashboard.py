"""What the dashboard tests share: rendering a view without a browser, and an application
record in the layout of POST /clients for the pure functions."""

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
