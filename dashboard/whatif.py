"""What-if: edit the actionable amounts, re-score through the API, find the largest credit.

The amounts are parameters of the view (widgets come from them); the term and the annuity
stay consistent (term = credit / annuity, and a new credit keeps the term). The logic
lives in :mod:`dashboard.scenario`; this module only wires it to the widgets and the store.
"""

from __future__ import annotations

import panel as pn
import param
from panel.viewable import Viewer

from dashboard.decision import verdict_html
from dashboard.formatting import column_label, points
from dashboard.scenario import (
    ACTIONABLE,
    LargestGranted,
    amount_grid,
    compare_contributions,
    grid_items,
    largest_granted,
    largest_message,
    modified_application,
    term_months,
)
from dashboard.status import notice
from dashboard.store import DashboardStore
from dashboard.wording import word
from scoring.schema.common import MAX_AMOUNT
from scoring.wording.formats import percent


def _amount(doc: str) -> param.Number:
    return param.Number(default=None, allow_None=True, bounds=(0, MAX_AMOUNT), doc=doc)


class WhatIfView(Viewer):
    """The client's amounts, editable, with the re-scored decision and what changed."""

    store = param.ClassSelector(class_=DashboardStore, doc="The session's state.")
    credit = _amount("Credit amount of the scenario (AMT_CREDIT).")
    annuity = _amount("Loan annuity of the scenario (AMT_ANNUITY).")
    term = param.Number(
        default=None, allow_None=True, bounds=(0, None), doc="Term in months: credit / annuity."
    )
    income = _amount("Client income of the scenario (AMT_INCOME_TOTAL).")
    goods_price = _amount("Price of the goods of the scenario (AMT_GOODS_PRICE).")
    rescore = param.Action(lambda view: view.score(), doc="Re-score the scenario (POST /explain).")
    find_largest = param.Action(
        lambda view: view.largest(), doc="Largest credit granted, term kept (/predict_batch)."
    )
    result = param.Dict(default={}, doc="POST /explain answer for the scenario.")
    outcome = param.ClassSelector(
        class_=LargestGranted, allow_None=True, doc="Largest credit granted over the grid."
    )
    _syncing = False  # set while one amount updates another, so they do not loop

    @param.depends("store.client", watch=True, on_init=True)
    def reset(self) -> None:
        """Start from the selected client's own amounts."""
        application = self.store.client.get("application", {})
        values = {name: application.get(column) for name, column in ACTIONABLE.items()}
        term = term_months(values["credit"], values["annuity"])
        self._set(**values, term=term, result={}, outcome=None)

    def changes(self) -> dict[str, float | None]:
        """The scenario's actionable columns."""
        return {column: getattr(self, name) for name, column in ACTIONABLE.items()}

    def score(self) -> None:
        """Re-score the scenario with the client's history."""
        client, language = self.store.client, self.store.language
        if not client:
            return
        application = modified_application(client["application"], self.changes())
        result = self.store.attempt(
            lambda api: api.explain(
                application=application, history=client["history"], language=language
            )
        )
        self.result = result or {}

    def largest(self) -> None:
        """The largest credit granted, from 10 % to 300 % of the request, in one batch."""
        client = self.store.client
        if not client:
            return
        application = modified_application(client["application"], self.changes())
        amounts = amount_grid(client["application"]["AMT_CREDIT"])
        items = grid_items(application, client["history"], amounts)
        answer = self.store.attempt(lambda api: api.predict_batch(items))
        self.outcome = None if answer is None else largest_granted(amounts, answer["results"])

    @param.depends("credit", "term", watch=True)
    def _annuity_from_term(self) -> None:
        """A new term, or a new credit at the same term, gives the annuity."""
        if not self._syncing and self.term and self.credit is not None:
            self._set(annuity=self.credit / self.term)

    @param.depends("annuity", watch=True)
    def _term_from_annuity(self) -> None:
        if not self._syncing:
            self._set(term=term_months(self.credit, self.annuity))

    @param.depends("store.language", watch=True)
    def _relabel(self) -> None:
        """The scenario's reasons and labels follow the language, like the client's."""
        if self.result:
            self.score()

    def _set(self, **values) -> None:
        self._syncing = True
        try:
            self.param.update(**values)
        finally:
            self._syncing = False

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(self._form, self._answer, sizing_mode="stretch_width")

    @param.depends("store.client")
    def _form(self) -> pn.viewable.Viewable:
        if not self.store.client:
            return notice(self.store)
        language = self.store.param.language
        labels = {
            name: pn.bind(column_label, column, language) for name, column in ACTIONABLE.items()
        }
        labels["term"] = pn.bind(word, "term", language)
        inputs = [
            pn.widgets.FloatInput.from_param(
                self.param[name],
                label=labels[name],
                step=1 if name == "term" else 1000,
                format="0.0" if name == "term" else "0,0",
                description=None,  # the docs are for developers, in English
            )
            for name in ("credit", "annuity", "term", "income", "goods_price")
        ]
        return pn.Column(
            pn.pane.Markdown(pn.bind(lambda lang: f"## {word('whatif_title', lang)}", language)),
            pn.pane.Markdown(pn.bind(word, "whatif_hint", language)),
            pn.FlexBox(*inputs),
            pn.Row(
                pn.widgets.Button.from_param(
                    self.param.rescore,
                    label=pn.bind(word, "rescore", language),
                    color="primary",
                    description=None,
                ),
                pn.widgets.Button.from_param(
                    self.param.find_largest,
                    label=pn.bind(word, "largest", language),
                    description=None,
                ),
            ),
            sizing_mode="stretch_width",
        )

    @param.depends("result", "outcome", "store.error", "store.language")
    def _answer(self) -> pn.viewable.Viewable:
        language, parts = self.store.language, []
        if self.store.error and self.store.client:
            parts.append(notice(self.store))
        if self.outcome is not None:
            requested = self.store.client["application"]["AMT_CREDIT"]
            parts.append(pn.pane.Alert(largest_message(self.outcome, requested, language)))
        if self.result and self.store.explanation:
            before, after = self.store.explanation, self.result
            risk = word(
                "risk_change",
                language,
                before=percent(before["probability"], language),
                after=percent(after["probability"], language),
                points=points(after["probability"] - before["probability"], language),
            )
            parts += [
                pn.pane.Markdown(f"### {word('scenario_title', language)}"),
                pn.pane.HTML(verdict_html(after, language), sizing_mode="stretch_width"),
                pn.pane.Markdown(risk),
                pn.pane.DataFrame(
                    compare_contributions(before, after, language),
                    index=False,
                    sizing_mode="stretch_width",
                ),
            ]
        return pn.Column(*parts, sizing_mode="stretch_width")
