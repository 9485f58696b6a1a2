"""What-if: edit the actionable amounts, re-score through the API, find the largest credit.

The amounts are parameters of the view, typed in :class:`NumberField` boxes that read the
advisor's notation; the term and the annuity stay consistent (term = credit / annuity, and
a new credit keeps the term). A re-score needs only the probability, so it is one
``/predict``; every call is a simulation (purpose ``what-if``), never a decision. Any edit
clears the answers given for the amounts before it, so what is shown always matches the
boxes. The logic lives in :mod:`dashboard.scenario`.
"""

from __future__ import annotations

from typing import Any

import panel as pn
import param
from panel.viewable import Viewer

from dashboard.decision import verdict_html
from dashboard.number_input import NumberField
from dashboard.scenario import (
    ACTIONABLE,
    FIELDS,
    LargestGranted,
    amount_grid,
    changes_table,
    field_label,
    grid_items,
    largest_granted,
    largest_message,
    modified_application,
    term_months,
)
from dashboard.status import notice
from dashboard.store import DashboardStore
from dashboard.tables import table_html
from dashboard.wording import word
from scoring.schema.common import MAX_AMOUNT


def _amount(doc: str) -> param.Number:
    return param.Number(default=None, allow_None=True, bounds=(0, MAX_AMOUNT), doc=doc)


class WhatIfView(Viewer):
    """The client's amounts, editable, with the re-scored recommendation and what changed."""

    store = param.ClassSelector(class_=DashboardStore, doc="The session's state.")
    credit = _amount("Credit amount of the scenario (AMT_CREDIT).")
    annuity = _amount("Loan annuity of the scenario (AMT_ANNUITY).")
    term = param.Number(
        default=None, allow_None=True, bounds=(0, None), doc="Term in months: credit / annuity."
    )
    income = _amount("Client income of the scenario (AMT_INCOME_TOTAL).")
    goods_price = _amount("Price of the goods of the scenario (AMT_GOODS_PRICE).")
    edited = param.List(default=[], item_type=str, doc="Fields the advisor changed, in order.")
    rescore = param.Action(lambda view: view.score(), doc="Re-score the scenario (POST /predict).")
    find_largest = param.Action(
        lambda view: view.largest(), doc="Largest credit recommended, term kept (/predict_batch)."
    )
    result = param.Dict(default={}, doc="POST /predict answer for the scenario.")
    outcome = param.ClassSelector(
        class_=LargestGranted, allow_None=True, doc="Largest credit recommended over the grid."
    )
    _syncing = False  # set while one amount updates another, so they do not loop

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.fields = {
            name: NumberField(
                maximum=None if name == "term" else MAX_AMOUNT, decimals=1 if name == "term" else 2
            )
            for name in FIELDS
        }
        for name, field in self.fields.items():
            field.param.watch(lambda event, name=name: setattr(self, name, event.new), "value")
        self.param.watch(self._edited, list(FIELDS))
        self.param.watch(self._to_fields, list(FIELDS))
        self._labels()
        self._to_fields()

    @param.depends("store.client", watch=True, on_init=True)
    def reset(self) -> None:
        """Start from the selected client's own amounts."""
        self._set(**self._client_values(), edited=[], result={}, outcome=None)

    def _client_values(self) -> dict[str, float | None]:
        application = self.store.client.get("application", {})
        values = {name: application.get(column) for name, column in ACTIONABLE.items()}
        return {**values, "term": term_months(values["credit"], values["annuity"])}

    def values(self) -> dict[str, float | None]:
        """The scenario's fields, the term included."""
        return {name: getattr(self, name) for name in FIELDS}

    def changes(self) -> dict[str, float | None]:
        """The scenario's actionable columns."""
        return {column: getattr(self, name) for name, column in ACTIONABLE.items()}

    def score(self) -> None:
        """Re-score the scenario with the client's history: the probability is all it needs."""
        client = self.store.client
        if not client:
            return
        application = modified_application(client["application"], self.changes())
        result = self.store.attempt(
            lambda api: api.predict(
                application=application, history=client["history"], purpose="what-if"
            )
        )
        self.result = result or {}

    def largest(self) -> None:
        """The largest credit the model recommends granting, from 10 % to 300 % of the amount
        entered, in one batch."""
        client = self.store.client
        if not client or not self.credit:
            return
        application = modified_application(client["application"], self.changes())
        amounts = amount_grid(self.credit)
        items = grid_items(application, client["history"], amounts)
        answer = self.store.attempt(lambda api: api.predict_batch(items, purpose="what-if"))
        self.outcome = None if answer is None else largest_granted(amounts, answer["results"])

    def _edited(self, *events: param.parameterized.Event) -> None:
        """An advisor's edit: remember the field, drop the answers about the old amounts."""
        if self._syncing:
            return
        names = [event.name for event in events]
        order = [*self.edited, *(name for name in names if name not in self.edited)]
        self.param.update(edited=order, result={}, outcome=None)

    @param.depends("credit", "term", watch=True)
    def _annuity_from_term(self) -> None:
        """A new term, or a new credit at the same term, gives the annuity."""
        if not self._syncing and self.term and self.credit is not None:
            self._set(annuity=self.credit / self.term)

    @param.depends("annuity", watch=True)
    def _term_from_annuity(self) -> None:
        if not self._syncing:
            self._set(term=term_months(self.credit, self.annuity))

    def _to_fields(self, *_: param.parameterized.Event) -> None:
        for name, field in self.fields.items():
            field.value = getattr(self, name)

    @param.depends("store.language", watch=True)
    def _labels(self) -> None:
        """Labels, notation and examples of the boxes follow the language."""
        language, currency = self.store.language, self.store.currency
        for name, field in self.fields.items():
            term = name == "term"
            field.param.update(
                language=language,
                label=word("term_label", language)
                if term
                else word("amount_label", language, label=field_label(name, language),
                          currency=currency),
                example=word("example_term" if term else "example_amount", language),
                unit="" if term else currency,
            )  # fmt: skip

    def _set(self, **values: Any) -> None:
        self._syncing = True
        try:
            self.param.update(**values)
        finally:
            self._syncing = False

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(self._form, self._answer, sizing_mode="stretch_width")

    @param.depends("store.client", "store.language")
    def _form(self) -> pn.viewable.Viewable:
        if not self.store.client:
            return pn.Column()  # the recommendation above says why there is nothing to show
        language = self.store.language
        return pn.Column(
            pn.pane.Markdown(f"## {word('whatif_title', language)}"),
            pn.pane.Markdown(word("whatif_hint", language)),
            pn.FlexBox(*self.fields.values()),
            pn.Row(
                pn.widgets.Button.from_param(
                    self.param.rescore,
                    label=word("rescore", language),
                    color="primary",
                    description=None,
                ),
                pn.widgets.Button.from_param(
                    self.param.find_largest, label=word("largest", language), description=None
                ),
            ),
            sizing_mode="stretch_width",
        )

    @param.depends("result", "outcome", "store.error", "store.language")
    def _answer(self) -> pn.viewable.Viewable:
        language, currency, parts = self.store.language, self.store.currency, []
        if self.store.error and self.store.client:
            parts.append(notice(self.store))
        if self.outcome is not None and self.credit:
            message = largest_message(self.outcome, self.credit, language, currency)
            parts.append(pn.pane.Alert(message))
        if self.result and self.store.explanation:
            risks = (self.store.explanation["probability"], self.result["probability"])
            table = changes_table(
                self._client_values(), self.values(), self.edited, risks, language, currency
            )
            parts += [
                pn.pane.Markdown(f"### {word('scenario_title', language)}"),
                pn.pane.HTML(verdict_html(self.result, language), sizing_mode="stretch_width"),
                pn.pane.HTML(table_html(table), sizing_mode="stretch_width"),
            ]
        return pn.Column(*parts, sizing_mode="stretch_width")
