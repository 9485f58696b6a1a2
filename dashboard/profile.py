"""The client's own information, in human units, labelled from the schema in EN or FR."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import panel as pn
import param
from panel.viewable import Viewer

from dashboard.formatting import column_label, column_value
from dashboard.scenario import term_months
from dashboard.store import DashboardStore
from dashboard.wording import word
from scoring.wording import Language
from scoring.wording.formats import number, unknown

TERM = "term"  # derived: credit / annuity, in months
GROUPS: dict[str, tuple[str, ...]] = {
    "identity": (
        "DAYS_BIRTH",
        "CODE_GENDER",
        "NAME_FAMILY_STATUS",
        "CNT_CHILDREN",
        "CNT_FAM_MEMBERS",
        "NAME_EDUCATION_TYPE",
    ),
    "work": (
        "NAME_INCOME_TYPE",
        "OCCUPATION_TYPE",
        "ORGANIZATION_TYPE",
        "DAYS_EMPLOYED",
        "AMT_INCOME_TOTAL",
    ),
    "housing": ("NAME_HOUSING_TYPE", "FLAG_OWN_REALTY", "FLAG_OWN_CAR", "OWN_CAR_AGE"),
    "loan": ("NAME_CONTRACT_TYPE", "AMT_CREDIT", "AMT_ANNUITY", TERM, "AMT_GOODS_PRICE"),
}


def profile_rows(
    application: Mapping[str, Any], language: Language, currency: str = ""
) -> dict[str, list[tuple[str, str]]]:
    """Group title → (label, value) rows of the application, in ``language``."""
    return {
        word(group, language): [
            _row(name, application, language, currency)
            for name in names
            if _shown(name, application)
        ]
        for group, names in GROUPS.items()
    }


def _shown(name: str, application: Mapping[str, Any]) -> bool:
    """A car's age only for car owners."""
    return name != "OWN_CAR_AGE" or application.get("FLAG_OWN_CAR") == "Y"


def _row(
    name: str, application: Mapping[str, Any], language: Language, currency: str
) -> tuple[str, str]:
    if name == TERM:
        months = term_months(application.get("AMT_CREDIT"), application.get("AMT_ANNUITY"))
        value = (
            unknown(language)
            if months is None
            else word("term_value", language, n=number(months, language))
        )
        return word("term", language), value
    value = column_value(name, application.get(name), language, currency)
    return column_label(name, language), value


def rows_html(rows: list[tuple[str, str]]) -> str:
    """A two-column table whose row headers screen readers announce with each value."""
    body = "".join(
        f'<tr><th scope="row" style="text-align:left; padding-right:1em; font-weight:normal">'
        f"{html.escape(label, quote=False)}</th>"
        f"<td><strong>{html.escape(value, quote=False)}</strong></td></tr>"
        for label, value in rows
    )
    return f"<table>{body}</table>"


class ProfileView(Viewer):
    """Descriptive information of the selected client, grouped."""

    store = param.ClassSelector(class_=DashboardStore, doc="The session's state.")

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.panel(self._content, sizing_mode="stretch_width")

    @param.depends("store.client", "store.language")
    def _content(self) -> pn.viewable.Viewable:
        client, language = self.store.client, self.store.language
        if not client:
            return pn.Column()  # the recommendation above says why there is nothing to show
        rows = profile_rows(client["application"], language, self.store.currency)
        cards = [
            pn.Card(pn.pane.HTML(rows_html(r)), title=title, collapsible=False, min_width=280)
            for title, r in rows.items()
        ]
        return pn.Column(
            pn.pane.Markdown(f"## {word('profile_title', language)}"),
            pn.FlexBox(*cards),
            sizing_mode="stretch_width",
        )
